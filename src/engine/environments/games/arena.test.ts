import { describe, expect, it } from 'vitest';
import { GameTaskConfig } from '../../../shared/games';
import { createRng } from '../../rng';
import { evaluateAgainst, minimaxPlayer, playGames, randomPlayer } from './arena';
import { GameSet } from './game-set';

const env = (games: string[]) => new GameSet(GameTaskConfig.parse({ kind: 'game', games, evalGames: 64 }));

describe('the arena', () => {
  it('scores minimax against a random mover: it never loses on either seat, and wins most games', () => {
    const e = env(['tictactoe']);
    const t = evaluateAgainst(e, 'tictactoe', minimaxPlayer(0), randomPlayer);
    expect(t.games).toBe(64);
    expect(t.loss).toBe(0);
    expect(t.gamesBySeat).toEqual([32, 32]);
    expect(t.bySeat.map((s) => s.loss)).toEqual([0, 0]);
    expect(t.bySeat[0].win + t.bySeat[1].win).toBe(t.win);
    expect(t.win / t.games).toBeGreaterThan(0.7);
    expect(t.win + t.draw).toBe(64);
    // The same players on the same evaluation starts give the same record.
    expect(evaluateAgainst(e, 'tictactoe', minimaxPlayer(0), randomPlayer).win).toBe(t.win);
    // Random against minimax never wins.
    expect(evaluateAgainst(e, 'tictactoe', randomPlayer, minimaxPlayer(0)).win).toBe(0);
  });

  it('plays a mix side by side with one player on both seats, tracing each seat it moved for', () => {
    const e = env(['tictactoe', 'kuhn-poker']);
    const rng = createRng(1);
    const episodes = [e.play({ game: 'tictactoe' }, 'training'), e.play(e.drawStart('kuhn-poker', rng), 'training')];
    const traces = playGames(episodes, () => [randomPlayer, randomPlayer], rng, new Set([randomPlayer]));
    expect(episodes.every((x) => x.done)).toBe(true);
    traces.forEach((t, i) => {
      expect(t).toHaveLength(episodes[i]!.steps);
      expect(new Set(t.map((m) => m.seat))).toEqual(new Set([0, 1]));
      for (const m of t) expect(m.legal).toContain(m.action);
    });
    // Kuhn Poker's moves are ids after TicTacToe's nine.
    expect(traces[1]!.every((m) => m.action >= 9)).toBe(true);
  });
});
