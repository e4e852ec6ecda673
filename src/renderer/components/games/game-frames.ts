/**
 * A two-seat game's view (shared/run.ts: TicTacToe, Kuhn Poker, Simple Negotiation) as it stood after its first k
 * moves: what the replay control steps through and the Play page draws (k = every move). Pure, so it is tested
 * without a page.
 */
import type { NegotiationView, TicTacToeView } from '../../../shared/run';
import type { PlayKuhnView } from '../../../shared/play';

/** A Kuhn Poker view from Trajectories (every card) or the Play page (the agent's card of a live round null). */
export type KuhnView = PlayKuhnView;
export type AnyGameView = TicTacToeView | KuhnView | NegotiationView;

export function isGameView(view: { kind: string }): view is AnyGameView {
  return view.kind === 'tictactoe' || view.kind === 'kuhn-poker' || view.kind === 'negotiation';
}

/** Seat names: the agent of the run where one seat was its, Player 0 / Player 1 otherwise. */
export function seatNames(agentSeat: number | null, person?: number): [string, string] {
  if (person !== undefined) return person === 0 ? ['You', 'Agent'] : ['Agent', 'You'];
  const name = (s: number) => `Player ${s}${agentSeat === s ? ' (agent)' : agentSeat !== null ? ' (opponent)' : ''}`;
  return [name(0), name(1)];
}

export interface TicTacToeFrame {
  /** 'X', 'O' or null for each cell 0..8. */
  cells: Array<'X' | 'O' | null>;
  /** The cell of the k-th move, or null at the start. */
  last: number | null;
  /** The k-th move when it was invalid (it ended the game and marks no cell). */
  invalid: { seat: number; action: string } | null;
}

export function ticTacToeFrame(view: TicTacToeView, k: number): TicTacToeFrame {
  const cells: TicTacToeFrame['cells'] = new Array(9).fill(null);
  let last: number | null = null;
  let invalid: TicTacToeFrame['invalid'] = null;
  view.moves.slice(0, k).forEach((m, i) => {
    const cell = /^\[([0-8])\]$/.exec(m.action);
    const isInvalid = view.invalidBy === m.seat && i === view.moves.length - 1;
    if (cell && !isInvalid && cells[Number(cell[1])] === null) {
      last = Number(cell[1]);
      cells[last] = m.seat === 0 ? 'X' : 'O';
    } else invalid = m;
  });
  return { cells, last: invalid ? null : last, invalid };
}

export interface KuhnFrame {
  /** The round on the table (0-based) and how many rounds the match has. */
  round: number;
  rounds: number;
  cards: [number | null, number | null];
  firstPlayer: number;
  /** The round's moves shown so far; `invalid` marks the one that ended the game. */
  moves: Array<{ seat: number; action: string; invalid: boolean }>;
  pot: number;
  /** Each seat's net chips now (the antes and bets of a round in play taken off). */
  chips: [number, number];
  /** The round's winner once its last move is shown. */
  winner: number | null;
  over: boolean;
}

const ANTE = 1;

export function kuhnFrame(view: KuhnView, k: number): KuhnFrame {
  const rounds = view.rounds;
  let start = 0;
  let r = 0;
  // The round holding the k-th move (the first round before any move); an invalid move past every round's moves
  // belongs to the round it interrupted, the last one.
  while (r < rounds.length - 1 && k > start + rounds[r]!.moves.length) {
    start += rounds[r]!.moves.length;
    r++;
  }
  const round = rounds[r]!;
  const played = view.moves.slice(start, Math.max(start, k));
  const before: [number, number] = r > 0 ? [...rounds[r - 1]!.chips] : [0, 0];
  const over = played.length >= round.moves.length && round.winner !== null;
  const moves = played.map((m, i) => ({ ...m, invalid: i >= round.moves.length }));
  const paid: [number, number] = [ANTE, ANTE];
  for (const m of moves) if (!m.invalid && (m.action === '[bet]' || m.action === '[call]')) paid[m.seat] += 1;
  const chips: [number, number] = over ? [...round.chips] : [before[0] - paid[0], before[1] - paid[1]];
  return {
    round: r,
    rounds: rounds.length,
    cards: [round.cards[0], round.cards[1]],
    firstPlayer: round.firstPlayer,
    moves,
    pot: paid[0] + paid[1],
    chips,
    winner: over ? round.winner : null,
    over,
  };
}

export interface NegotiationFrame {
  inventories: NegotiationView['inventories'][number];
  /** The offer on the table after the k-th move: who made it and its text. */
  offer: { seat: number; action: string } | null;
}

export function negotiationFrame(view: NegotiationView, k: number): NegotiationFrame {
  let offer: NegotiationFrame['offer'] = null;
  for (const m of view.moves.slice(0, k)) {
    if (m.action.startsWith('[Offer')) offer = m;
    else offer = null;
  }
  const inventories = view.inventories[Math.min(k, view.inventories.length - 1)] ?? [];
  return { inventories, offer };
}

export const CARD_NAMES = ['J', 'Q', 'K'] as const;

/** How the game ended, from its view, with the seats' names. */
export function gameEnd(view: AnyGameView, names: [string, string]): string {
  if (view.invalidBy !== null) return `${names[view.invalidBy]} made an invalid move and lost`;
  if (view.truncated) return 'cut off at the turn limit: a draw';
  if (view.winner === null) return 'a draw';
  return `${names[view.winner]} won`;
}
