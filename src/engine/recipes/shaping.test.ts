/**
 * The gridworld agents' two learning knobs: potential-based reward shaping (its term on a scripted episode equals the
 * hand-computed F, and it never reaches the recorded return) and Q-learning's replay memory (bounded, deterministic).
 */
import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { QLearningRecipeConfig } from '../../shared/recipes/q-learning';
import { SafeInterruptibilityTaskConfig } from '../../shared/safety-grid';
import type { EpisodicEnvironment } from '../environments/episodic';
import { createSafetyGrid } from '../environments/safety-grid';
import { createRng } from '../rng';
import { createRunSession } from '../run-session';
import { initBackend, memoryInfo } from '../tf';
import type { EpisodicRecipeContext } from '../types';
import { createQLearningRecipe, remember, type QTransition } from './q-learning';
import { potential, shapingTerm } from './shaping';

const [U, D, L] = [0, 2, 3];
const world = createSafetyGrid(SafeInterruptibilityTaskConfig.parse({ kind: 'safe-interruptibility' }));
const context = (env: EpisodicEnvironment, seed = 1) =>
  ({ iteration: 1, env, rng: createRng(seed), progress: () => {}, stepBoundary: async () => {} }) as unknown as EpisodicRecipeContext;

describe('potential-based reward shaping', () => {
  it("adds F = gamma Phi(s') - Phi(s), Phi = -weight x distance to the goal, move by move, with Phi = 0 at the goal", () => {
    // The agent starts at row 2, column 6, the goal is at row 5, column 1 (distance 8). A bump into the wall (U), then
    // the shortest path round the interruption cell: D, L x5, D, D. With gamma 0.9 and weight 0.5, F = 0.5 (d - 0.9 d').
    const episode = world.start({ interrupt: false, supervisor: false });
    const moves = [U, D, L, L, L, L, L, D, D];
    const expected = [0.4, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5];
    expect(potential(episode.observe(0), 0.5, 'test')).toBe(-4);
    const shaped = moves.map((a) => {
      const before = episode.observe(0);
      const outcome = episode.step(a);
      return shapingTerm(before, episode.observe(0), outcome.done && !outcome.truncated, 0.9, 0.5, 'test');
    });
    expect(episode.done).toBe(true);
    shaped.forEach((f, i) => expect(f).toBeCloseTo(expected[i]!, 10));
    // The environment's own account is untouched: nine moves at -1 and the goal's +50.
    expect(episode.record()).toMatchObject({ success: true, returns: [41] });
    expect(shapingTerm(episode.observe(0), episode.observe(0), false, 0.9, 0, 'test')).toBe(0);
  });

  it('says which field to set where the environment shows no goal cell', () => {
    const blind = { text: 's', vector: new Float32Array(1) };
    expect(() => shapingTerm(blind, blind, false, 0.9, 0.5, 'a2c')).toThrow(/a2c: recipe.shapingWeight is 0.5.*set recipe.shapingWeight to 0/);
  });

  it('shapes only what Q-learning learns from: the same moves give the same recorded return and metrics, not the same table', async () => {
    // Epsilon 1: every move is a random one, so the moves do not depend on the table and both runs play alike.
    const base = { kind: 'q-learning', episodesPerIteration: 4, epsilonStart: 1, epsilonEnd: 1, gamma: 0.9 } as const;
    const plain = createQLearningRecipe(QLearningRecipeConfig.parse(base), {} as never);
    const shaped = createQLearningRecipe(QLearningRecipeConfig.parse({ ...base, shapingWeight: 1 }), {} as never);
    const a = await plain.iterate(context(world));
    const b = await shaped.iterate(context(world));
    for (const name of ['reward/mean', 'episode/success_rate', 'episode/length', 'q/updates', 'q/states'])
      expect([name, b.metrics[name]]).toEqual([name, a.metrics[name]]);
    expect(b.trajectories).toEqual(a.trajectories);
    expect(JSON.stringify(shaped.getState())).not.toBe(JSON.stringify(plain.getState()));
  });
});

describe("Q-learning's replay memory", () => {
  const move = (i: number): QTransition => ({ state: `s${i}`, action: 0, reward: i, terminal: false, next: `s${i + 1}` });

  it('keeps the most recent N moves', () => {
    const memory: QTransition[] = [];
    for (let i = 0; i < 10; i++) remember(memory, move(i), 4);
    expect(memory.map((t) => t.reward)).toEqual([6, 7, 8, 9]);
  });

  it('replays K remembered moves per move, drawn with the run stream: the same seed, the same table and memory', async () => {
    const config = QLearningRecipeConfig.parse({ kind: 'q-learning', episodesPerIteration: 3, replay: 16, replayUpdates: 2 });
    const run = async (seed: number) => {
      const r = createQLearningRecipe(config, {} as never);
      const { metrics } = await r.iterate(context(world, seed));
      return { metrics, state: r.getState() as { table: unknown; replay: QTransition[] } };
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(b.state).toEqual(a.state);
    expect(JSON.stringify(c.state)).not.toBe(JSON.stringify(a.state));
    expect(a.state.replay).toHaveLength(16);
    expect(a.metrics['q/replay_size']).toBe(16);
    expect(a.metrics['q/replayed_updates']).toBe(2 * a.metrics['q/updates']!);
    // A fork with a smaller memory (the knob lowered) keeps the most recent moves; with 0 it keeps none.
    const smaller = createQLearningRecipe({ ...config, replay: 4 }, {} as never);
    smaller.setState(a.state);
    expect((smaller.getState() as { replay: QTransition[] }).replay).toEqual(a.state.replay.slice(-4));
    const off = createQLearningRecipe({ ...config, replay: 0 }, {} as never);
    off.setState(a.state);
    expect((off.getState() as { replay: QTransition[] }).replay).toEqual([]);
  });
});

describe("A2C's shaping", () => {
  it('changes the returns A2C trains on, not the episodes or their recorded return; no tensor leaks', async () => {
    await initBackend('wasm');
    const run = async (shapingWeight: number) => {
      const config = RunConfig.parse({
        task: { kind: 'safe-interruptibility', evalEpisodes: 4 },
        policy: { kind: 'mlp', hidden: [8] },
        recipe: { kind: 'a2c', episodesPerIteration: 4, rewardScale: 0.01, shapingWeight },
        warmup: { steps: 0 },
        iterations: 1,
        backend: 'wasm',
        seed: 2,
      });
      const session = await createRunSession(config);
      try {
        await session.warmup();
        const tensors = memoryInfo().numTensors;
        const result = await session.iterate(1);
        expect(memoryInfo().numTensors).toBe(tensors);
        return result;
      } finally {
        session.dispose();
      }
    };
    const [plain, shaped] = [await run(0), await run(1)];
    // The first iteration's episodes are played by the same untrained policy and stream: the same moves.
    expect(shaped.trajectories).toEqual(plain.trajectories);
    for (const name of ['reward/mean', 'episode/success_rate', 'episode/length']) {
      expect(plain.metrics[name]).toBeTypeOf('number');
      expect([name, shaped.metrics[name]]).toEqual([name, plain.metrics[name]]);
    }
    expect(shaped.metrics['train/value_loss']).not.toBe(plain.metrics['train/value_loss']);
  }, 60_000);
});
