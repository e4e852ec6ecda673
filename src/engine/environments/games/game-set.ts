/**
 * The game task as an episodic environment: one game, or several at once (a mix). With one game the model reads
 * the game's own observation vector and action ids. With several, one policy serves them all: the vector is a
 * one-hot of the game followed by the game's vector padded with zeros to the longest, and each game has its own
 * range of action ids (TicTacToe's 9, Kuhn Poker's 4, Negotiation's 52, in the task's order), so the games share
 * the trunk and not the meaning of an output. `reset` draws a game and a start from the run's stream (SPIRAL's
 * recipe shares an iteration's games out in turn with `drawStart`); the evaluation starts come from a fixed seed, the same for every run.
 */
import type { GameKind, GameTaskConfig } from '../../../shared/games';
import { createRng } from '../../rng';
import type { Rng } from '../../types';
import type { EpisodicEnvironment, Observation, StepOutcome } from '../episodic';
import { drawKuhnDeals, KUHN_ACTIONS, KUHN_OBSERVATION_SIZE, KuhnPoker, type KuhnStart } from './kuhn-poker';
import { NEGOTIATION_ACTIONS, NEGOTIATION_OBSERVATION_SIZE, Negotiation } from './negotiation';
import { TICTACTOE_ACTIONS, TICTACTOE_OBSERVATION_SIZE, TicTacToe } from './tictactoe';
import type { GameEpisode, Scoring, TextStyle } from './two-seat';

/** A start: the game, and for Kuhn Poker the match's deals. */
export interface GameStart {
  game: GameKind;
  deals?: KuhnStart['deals'];
}

const EVALUATION_SEED = 0x5b1a;
const RULES: Record<GameKind, { actions: readonly string[]; observationSize: number }> = {
  tictactoe: { actions: TICTACTOE_ACTIONS, observationSize: TICTACTOE_OBSERVATION_SIZE },
  'kuhn-poker': { actions: KUHN_ACTIONS, observationSize: KUHN_OBSERVATION_SIZE },
  negotiation: { actions: NEGOTIATION_ACTIONS, observationSize: NEGOTIATION_OBSERVATION_SIZE },
};

export class GameSet implements EpisodicEnvironment<GameStart> {
  readonly kind = 'game';
  readonly players = 2;
  readonly games: readonly GameKind[];
  readonly actions: readonly string[];
  readonly observationSize: number;
  private readonly offsets: Record<string, number> = {};

  constructor(readonly config: GameTaskConfig) {
    this.games = [...config.games];
    const mix = this.games.length > 1;
    this.observationSize = mix ? this.games.length + Math.max(...this.games.map((g) => RULES[g].observationSize)) : RULES[this.games[0]!].observationSize;
    const actions: string[] = [];
    for (const g of this.games) {
      this.offsets[g] = actions.length;
      actions.push(...RULES[g].actions.map((a) => (mix ? `${g}:${a}` : a)));
    }
    this.actions = actions;
  }

  /** A game drawn from `rng` (uniformly, with a mix), a start drawn from `rng`, training scoring. */
  reset(rng: Rng): GameEpisode {
    const game = this.games.length > 1 ? this.games[rng.int(this.games.length)]! : this.games[0]!;
    return this.play(this.drawStart(game, rng), 'training');
  }

  /** A start of `game` drawn from `rng` (Kuhn Poker's deals; the other games have one start). */
  drawStart(game: GameKind, rng: Rng): GameStart {
    return this.draw(game, () => rng.next());
  }

  start(start: GameStart): GameEpisode {
    return this.play(start, 'evaluation');
  }

  /** An episode of a start with the given scoring (training pays -1.5 / +0.5 for an invalid move, evaluation -1 / +1). */
  play(start: GameStart, scoring: Scoring): GameEpisode {
    const inner = this.inner(start, scoring);
    return this.games.length > 1 ? new MixEpisode(inner, this.encoder(start.game), this.offsets[start.game]!) : inner;
  }

  /** `evalGames` starts of each game from the fixed evaluation seed. */
  evaluationStarts(): GameStart[] {
    const rng = createRng(EVALUATION_SEED);
    return this.games.flatMap((game) => Array.from({ length: this.config.evalGames }, () => this.draw(game, () => rng.next())));
  }

  /** The model's input for a game's own observation vector (identity with one game). */
  encoder(game: GameKind): (vector: Float32Array) => Float32Array {
    if (this.games.length === 1) return (v) => v;
    const index = this.games.indexOf(game);
    return (v) => {
      const out = new Float32Array(this.observationSize);
      out[index] = 1;
      out.set(v, this.games.length);
      return out;
    };
  }

  /** The first model action id of a game's actions. */
  actionOffset(game: GameKind): number {
    return this.offsets[game]!;
  }

  /** The game's own episode behind a (possibly mixed) episode: what the minimax player and the views read. */
  static unwrap(episode: GameEpisode): GameEpisode {
    return episode instanceof MixEpisode ? episode.inner : episode;
  }

  private draw(game: GameKind, next: () => number): GameStart {
    return game === 'kuhn-poker' ? { game, deals: drawKuhnDeals(this.config.kuhnRounds, next).deals } : { game };
  }

  private inner(start: GameStart, scoring: Scoring): GameEpisode {
    const turns = this.config.maxTurns;
    switch (start.game) {
      case 'tictactoe':
        return new TicTacToe(scoring, turns);
      case 'kuhn-poker':
        if (!start.deals) throw new Error('kuhn-poker: a start needs its deals');
        return new KuhnPoker(scoring, turns, { deals: start.deals });
      case 'negotiation':
        return new Negotiation(scoring, turns, this.config.negotiationTurns);
    }
  }
}

/** A game's episode seen through the mix: padded observation vectors and shifted action ids. */
class MixEpisode implements GameEpisode {
  constructor(
    readonly inner: GameEpisode,
    private readonly encode: (v: Float32Array) => Float32Array,
    private readonly offset: number,
  ) {}
  get game() {
    return this.inner.game;
  }
  get toMove() {
    return this.inner.toMove;
  }
  get done() {
    return this.inner.done;
  }
  get steps() {
    return this.inner.steps;
  }
  get winner() {
    return this.inner.winner;
  }
  get invalidBy() {
    return this.inner.invalidBy;
  }
  get truncated() {
    return this.inner.truncated;
  }
  get agentSeat() {
    return this.inner.agentSeat;
  }
  set agentSeat(seat: number | null) {
    this.inner.agentSeat = seat;
  }
  legalActions(): number[] {
    return this.inner.legalActions().map((a) => a + this.offset);
  }
  observe(seat: number): Observation {
    const o = this.inner.observe(seat);
    return { text: o.text, vector: this.encode(o.vector) };
  }
  step(action: number): StepOutcome {
    return this.inner.step(action - this.offset);
  }
  stepText(text: string): StepOutcome {
    return this.inner.stepText(text);
  }
  textObservation(seat: number, style: TextStyle): string {
    return this.inner.textObservation(seat, style);
  }
  record() {
    return this.inner.record();
  }
}

export function createGameSet(config: GameTaskConfig): GameSet {
  return new GameSet(config);
}

export function isGameSet(env: EpisodicEnvironment): env is GameSet {
  return env instanceof GameSet;
}
