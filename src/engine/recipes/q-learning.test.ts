/** Tabular Q-learning's update on hand-made one-move episodes: the action learnt from, the target at an end and at a time-out. */
import { describe, expect, it } from 'vitest';
import { QLearningRecipeConfig } from '../../shared/recipes/q-learning';
import type { Episode, EpisodicEnvironment, StepOutcome } from '../environments/episodic';
import { createRng } from '../rng';
import type { EpisodicRecipeContext } from '../types';
import { createQLearningRecipe, epsilonAt, greedyOf } from './q-learning';

/** One state "s", two actions; one move ends the episode with reward 1 + action, as `outcome` says. */
function oneMove(outcome: (action: number) => Partial<StepOutcome>): EpisodicEnvironment {
  const episode = (): Episode => {
    let moved = false;
    return {
      toMove: 0,
      get done() {
        return moved;
      },
      get steps() {
        return Number(moved);
      },
      legalActions: () => (moved ? [] : [0, 1]),
      observe: () => ({ text: moved ? 'after' : 's', vector: new Float32Array(1) }),
      step(action) {
        moved = true;
        return { rewards: [1 + action], done: true, ...outcome(action) };
      },
      record: () => ({
        start: 's',
        moves: '',
        returns: [0],
        steps: 1,
        success: true,
        verdict: '',
        view: { kind: 'gridworld', size: 1, start: [0, 0], goal: [0, 0], path: [], actions: [], success: true, return: 0 },
      }),
    };
  };
  return { kind: 'fake', players: 1, actions: ['a', 'b'], observationSize: 1, reset: episode, start: episode, evaluationStarts: () => [] };
}

function context(env: EpisodicEnvironment, iteration = 1): EpisodicRecipeContext {
  return { iteration, env, rng: createRng(1), progress: () => {}, stepBoundary: async () => {} } as unknown as EpisodicRecipeContext;
}
const table = (r: ReturnType<typeof createQLearningRecipe>) => new Map((r.getState() as { table: Array<[string, number[]]> }).table);
const greedyConfig = { kind: 'q-learning', episodesPerIteration: 1, epsilonStart: 0, epsilonEnd: 0, alpha: 0.5, gamma: 0.9 } as const;

describe('tabular Q-learning', () => {
  it('moves a terminal move’s value alpha of the way to its reward, and acts greedily by the table', async () => {
    const r = createQLearningRecipe(QLearningRecipeConfig.parse(greedyConfig), {} as never);
    await r.iterate(context(oneMove(() => ({}))));
    // Ties go to action 0, reward 1: Q(s, 0) = 0 + 0.5 (1 - 0).
    expect(table(r).get('s')).toEqual([0.5, 0]);
    expect(r.act!({ text: 's', vector: new Float32Array(1) }, [0, 1])).toBe(0);
    expect(r.act!({ text: 'never seen', vector: new Float32Array(1) }, [1, 0])).toBe(1);
  });

  it('learns from the action the environment carried out, not the one it chose', async () => {
    const r = createQLearningRecipe(QLearningRecipeConfig.parse(greedyConfig), {} as never);
    await r.iterate(context(oneMove(() => ({ actual: 1 }))));
    // It chose 0; the environment carried out 1 (reward 1 + 0, as the fake pays by the chosen action).
    expect(table(r).get('s')).toEqual([0, 0.5]);
  });

  it('bootstraps past a time-out but not past a terminal state', async () => {
    const r = createQLearningRecipe(QLearningRecipeConfig.parse({ ...greedyConfig, alpha: 1, initialValue: 10 }), {} as never);
    await r.iterate(context(oneMove(() => ({ truncated: true }))));
    // Target 1 + 0.9 x 10 (the next state is unseen: its initial value).
    expect(table(r).get('s')![0]).toBeCloseTo(10);
    const terminal = createQLearningRecipe(QLearningRecipeConfig.parse({ ...greedyConfig, alpha: 1, initialValue: 10 }), {} as never);
    await terminal.iterate(context(oneMove(() => ({}))));
    expect(table(terminal).get('s')![0]).toBe(1);
  });

  it('decays epsilon linearly over the decay iterations, breaks ties to the lowest id, and restores its table', async () => {
    const c = { epsilonStart: 1, epsilonEnd: 0.1, epsilonDecayIterations: 10 };
    expect(epsilonAt(c, 1)).toBe(1);
    expect(epsilonAt(c, 6)).toBeCloseTo(0.55);
    expect(epsilonAt(c, 11)).toBeCloseTo(0.1);
    expect(epsilonAt(c, 500)).toBeCloseTo(0.1);
    expect(greedyOf([0, 2, 2], [0, 1, 2])).toBe(1);
    expect(greedyOf([0, 2, 2], [2, 0])).toBe(2);
    const r = createQLearningRecipe(QLearningRecipeConfig.parse(greedyConfig), {} as never);
    r.setState({ table: [['s', [0, 3]]] });
    expect(r.act!({ text: 's', vector: new Float32Array(1) }, [0, 1])).toBe(1);
    expect(() => r.setState(null)).toThrow(/no Q table/);
  });
});
