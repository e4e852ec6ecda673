/**
 * Kuhn Poker as SPIRAL plays it (TextArena's KuhnPoker): a deck of J, Q, K; each round both players ante 1 chip
 * and get one card; the first player alternates between rounds (seat 0 opens round 1). A round is check or bet,
 * then the answer: after check, check (showdown) or bet; after a bet, fold or call (showdown). A match is
 * `rounds` rounds; the player with more chips at the end wins it (equal chips: a draw).
 *
 * The pot is counted correctly: the antes and every bet and call go into it, and the round's winner takes it
 * (a bet-call showdown moves 2 chips, a check-check showdown or a fold 1). SPIRAL's code never adds bets to the
 * pot, so there a called bet won nothing more than a check; that bug is not copied.
 *
 * Text observation (ALGORITHMS.md): the full history, the rules prompt then every message the seat has seen (its
 * own card each round, every move, each round's result), then its available actions `[check], [bet]`.
 * Compact text (a small char-level LM's prompt, docs/games.md): "You are Player k.", the current round's messages
 * (its start and card, the moves so far) and the available actions; earlier rounds and the rules prompt are left out.
 * Numeric observation (7): the seat's card one-hot (J, Q, K) and the round's betting so far one-hot ("" to open,
 * "check", "bet", "check bet"): the information set of one round. Chips and earlier rounds are not inputs, so the
 * MLP's policy is a behaviour strategy of one-round Kuhn Poker, whose exploitability kuhn-exploitability.ts computes
 * exactly.
 */
import type { GameView, KuhnPokerView } from '../../../shared/run';
import type { Observation } from '../episodic';
import { lastBracketed, TwoSeatGame, type MoveResult, type Scoring } from './two-seat';

export const KUHN_ACTIONS = ['[check]', '[bet]', '[fold]', '[call]'] as const;
export const CHECK = 0;
export const BET = 1;
export const FOLD = 2;
export const CALL = 3;
export const KUHN_OBSERVATION_SIZE = 7;
export const CARD_NAMES = ['J', 'Q', 'K'] as const;
/** The betting of a round so far, by the moves' first letters: '' (to open), 'c', 'b', 'cb'. */
export type KuhnHistory = '' | 'c' | 'b' | 'cb';
export const KUHN_HISTORIES: readonly KuhnHistory[] = ['', 'c', 'b', 'cb'];
const ANTE = 1;

/** A match's deals: for each round, [seat 0's card, seat 1's card], distinct, 0 = J, 1 = Q, 2 = K. */
export interface KuhnStart {
  deals: Array<[number, number]>;
}

/** The legal action ids after a round's betting `history`. */
export function kuhnLegal(history: KuhnHistory): number[] {
  return history === 'b' || history === 'cb' ? [FOLD, CALL] : [CHECK, BET];
}

/** The numeric observation of an information set: card one-hot, then the history one-hot. */
export function kuhnVector(card: number, history: KuhnHistory): Float32Array {
  const v = new Float32Array(KUHN_OBSERVATION_SIZE);
  v[card] = 1;
  v[3 + KUHN_HISTORIES.indexOf(history)] = 1;
  return v;
}

export function kuhnPrompt(seat: number, rounds: number): string {
  return (
    `You are Player ${seat} in a ${rounds} round game of Kuhn Poker.\n` +
    'Game Rules:\n' +
    '- Kuhn Poker uses a 3-card deck with J, Q, K (J lowest, K highest)\n' +
    `- Each player antes ${ANTE} chip and receives 1 card each round (the cards are dealt without replacement, so you cannot have the same card as your opponent)\n` +
    `- Game continues for ${rounds} rounds\n` +
    '- The player with the most chips after all rounds wins\n\n' +
    'Action Rules:\n' +
    "- '[check]': Pass without betting (only if no bet is on the table)\n" +
    "- '[bet]': Add 1 chip to the pot (only if no bet is on the table)\n" +
    "- '[call]': Match an opponent's bet by adding 1 chip to the pot\n" +
    "- '[fold]': Surrender your hand and let your opponent win the pot\n"
  );
}

type Round = KuhnPokerView['rounds'][number];

export class KuhnPoker extends TwoSeatGame {
  readonly game = 'kuhn-poker' as const;
  private round = 0;
  private betting: KuhnHistory = '';
  private pot = 0;
  private readonly chips: [number, number] = [0, 0];
  /** Each seat's net chips after the last finished round (the current round's ante and bets not yet counted). */
  private readonly settled: [number, number] = [0, 0];
  private readonly rounds: Round[] = [];
  /** What each seat has been told, in order: the text observation's history. */
  private readonly log: [string[], string[]] = [[], []];

  constructor(
    scoring: Scoring,
    maxTurns: number,
    private readonly start: KuhnStart,
  ) {
    super(scoring, maxTurns);
    if (start.deals.length < 1) throw new Error('kuhn-poker: a match needs at least one round');
    for (const [a, b] of start.deals)
      if (a === b || ![a, b].every((c) => Number.isInteger(c) && c >= 0 && c <= 2)) throw new Error(`kuhn-poker: bad deal [${a}, ${b}]`);
    this.deal();
  }

  /** The information set of the seat to move: its card and the round's betting so far. */
  get infoSet(): { card: number; history: KuhnHistory } {
    return { card: this.start.deals[this.round]![this.toMove]!, history: this.betting };
  }

  /** Each seat's net chips after the rounds finished so far. */
  get chipCounts(): [number, number] {
    return [...this.settled];
  }

  protected legal(): number[] {
    return kuhnLegal(this.betting);
  }

  protected apply(seat: number, action: number): MoveResult {
    const current = this.rounds[this.round]!;
    current.moves.push({ seat, action: KUHN_ACTIONS[action]! });
    this.tell(`[Player ${seat}] ${KUHN_ACTIONS[action]}`);
    if (action === BET || action === CALL) {
      this.chips[seat] -= 1;
      this.pot += 1;
    }
    if (action === FOLD) return this.endRound(1 - seat, `Player ${seat} has folded.`);
    const cards = this.start.deals[this.round]!;
    const showdown = action === CALL || (action === CHECK && this.betting === 'c');
    if (showdown) {
      const winner = cards[0] > cards[1] ? 0 : 1;
      const loser = 1 - winner;
      return this.endRound(winner, `Showdown: Player ${winner}'s ${CARD_NAMES[cards[winner]]} beats Player ${loser}'s ${CARD_NAMES[cards[loser]]}.`);
    }
    this.betting = (this.betting + (action === CHECK ? 'c' : 'b')) as KuhnHistory;
    return { ended: false };
  }

  protected override nextMover(seat: number): number {
    // After a round ends, the next round's first player opens.
    return this.betting === '' ? this.rounds[this.round]!.firstPlayer : 1 - seat;
  }

  actionText(action: number): string {
    return KUHN_ACTIONS[action] ?? `[${action}]`;
  }

  parseAction(text: string): number | null {
    const token = lastBracketed(text)?.toLowerCase();
    const k = KUHN_ACTIONS.indexOf(`[${token}]` as (typeof KUHN_ACTIONS)[number]);
    return k >= 0 ? k : null;
  }

  observe(seat: number): Observation {
    const lines = [kuhnPrompt(seat, this.start.deals.length), ...this.log[seat]];
    if (!this.done && this.toMove === seat)
      lines.push(
        `Your available actions are: ${this.legal()
          .map((a) => KUHN_ACTIONS[a])
          .join(', ')}`,
      );
    const card = this.start.deals[Math.min(this.round, this.start.deals.length - 1)]![seat]!;
    return { text: lines.join('\n'), vector: kuhnVector(card, this.betting) };
  }

  /** The seat and the current round's messages (its card, the moves so far), then the available actions: no rules prompt, no earlier rounds. */
  protected override compactText(seat: number): string {
    const log = this.log[seat];
    let from = log.length - 1;
    while (from > 0 && !log[from]!.startsWith('[GAME] Starting round')) from--;
    const lines = [`You are Player ${seat}.`, ...log.slice(Math.max(0, from))];
    if (!this.done && this.toMove === seat)
      lines.push(
        `Your available actions are: ${this.legal()
          .map((a) => KUHN_ACTIONS[a])
          .join(', ')}`,
      );
    return lines.join('\n');
  }

  protected startText(): string {
    return `Kuhn Poker, ${this.start.deals.length} rounds; deals ${this.start.deals.map(([a, b]) => `${CARD_NAMES[a]}${CARD_NAMES[b]}`).join(' ')}`;
  }

  protected override endDetail(): string {
    return `chips ${this.settled[0]} : ${this.settled[1]}`;
  }

  protected view(base: Omit<GameView, 'kind'>): GameView {
    return {
      kind: 'kuhn-poker',
      ...base,
      rounds: this.rounds.map((r) => ({ ...r, moves: r.moves.map((m) => ({ ...m })), cards: [...r.cards], chips: [...r.chips] })),
    };
  }

  private deal(): void {
    const cards = this.start.deals[this.round]!;
    const firstPlayer = this.round % 2;
    this.betting = '';
    this.chips[0] -= ANTE;
    this.chips[1] -= ANTE;
    this.pot = 2 * ANTE;
    this.rounds.push({ cards: [cards[0], cards[1]], firstPlayer, moves: [], pot: this.pot, winner: null, chips: [...this.settled] });
    for (const seat of [0, 1])
      this.log[seat]!.push(`[GAME] Starting round ${this.round + 1} out of ${this.start.deals.length} rounds. Your card is: '${CARD_NAMES[cards[seat]!]}'`);
  }

  private endRound(winner: number, reason: string): MoveResult {
    const current = this.rounds[this.round]!;
    current.pot = this.pot;
    this.chips[winner] += this.pot;
    current.winner = winner;
    current.chips = [...this.chips];
    this.settled[0] = this.chips[0];
    this.settled[1] = this.chips[1];
    this.tell(`[GAME] ${reason} Player ${winner} wins the pot of ${this.pot} chips. Chips: Player 0: ${this.chips[0]}; Player 1: ${this.chips[1]}`);
    this.pot = 0;
    this.round += 1;
    if (this.round >= this.start.deals.length) {
      return { ended: true, winner: this.chips[0] > this.chips[1] ? 0 : this.chips[0] < this.chips[1] ? 1 : null };
    }
    this.deal();
    return { ended: false };
  }

  private tell(line: string): void {
    this.log[0].push(line);
    this.log[1].push(line);
  }
}

/** A match's deals drawn with `next()` (uniform in [0, 1)): each round two distinct cards of J, Q, K. */
export function drawKuhnDeals(rounds: number, next: () => number): KuhnStart {
  return {
    deals: Array.from({ length: rounds }, () => {
      const a = Math.floor(next() * 3);
      const b = (a + 1 + Math.floor(next() * 2)) % 3;
      return [a, b] as [number, number];
    }),
  };
}
