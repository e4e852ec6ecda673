/**
 * The perfect TicTacToe player: negamax over every position, memoised (5,478 legal positions). A position's value
 * for the seat to move is +1 - d/10 for a win d moves away, 0 for a draw, -(1 - d/10) for a loss, so it wins as
 * soon as it can and loses as late as it must; among equal moves it takes the lowest cell, so it is deterministic.
 */
import { lineWinner, type Board } from './tictactoe';

const memo = new Map<string, number>();

/** The value of `board` for `mover` (the seat to move), with perfect play by both. */
export function minimaxValue(board: Board, mover: number): number {
  const key = `${board.join(',')}|${mover}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  let value: number;
  const winner = lineWinner(board);
  const empty = board.flatMap((c, k) => (c === -1 ? [k] : []));
  if (winner !== null) value = winner === mover ? 1 : -1;
  else if (empty.length === 0) value = 0;
  else {
    value = -Infinity;
    for (const k of empty) value = Math.max(value, moveValue(board, mover, k));
  }
  memo.set(key, value);
  return value;
}

/** The value for `mover` of marking cell `k` (a win sooner is worth more, a loss later costs less). */
function moveValue(board: Board, mover: number, k: number): number {
  const next = [...board];
  next[k] = mover;
  const v = -minimaxValue(next, 1 - mover);
  return v === 0 ? 0 : Math.sign(v) * (Math.abs(v) - 0.1);
}

/** The perfect move for `mover`: the lowest empty cell of the greatest value. */
export function minimaxMove(board: Board, mover: number): number {
  let best = -1;
  let bestValue = -Infinity;
  board.forEach((c, k) => {
    if (c !== -1) return;
    const v = moveValue(board, mover, k);
    if (v > bestValue + 1e-9) {
      best = k;
      bestValue = v;
    }
  });
  if (best < 0) throw new Error('minimax: no empty cell on the board');
  return best;
}
