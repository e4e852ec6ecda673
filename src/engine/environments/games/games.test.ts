import { describe, expect, it } from 'vitest';
import { GameTaskConfig } from '../../../shared/games';
import { GameSet } from './game-set';
import { BET, CALL, CHECK, FOLD, KuhnPoker, kuhnVector } from './kuhn-poker';
import { minimaxMove, minimaxValue } from './minimax';
import { ACCEPT, DENY, Negotiation, offerAction } from './negotiation';
import { boardText, TicTacToe } from './tictactoe';

const play = (game: { step(a: number): { rewards: number[]; done: boolean } }, moves: number[]) => moves.map((m) => game.step(m)).at(-1)!;

describe('TicTacToe', () => {
  it('renders the board and moves as ALGORITHMS.md describes, and X wins a row', () => {
    const g = new TicTacToe('training', 50);
    expect(boardText([-1, -1, -1, -1, -1, -1, -1, -1, -1])).toBe(' 0 | 1 | 2 \n---+---+---\n 3 | 4 | 5 \n---+---+---\n 6 | 7 | 8 ');
    g.step(4);
    const text = g.observe(1).text;
    expect(text).toContain('You are Player 1 in Tic Tac Toe.');
    expect(text).toContain('Current Board:\n\n 0 | 1 | 2 \n---+---+---\n 3 | X | 5 \n---+---+---\n 6 | 7 | 8 ');
    expect(text).toContain('Available Moves: [0], [1], [2], [3], [5], [6], [7], [8]');
    // Seat 1 sees X (seat 0) at cell 4 as the opponent's.
    expect(Array.from(g.observe(1).vector.slice(12, 15))).toEqual([0, 1, 0]);
    const end = play(g, [0, 3, 1, 5]); // X: 4, 3, 5 -> the middle row
    expect(end).toEqual({ rewards: [1, -1], done: true });
    expect(g.winner).toBe(0);
    expect(g.record().view).toMatchObject({ kind: 'tictactoe', winner: 0, invalidBy: null });
    expect(g.record().moves).toBe('[4] [0] [3] [1] [5]');
  });

  it('scores a full board without a line as a draw', () => {
    const g = new TicTacToe('training', 50);
    expect(play(g, [0, 1, 2, 4, 3, 5, 7, 6, 8])).toEqual({ rewards: [0, 0], done: true });
    expect(g.winner).toBeNull();
  });

  it('ends the game on an invalid move: -1.5 / +0.5 in training, -1 / +1 in evaluation', () => {
    const train = new TicTacToe('training', 50);
    train.step(4);
    expect(train.step(4)).toEqual({ rewards: [0.5, -1.5], done: true });
    expect(train.invalidBy).toBe(1);
    const evaluation = new TicTacToe('evaluation', 50);
    expect(evaluation.stepText('I will play the centre, [9]')).toEqual({ rewards: [-1, 1], done: true });
    expect(evaluation.record().verdict).toMatch(/Player 0 made an invalid move/);
    const text = new TicTacToe('training', 50);
    expect(text.stepText('thinking... [2] no, [4]')).toEqual({ rewards: [0, 0], done: false });
    expect(text.record().moves).toBe('[4]');
  });

  it('cuts a game off at maxTurns as a draw', () => {
    const g = new TicTacToe('training', 3);
    expect(play(g, [0, 1, 2])).toEqual({ rewards: [0, 0], done: true });
    expect(g.truncated).toBe(true);
  });

  it('plays perfectly with minimax: the empty board is a draw, it takes a win and blocks a loss', () => {
    const E = -1;
    expect(minimaxValue([E, E, E, E, E, E, E, E, E], 0)).toBe(0);
    expect(minimaxMove([0, 0, E, 1, 1, E, E, E, E], 0)).toBe(2); // X completes the top row
    expect(minimaxMove([0, E, E, 1, 1, E, 0, E, E], 0)).toBe(5); // X blocks O's middle row
    // Minimax against minimax from the empty board: a draw.
    const g = new TicTacToe('evaluation', 50);
    while (!g.done) g.step(minimaxMove(g.board, g.toMove));
    expect(g.winner).toBeNull();
    expect(g.steps).toBe(9);
  });
});

describe('Kuhn Poker', () => {
  it('puts bets into the pot: a called bet moves 2 chips, a fold 1, check-check 1 (hand-counted match)', () => {
    // Round 1: P0 K, P1 Q; P0 opens. Round 2: P0 J, P1 K; P1 opens. Round 3: P0 Q, P1 J; P0 opens.
    const g = new KuhnPoker('training', 50, {
      deals: [
        [2, 1],
        [0, 2],
        [1, 0],
      ],
    });
    expect(g.toMove).toBe(0);
    expect(g.infoSet).toEqual({ card: 2, history: '' });
    g.step(BET);
    expect(g.legalActions()).toEqual([FOLD, CALL]);
    g.step(CALL); // showdown: K beats Q, pot 4 -> P0 +2, P1 -2
    expect(g.chipCounts).toEqual([2, -2]);
    expect(g.toMove).toBe(1); // round 2 is opened by P1
    g.step(CHECK);
    g.step(BET); // P0 bluffs with J
    g.step(FOLD); // P1 folds a K: P0 takes the pot of 3 (antes 2 + its bet 1): +1
    expect(g.chipCounts).toEqual([3, -3]);
    expect(g.toMove).toBe(0);
    g.step(CHECK);
    const end = g.step(CHECK); // Q beats J for the antes: +1
    expect(g.chipCounts).toEqual([4, -4]);
    expect(end).toEqual({ rewards: [1, -1], done: true });
    const view = g.record().view;
    expect(view.kind).toBe('kuhn-poker');
    if (view.kind !== 'kuhn-poker') return;
    expect(view.rounds.map((r) => r.pot)).toEqual([4, 3, 2]);
    expect(view.rounds.map((r) => r.winner)).toEqual([0, 0, 0]);
    expect(view.rounds[1]!.chips).toEqual([3, -3]);
  });

  it('renders the full history as text, and the information set as numbers', () => {
    const g = new KuhnPoker('training', 50, { deals: [[0, 1]] });
    g.step(CHECK);
    const text = g.observe(1).text;
    expect(text).toContain('You are Player 1 in a 1 round game of Kuhn Poker.');
    expect(text).toContain("[GAME] Starting round 1 out of 1 rounds. Your card is: 'Q'");
    expect(text).toContain('[Player 0] [check]');
    expect(text.trimEnd().endsWith('Your available actions are: [check], [bet]')).toBe(true);
    expect(text).not.toContain("Your card is: 'J'");
    expect(Array.from(g.observe(1).vector)).toEqual(Array.from(kuhnVector(1, 'c')));
    expect(g.stepText('[Bet]')).toEqual({ rewards: [0, 0], done: false });
    expect(g.stepText('[raise]')).toEqual({ rewards: [-1.5, 0.5], done: true });
  });

  it('scores equal chips after all rounds as a draw', () => {
    const g = new KuhnPoker('evaluation', 50, {
      deals: [
        [2, 0],
        [2, 0],
      ],
    });
    play(g, [CHECK, CHECK]); // P0 +1
    const end = play(g, [BET, FOLD]); // round 2: P1 opens and bets, P0 folds: P1 +1
    expect(g.chipCounts).toEqual([0, 0]);
    expect(end).toEqual({ rewards: [0, 0], done: true });
  });
});

describe('Simple Negotiation', () => {
  it('trades on accept and gives the win to the larger gain in own values', () => {
    const g = new Negotiation('training', 50, 4);
    const offer = offerAction({ resource: 0, give: 3, get: 2 }); // P0 gives 3 Wood for 2 Gold
    expect(g.actionText(offer)).toBe('[Offer: 3 Wood -> 2 Gold]');
    g.step(offer);
    expect(g.legalActions().slice(0, 2)).toEqual([ACCEPT, DENY]);
    expect(g.observe(1).text).toContain('Offer on the table from Player 0: [Offer: 3 Wood -> 2 Gold]');
    g.step(ACCEPT);
    // P0: -3 Wood (x5) +2 Gold (x15) = +15; P1: +3 Wood (x15) -2 Gold (x5) = +35.
    expect(g.gains).toEqual([15, 35]);
    g.step(DENY === 1 ? offerAction({ resource: 1, give: 1, get: 5 }) : 0); // P0 offers 1 Gold for 5 Wood
    const end = g.step(DENY);
    expect(end).toEqual({ rewards: [-1, 1], done: true });
    const view = g.record().view;
    expect(view.kind === 'negotiation' && view.inventories[2]).toEqual([
      { wood: 7, gold: 12 },
      { wood: 13, gold: 8 },
    ]);
  });

  it('parses text offers and refuses what names no action', () => {
    const g = new Negotiation('evaluation', 50, 10);
    expect(g.parseAction('[Offer: 2 Gold -> 4 Wood]')).toBe(offerAction({ resource: 1, give: 2, get: 4 }));
    expect(g.parseAction('[Offer: 9 Gold -> 4 Wood]')).toBeNull();
    expect(g.parseAction('[Offer: 2 Gold -> 4 Gold]')).toBeNull();
    expect(g.stepText('[Accept]')).toEqual({ rewards: [-1, 1], done: true }); // nothing on the table to accept
  });

  it('ends a game without trades as a draw after its turns', () => {
    const g = new Negotiation('training', 50, 2);
    g.step(offerAction({ resource: 0, give: 1, get: 1 }));
    expect(g.step(DENY)).toEqual({ rewards: [0, 0], done: true });
    expect(g.winner).toBeNull();
  });
});

describe('the game set', () => {
  it('pads observations and shifts action ids in a mix, and plays through to the game', () => {
    const env = new GameSet(GameTaskConfig.parse({ kind: 'game', games: ['tictactoe', 'kuhn-poker'], evalGames: 4 }));
    expect(env.observationSize).toBe(2 + 28);
    expect(env.actions).toHaveLength(13);
    expect(env.actionOffset('kuhn-poker')).toBe(9);
    const e = env.play({ game: 'kuhn-poker', deals: [[0, 1]] }, 'training');
    expect(e.legalActions()).toEqual([9 + CHECK, 9 + BET]);
    expect(Array.from(e.observe(0).vector.slice(0, 2))).toEqual([0, 1]);
    e.step(9 + BET);
    expect(e.step(9 + CALL)).toEqual({ rewards: [-1, 1], done: true });
    expect(env.evaluationStarts()).toHaveLength(8);
    expect(env.evaluationStarts()).toEqual(env.evaluationStarts());
  });
});
