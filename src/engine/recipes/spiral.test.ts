import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { SpiralRecipeConfig } from '../../shared/recipes/spiral';
import type { TracedMove } from '../environments/games/arena';
import { freezeMlp, frozenLogits, type FrozenMlp } from '../policies/frozen-mlp';
import { createMlpPolicy } from '../policies/mlp';
import { createRng } from '../rng';
import { createRunSession } from '../run-session';
import { initBackend } from '../tf';
import { baselineKey, roleAdvantages, type SpiralState } from './spiral';

beforeAll(async () => {
  await initBackend('wasm');
});

const move = (seat: number): TracedMove => ({ seat, vector: new Float32Array(1), action: 0, legal: [0] });

describe("SPIRAL's role-conditioned advantages", () => {
  it('reads each (game, seat) baseline before updating it with decay 0.95, and gives every move of a seat its advantage', () => {
    const baselines: Record<string, number> = {};
    const games = [
      { game: 'tictactoe', returns: [1, -1], moves: [move(0), move(1), move(0)] },
      { game: 'tictactoe', returns: [1, -1], moves: [move(0), move(1)] },
      { game: 'kuhn-poker', returns: [-1, 1], moves: [move(1)] },
    ];
    const out = roleAdvantages(games, 'role', 0.95, baselines);
    // Game 1: baselines start at 0, so A = R; then b = 0.05 R.
    expect(out[0]!.map((m) => m.advantage)).toEqual([1, -1, 1]);
    // Game 2 reads b = +0.05 for X and -0.05 for O.
    expect(out[1]![0]!.advantage).toBeCloseTo(0.95, 12);
    expect(out[1]![1]!.advantage).toBeCloseTo(-0.95, 12);
    // Another game has its own baselines; only the traced seat's is touched.
    expect(out[2]![0]!.advantage).toBe(1);
    expect(baselines['tictactoe:0']).toBeCloseTo(0.95 * 0.05 + 0.05, 12);
    expect(baselines['tictactoe:1']).toBeCloseTo(-(0.95 * 0.05 + 0.05), 12);
    expect(baselines).not.toHaveProperty('kuhn-poker:0');
  });

  it('shares one baseline per game, or uses none (the raw return: a draw then has advantage 0 and is dropped)', () => {
    expect(baselineKey('shared', 'tictactoe', 1)).toBe('tictactoe');
    const shared: Record<string, number> = {};
    const s = roleAdvantages([{ game: 'tictactoe', returns: [1, -1], moves: [move(0), move(1)] }], 'shared', 0.95, shared);
    // Both seats read the same 0 before the update; the two updates cancel to 0.05 * 1 then 0.95 * 0.05 - 0.05.
    expect(s[0]!.map((m) => m.advantage)).toEqual([1, -1]);
    expect(shared.tictactoe).toBeCloseTo(0.95 * 0.05 - 0.05, 12);
    const none = roleAdvantages([{ game: 'tictactoe', returns: [0, 0], moves: [move(0)] }], 'none', 0.95, {});
    expect(none[0]![0]!.advantage).toBe(0);
  });

  it('refuses a decay outside [0, 1] and pairs only with game tasks, naming the field', () => {
    expect(SpiralRecipeConfig.safeParse({ kind: 'spiral', baselineDecay: 1.5 }).success).toBe(false);
    const grid = RunConfig.safeParse({ task: { kind: 'gridworld' }, policy: { kind: 'mlp' }, recipe: { kind: 'spiral' } });
    expect(grid.error?.issues.map((i) => i.path.join('.'))).toContain('task.kind');
    const minimax = RunConfig.safeParse({
      task: { kind: 'game', games: ['kuhn-poker'] },
      policy: { kind: 'mlp' },
      recipe: { kind: 'spiral', opponent: 'minimax' },
    });
    expect(minimax.error?.issues.find((i) => i.path.join('.') === 'recipe.opponent')?.message).toMatch(/TicTacToe only/);
  });
});

describe('a frozen MLP', () => {
  it('gives the logits of the live model it was frozen from', () => {
    const model = createMlpPolicy({ hidden: [8, 6], activation: 'tanh', inputSize: 5, numActions: 3 }, createRng(3));
    try {
      const x = [Float32Array.from([1, 0, -0.5, 0.25, 2]), Float32Array.from([0, 1, 0, 0, 0])];
      const live = model.evaluate(x).logits;
      const frozen = frozenLogits(freezeMlp(model.getState()), x);
      for (let i = 0; i < 2; i++) for (let a = 0; a < 3; a++) expect(frozen[i]![a]!).toBeCloseTo(live[i]![a]!, 5);
    } finally {
      model.dispose();
    }
  });
});

describe('the league', () => {
  it('keeps the initial policy and the most recent checkpoints, at most leagueSize', async () => {
    const config = RunConfig.parse({
      seed: 2,
      backend: 'wasm',
      iterations: 4,
      task: { kind: 'game', games: ['tictactoe'], evalGames: 4 },
      policy: { kind: 'mlp', hidden: [8] },
      optim: { warmupSteps: 0 },
      recipe: { kind: 'spiral', gamesPerIteration: 4, opponent: 'league', leagueEvery: 1, leagueSize: 3 },
    });
    const session = await createRunSession(config);
    try {
      await session.warmup();
      const leagues: FrozenWeights[][] = [];
      for (let i = 1; i <= 4; i++) {
        await session.iterate(i);
        leagues.push((session.getState() as unknown as { recipe: SpiralState }).recipe.league as FrozenWeights[]);
      }
      expect(leagues.map((l) => l.length)).toEqual([2, 3, 3, 3]);
      const first = leagues[0]![0]!.weights['pi.w']!.data;
      // The initial policy stays first; the last entry is the newest checkpoint, which differs from it.
      expect(leagues[3]![0]!.weights['pi.w']!.data).toEqual(first);
      expect(leagues[3]![2]!.weights['pi.w']!.data).not.toEqual(first);
    } finally {
      session.dispose();
    }
  });
});

type FrozenWeights = FrozenMlp;

describe('training against an opponent', () => {
  it('alternates the agent seat, trains only its moves, and never beats minimax', async () => {
    const config = RunConfig.parse({
      seed: 4,
      backend: 'wasm',
      iterations: 1,
      task: { kind: 'game', games: ['tictactoe'], evalGames: 4 },
      policy: { kind: 'mlp', hidden: [8] },
      optim: { warmupSteps: 0 },
      recipe: { kind: 'spiral', gamesPerIteration: 8, opponent: 'minimax' },
    });
    const session = await createRunSession(config);
    try {
      await session.warmup();
      const { metrics, trajectories } = await session.iterate(1);
      const views = trajectories.map((t) => t.episode!);
      expect(views.map((v) => (v.kind === 'tictactoe' ? v.agentSeat : null))).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
      for (const v of views) if (v.kind === 'tictactoe') expect(v.winner).not.toBe(v.agentSeat);
      // Only the agent's moves are trained: about half of each game's moves.
      const moves = views.reduce((a, v) => a + (v.kind === 'tictactoe' ? v.moves.filter((m) => m.seat === v.agentSeat).length : 0), 0);
      expect(metrics['spiral/moves']).toBe(moves);
    } finally {
      session.dispose();
    }
  });
});
