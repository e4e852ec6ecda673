import { describe, expect, it } from 'vitest';
import type { KuhnPokerView, NegotiationView, TicTacToeView } from '../../../shared/run';
import { gameEnd, kuhnFrame, negotiationFrame, seatNames, ticTacToeFrame } from './game-frames';

const end = { winner: 0, invalidBy: null, truncated: false, returns: [1, -1], agentSeat: null };

describe('game frames: a game as it stood after k moves', () => {
  const ttt: TicTacToeView = {
    kind: 'tictactoe',
    ...end,
    moves: ['[4]', '[0]', '[2]', '[6]', '[3]', '[5]', '[1]', '[7]', '[8]'].map((action, i) => ({ seat: i % 2, action })),
    winner: null,
    returns: [0, 0],
  };

  it('TicTacToe: marks each move in turn, X first, and points at the last', () => {
    expect(ticTacToeFrame(ttt, 0).cells.every((c) => c === null)).toBe(true);
    const f = ticTacToeFrame(ttt, 3);
    expect(f.cells).toEqual(['O', null, 'X', null, 'X', null, null, null, null]);
    expect(f.last).toBe(2);
    expect(ticTacToeFrame(ttt, 9).cells.filter((c) => c !== null)).toHaveLength(9);
  });

  it('TicTacToe: an invalid last move marks no cell and is reported', () => {
    const view: TicTacToeView = { ...ttt, moves: [...ttt.moves.slice(0, 2), { seat: 0, action: '[4]' }], invalidBy: 0, winner: 1 };
    const f = ticTacToeFrame(view, 3);
    expect(f.cells.filter((c) => c !== null)).toHaveLength(2);
    expect(f.invalid).toEqual({ seat: 0, action: '[4]' });
    expect(gameEnd(view, seatNames(null))).toBe('Player 0 made an invalid move and lost');
  });

  const kuhn: KuhnPokerView = {
    kind: 'kuhn-poker',
    ...end,
    moves: [
      { seat: 0, action: '[bet]' },
      { seat: 1, action: '[call]' },
      { seat: 1, action: '[check]' },
      { seat: 0, action: '[bet]' },
      { seat: 1, action: '[fold]' },
    ],
    rounds: [
      {
        cards: [2, 0],
        firstPlayer: 0,
        moves: [
          { seat: 0, action: '[bet]' },
          { seat: 1, action: '[call]' },
        ],
        pot: 4,
        winner: 0,
        chips: [2, -2],
      },
      {
        cards: [0, 1],
        firstPlayer: 1,
        moves: [
          { seat: 1, action: '[check]' },
          { seat: 0, action: '[bet]' },
          { seat: 1, action: '[fold]' },
        ],
        pot: 3,
        winner: 0,
        chips: [3, -3],
      },
    ],
  };

  it('Kuhn Poker: the pot takes the antes and every bet and call; chips settle when the round ends', () => {
    expect(kuhnFrame(kuhn, 0)).toMatchObject({ round: 0, pot: 2, chips: [-1, -1], over: false, winner: null });
    expect(kuhnFrame(kuhn, 1)).toMatchObject({ round: 0, pot: 3, chips: [-2, -1] });
    expect(kuhnFrame(kuhn, 2)).toMatchObject({ round: 0, pot: 4, chips: [2, -2], over: true, winner: 0 });
    const second = kuhnFrame(kuhn, 4);
    expect(second).toMatchObject({ round: 1, rounds: 2, firstPlayer: 1, cards: [0, 1], pot: 3, chips: [0, -3], over: false });
    expect(second.moves.map((m) => m.action)).toEqual(['[check]', '[bet]']);
    expect(kuhnFrame(kuhn, 5)).toMatchObject({ round: 1, chips: [3, -3], over: true, winner: 0 });
  });

  it('Kuhn Poker: an invalid move past the rounds belongs to the round it cut off', () => {
    const view: KuhnPokerView = {
      ...kuhn,
      moves: [...kuhn.moves.slice(0, 2), { seat: 1, action: '[raise]' }],
      invalidBy: 1,
      rounds: [kuhn.rounds[0]!, { ...kuhn.rounds[1]!, moves: [], winner: null, pot: 2, chips: [2, -2] }],
    };
    const f = kuhnFrame(view, 3);
    expect(f.round).toBe(1);
    expect(f.moves).toEqual([{ seat: 1, action: '[raise]', invalid: true }]);
    expect(f.over).toBe(false);
  });

  it('Negotiation: inventories after each move, and the offer on the table until it is answered', () => {
    const inv = (w0: number, g0: number) => [
      { wood: w0, gold: g0 },
      { wood: 20 - w0, gold: 20 - g0 },
    ];
    const view: NegotiationView = {
      kind: 'negotiation',
      ...end,
      moves: [
        { seat: 0, action: '[Offer: 3 Wood -> 2 Gold]' },
        { seat: 1, action: '[Accept]' },
      ],
      values: [
        { wood: 5, gold: 15 },
        { wood: 15, gold: 5 },
      ],
      inventories: [inv(10, 10), inv(10, 10), inv(7, 12)],
      gains: [15, 35],
    };
    expect(negotiationFrame(view, 1).offer).toEqual({ seat: 0, action: '[Offer: 3 Wood -> 2 Gold]' });
    const f = negotiationFrame(view, 2);
    expect(f.offer).toBeNull();
    expect(f.inventories[0]).toEqual({ wood: 7, gold: 12 });
  });

  it('names seats: the agent and its opponent, or the person and the agent', () => {
    expect(seatNames(1)).toEqual(['Player 0 (opponent)', 'Player 1 (agent)']);
    expect(seatNames(null, 1)).toEqual(['Agent', 'You']);
  });
});
