/**
 * TicTacToe as SPIRAL plays it (TextArena's TicTacToe-v0): seat 0 is X and moves first, seat 1 is O; three in a
 * row wins; a full board is a draw. Actions are cells 0..8 row by row, written `[k]`.
 *
 * Text observation (ALGORITHMS.md): the first prompt and the current board, three rows ` 0 | 1 | 2 ` separated by
 * `---+---+---`, an empty cell showing its index, then "Available Moves: [0], [4] ...".
 * Compact text (a small char-level LM's prompt, docs/games.md): `Player 0 (X)`, the same board and the same
 * "Available Moves" line, without the rules prompt.
 * Numeric observation (27 + 1): for each cell, one-hot of (mine, the opponent's, empty) from the mover's side, so
 * both seats share what a pattern means, and the seat (0 for X, 1 for O).
 */
import type { GameView } from '../../../shared/run';
import type { Observation } from '../episodic';
import { lastBracketed, TwoSeatGame, type MoveResult, type Scoring } from './two-seat';

export const TICTACTOE_ACTIONS = Array.from({ length: 9 }, (_, k) => `[${k}]`);
export const TICTACTOE_OBSERVATION_SIZE = 28;
const LINES = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
] as const;

/** A board: 9 cells, each -1 (empty) or the seat that marked it. */
export type Board = readonly number[];

/** The seat with three in a row on `board`, or null. */
export function lineWinner(board: Board): number | null {
  for (const [a, b, c] of LINES) if (board[a] !== -1 && board[a] === board[b] && board[b] === board[c]) return board[a]!;
  return null;
}

export function boardText(board: Board): string {
  const cell = (k: number) => (board[k] === -1 ? String(k) : board[k] === 0 ? 'X' : 'O');
  return [0, 1, 2].map((r) => ` ${cell(3 * r)} | ${cell(3 * r + 1)} | ${cell(3 * r + 2)} `).join('\n---+---+---\n');
}

export function tictactoePrompt(seat: number): string {
  const mark = seat === 0 ? 'X' : 'O';
  return (
    `You are Player ${seat} in Tic Tac Toe.\n` +
    'Your goal is to get three of your marks in a row (horizontally, vertically, or diagonally) on the board.\n' +
    'On your turn, write the number of the empty cell you want to mark, in square brackets, such as [4] for the centre.\n' +
    `As Player ${seat}, you are '${mark}', and your opponent is '${mark === 'X' ? 'O' : 'X'}'.\n`
  );
}

export class TicTacToe extends TwoSeatGame {
  readonly game = 'tictactoe' as const;
  private readonly cells: number[] = new Array<number>(9).fill(-1);

  constructor(scoring: Scoring, maxTurns: number) {
    super(scoring, maxTurns);
  }

  /** The board now (a copy): what the minimax player reads. */
  get board(): number[] {
    return [...this.cells];
  }

  protected legal(): number[] {
    return this.cells.flatMap((c, k) => (c === -1 ? [k] : []));
  }

  protected apply(seat: number, action: number): MoveResult {
    this.cells[action] = seat;
    const winner = lineWinner(this.cells);
    if (winner !== null) return { ended: true, winner };
    if (this.cells.every((c) => c !== -1)) return { ended: true, winner: null };
    return { ended: false };
  }

  actionText(action: number): string {
    return `[${action}]`;
  }

  parseAction(text: string): number | null {
    const token = lastBracketed(text);
    return token !== null && /^[0-8]$/.test(token) ? Number(token) : null;
  }

  observe(seat: number): Observation {
    const v = new Float32Array(TICTACTOE_OBSERVATION_SIZE);
    this.cells.forEach((c, k) => (v[3 * k + (c === -1 ? 2 : c === seat ? 0 : 1)] = 1));
    v[27] = seat;
    const moves = this.legalActions().map((k) => `[${k}]`);
    const text = `${tictactoePrompt(seat)}\nCurrent Board:\n\n${boardText(this.cells)}\n\nAvailable Moves: ${moves.join(', ')}`;
    return { text, vector: v };
  }

  /** The board and the available moves as in the full text, with only the seat's mark before them (no rules prompt). */
  protected override compactText(seat: number): string {
    const moves = this.legalActions().map((k) => `[${k}]`);
    return `Player ${seat} (${seat === 0 ? 'X' : 'O'})\n${boardText(this.cells)}\nAvailable Moves: ${moves.join(', ')}`;
  }

  protected startText(): string {
    return `Tic Tac Toe\n\n${boardText(new Array<number>(9).fill(-1))}`;
  }

  protected view(base: Omit<GameView, 'kind'>): GameView {
    return { kind: 'tictactoe', ...base };
  }
}
