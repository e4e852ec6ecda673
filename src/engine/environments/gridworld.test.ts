import type { GridEpisode } from '../../shared/run';
import { describe, expect, it } from 'vitest';
import { GridworldTaskConfig, RunConfig } from '../../shared/config';
import { createRng } from '../rng';
import { evaluateEpisodic } from './episodic';
import { createGridworld, gridText } from './gridworld';

const grid = (over: Record<string, unknown> = {}) => createGridworld(GridworldTaskConfig.parse({ kind: 'gridworld', ...over }));

describe('the gridworld', () => {
  it('moves, stops at walls, pays the goal reward less the step cost and ends there', () => {
    const env = grid({ start: [0, 0], goal: [0, 2], stepCost: 0.1 });
    const e = env.reset(createRng(1));
    expect(e.observe(0).text).toBe(gridText(5, [0, 0], [0, 2]));
    expect(e.step(0)).toEqual({ rewards: [-0.1], done: false }); // up into the wall: stays
    e.step(1);
    const last = e.step(1);
    expect(last.done).toBe(true);
    expect(last.rewards[0]).toBeCloseTo(0.9);
    const r = e.record();
    expect(r).toMatchObject({
      success: true,
      steps: 3,
      moves: 'U R R',
      view: {
        kind: 'gridworld',
        start: [0, 0],
        goal: [0, 2],
        path: [
          [0, 0],
          [0, 0],
          [0, 1],
          [0, 2],
        ],
      },
    });
    expect(r.returns[0]).toBeCloseTo(0.7);
    expect(e.legalActions()).toEqual([]);
  });

  it('ends unsuccessfully after maxSteps', () => {
    const e = grid({ start: [0, 0], goal: [4, 4], maxSteps: 3 }).reset(createRng(1));
    for (let i = 0; i < 3; i++) e.step(0);
    expect(e.done).toBe(true);
    expect(e.record().success).toBe(false);
  });

  it('observes one-hot agent and goal cells and their offset', () => {
    const env = grid({ start: [1, 2], goal: [3, 0] });
    const v = env.reset(createRng(1)).observe(0).vector;
    expect(v.length).toBe(env.observationSize);
    expect(v[1 * 5 + 2]).toBe(1);
    expect(v[25 + 3 * 5 + 0]).toBe(1);
    expect([v[50], v[51]]).toEqual([Math.fround(2 / 5), Math.fround(-2 / 5)]);
    expect(v.reduce((a, b) => a + Math.abs(b), 0)).toBeCloseTo(2.8);
  });

  it('draws random starts from the run stream (never on the goal) and fixed evaluation starts', () => {
    const env = grid();
    const a = Array.from({ length: 50 }, () => env.reset(createRng(3)).record().view as GridEpisode);
    expect(a.every((v) => v.start.join() !== v.goal.join())).toBe(true);
    const rng = createRng(4);
    const starts = new Set(Array.from({ length: 50 }, () => env.reset(rng).record().start));
    expect(starts.size).toBeGreaterThan(20);
    expect(grid().evaluationStarts()).toEqual(env.evaluationStarts());
    expect(env.evaluationStarts()).toHaveLength(32);
  });

  it('scores an agent over the evaluation starts', () => {
    const env = grid({ start: [2, 2], goal: [2, 4], evalEpisodes: 4 });
    const right = evaluateEpisodic(env, () => 1);
    expect(right).toMatchObject({ episodes: 4, successRate: 1, meanSteps: 2 });
    expect(right.meanReturn).toBeCloseTo(0.98);
    const up = evaluateEpisodic(env, () => 0);
    expect(up).toMatchObject({ successRate: 0, meanSteps: 20 });
  });

  it('refuses cells outside the grid, start on the goal, and oversight or archive runs with it', () => {
    expect(GridworldTaskConfig.safeParse({ kind: 'gridworld', size: 3, goal: [3, 0] }).success).toBe(false);
    expect(GridworldTaskConfig.safeParse({ kind: 'gridworld', start: [1, 1], goal: [1, 1] }).error?.issues[0]?.path).toEqual(['goal']);
    for (const field of ['oversight', 'archive']) {
      const parsed = RunConfig.safeParse({ task: { kind: 'gridworld' }, policy: { kind: 'mlp' }, recipe: { kind: 'a2c' }, [field]: { enabled: true } });
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual([`${field}.enabled`]);
    }
  });
});
