/**
 * What every two-seat game of SPIRAL shares (ALGORITHMS.md, "SPIRAL"): whose turn it is, the outcome rewards (+1
 * win, -1 loss, 0 draw, given to both seats when the game ends), the invalid-action rule (an action that is not
 * legal ends the game: in training the offender gets -1.5 and the other seat +0.5, in evaluation -1 / +1), and
 * truncation (a game still going after `maxTurns` moves is a draw). A game supplies its rules: legal actions, the
 * move, the observations (text for a text LM, numbers for a policy-value MLP), the text form of an action and its
 * parser, and the view the Trajectories screen draws.
 */
import type { GameKind } from '../../../shared/games';
import type { GameView } from '../../../shared/run';
import type { Episode, EpisodeRecord, Observation, StepOutcome } from '../episodic';

/** Training games pay -1.5 / +0.5 for an invalid action (SPIRAL's shaping); evaluation games pay -1 / +1. */
export type Scoring = 'training' | 'evaluation';

export const INVALID_REWARDS: Record<Scoring, { offender: number; other: number }> = {
  training: { offender: -1.5, other: 0.5 },
  evaluation: { offender: -1, other: 1 },
};

/** An episode of a two-seat game: an Episode with its outcome, and moves given as text. */
export interface GameEpisode extends Episode {
  readonly game: GameKind;
  /** The seat that won; null for a draw or a game in progress. */
  readonly winner: number | null;
  /** The seat whose invalid action ended the game, or null. */
  readonly invalidBy: number | null;
  readonly truncated: boolean;
  /** The seat the run's agent plays, when only one is (set by whoever seats the players; shown in the view). */
  agentSeat: number | null;
  /**
   * The prompt a text LM reads for `seat`'s move: the game's own text observation (`full`), or the same rendering
   * without the rules prompt (`compact`, for a small char-level model; docs/games.md states what each game drops).
   */
  textObservation(seat: number, style: TextStyle): string;
  /** Plays a move written as text (`[4]`, `[bet]`, `[Offer: 3 Wood -> 2 Gold]`); text that names no legal action is an invalid action. */
  stepText(text: string): StepOutcome;
}

/** How a game is rendered for a text LM: its own observation text, or the compact one. */
export type TextStyle = 'full' | 'compact';

/** A move as the game applies it: the outcome, if it ended the game (winner seat or null for a draw). */
export type MoveResult = { ended: false } | { ended: true; winner: number | null };

export abstract class TwoSeatGame implements GameEpisode {
  abstract readonly game: GameKind;
  agentSeat: number | null = null;
  private mover = 0;
  private result: { winner: number | null; invalidBy: number | null; truncated: boolean } | null = null;
  private readonly returnsBySeat = [0, 0];
  protected readonly history: Array<{ seat: number; action: string }> = [];

  constructor(
    protected readonly scoring: Scoring,
    private readonly maxTurns: number,
    firstMover = 0,
  ) {
    this.mover = firstMover;
  }

  /** Legal action ids for the seat to move. */
  protected abstract legal(): number[];
  /** Applies a legal action of the seat to move; returns whether it ended the game. */
  protected abstract apply(seat: number, action: number): MoveResult;
  /** Who moves after `seat`'s move (the other seat, unless the game says otherwise). */
  protected nextMover(seat: number): number {
    return 1 - seat;
  }
  /** The text name of an action id: what a text LM writes. */
  abstract actionText(action: number): string;
  /** The action id a text names (its last bracketed action), or null. */
  abstract parseAction(text: string): number | null;
  abstract observe(seat: number): Observation;
  protected abstract startText(): string;
  /** The compact text observation; a game without a shorter one gives its full text. */
  protected compactText(seat: number): string {
    return this.observe(seat).text;
  }
  protected abstract view(base: Omit<GameView, 'kind'>): GameView;
  /** A sentence about the end beyond the winner (chips, gains), or ''. */
  protected endDetail(): string {
    return '';
  }

  get toMove(): number {
    return this.mover;
  }
  get done(): boolean {
    return this.result !== null;
  }
  get steps(): number {
    return this.history.length;
  }
  get winner(): number | null {
    return this.result?.winner ?? null;
  }
  get invalidBy(): number | null {
    return this.result?.invalidBy ?? null;
  }
  get truncated(): boolean {
    return this.result?.truncated ?? false;
  }

  legalActions(): number[] {
    return this.done ? [] : this.legal();
  }

  textObservation(seat: number, style: TextStyle): string {
    return style === 'full' ? this.observe(seat).text : this.compactText(seat);
  }

  step(action: number): StepOutcome {
    if (this.done) throw new Error(`${this.game}: step() after the game ended`);
    const seat = this.mover;
    if (!this.legal().includes(action)) {
      this.history.push({ seat, action: Number.isInteger(action) && action >= 0 ? this.actionText(action) : String(action) });
      return this.invalid(seat);
    }
    this.history.push({ seat, action: this.actionText(action) });
    const moved = this.apply(seat, action);
    if (moved.ended) return this.finish(moved.winner, null, false);
    if (this.history.length >= this.maxTurns) return this.finish(null, null, true);
    this.mover = this.nextMover(seat);
    return { rewards: [0, 0], done: false };
  }

  stepText(text: string): StepOutcome {
    if (this.done) throw new Error(`${this.game}: stepText() after the game ended`);
    const action = this.parseAction(text);
    if (action === null || !this.legal().includes(action)) {
      this.history.push({ seat: this.mover, action: text.trim().slice(0, 80) });
      return this.invalid(this.mover);
    }
    return this.step(action);
  }

  record(): EpisodeRecord {
    const base = {
      moves: this.history.map((m) => ({ ...m })),
      winner: this.winner,
      invalidBy: this.invalidBy,
      truncated: this.truncated,
      returns: [...this.returnsBySeat],
      agentSeat: this.agentSeat,
    };
    const detail = this.endDetail();
    const verdict = !this.done
      ? `in progress after ${this.steps} moves`
      : this.invalidBy !== null
        ? `Player ${this.invalidBy} made an invalid move and lost`
        : this.truncated
          ? `cut off after ${this.steps} moves: a draw`
          : this.winner === null
            ? `a draw after ${this.steps} moves`
            : `Player ${this.winner} won in ${this.steps} moves`;
    return {
      start: this.startText(),
      moves: this.history.map((m) => m.action).join(' '),
      returns: [...this.returnsBySeat],
      steps: this.steps,
      success: this.agentSeat !== null && this.winner === this.agentSeat,
      verdict: detail ? `${verdict}; ${detail}` : verdict,
      view: this.view(base),
    };
  }

  private invalid(seat: number): StepOutcome {
    const r = INVALID_REWARDS[this.scoring];
    this.result = { winner: 1 - seat, invalidBy: seat, truncated: false };
    const rewards = seat === 0 ? [r.offender, r.other] : [r.other, r.offender];
    this.returnsBySeat[0] = rewards[0]!;
    this.returnsBySeat[1] = rewards[1]!;
    return { rewards, done: true };
  }

  private finish(winner: number | null, invalidBy: number | null, truncated: boolean): StepOutcome {
    this.result = { winner, invalidBy, truncated };
    const rewards = winner === null ? [0, 0] : winner === 0 ? [1, -1] : [-1, 1];
    this.returnsBySeat[0] = rewards[0]!;
    this.returnsBySeat[1] = rewards[1]!;
    return { rewards, done: true };
  }
}

/** The last bracketed token of a text (`... [bet]` -> "bet"), trimmed; null when there is none. */
export function lastBracketed(text: string): string | null {
  const all = [...text.matchAll(/\[([^[\]]*)\]/g)];
  return all.length ? all[all.length - 1]![1]!.trim() : null;
}
