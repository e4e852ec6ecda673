import { describe, expect, it } from 'vitest';
import { findPreset } from '../../../shared/presets';
import type { RunDetail } from '../../../shared/run';
import { commonMetrics, groupBySeed, seedBand } from './seed-groups-data';

const base = findPreset('gridworld-a2c-smoke')!.config;
function run(id: string, seed: number, over: Partial<RunDetail['config']> = {}, name: string | null = 'Gridworld'): RunDetail {
  return {
    id,
    name,
    preset: 'gridworld-a2c-smoke',
    recipe: 'a2c',
    status: 'completed',
    seed,
    backend: 'cpu',
    iterationsDone: 2,
    iterationsTotal: 2,
    bestScore: null,
    createdAt: '',
    updatedAt: '',
    error: null,
    archive: null,
    config: { ...base, ...over, seed, name: name ?? undefined },
    lastMetrics: null,
    lastCheckpointIteration: null,
  };
}

describe('seed groups', () => {
  it('groups runs whose configs differ only in seed and name; a lone config is no group', () => {
    const groups = groupBySeed([
      run('a', 1),
      run('b', 2, {}, 'Gridworld · other name'),
      run('c', 3),
      run('d', 1, { optim: { ...base.optim, learningRate: 0.003 } }),
      run('e', 2, { optim: { ...base.optim, learningRate: 0.003 } }),
      run('f', 1, { iterations: 7 }),
    ]);
    expect(groups.map((g) => g.runs.map((r) => r.id))).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('draws the mean across seeds with a band that holds it, per iteration at least two runs recorded', () => {
    const s = (values: Array<number | null>) => ({ iterations: [0, 1, 2], series: { 'reward/mean': values, 'time/x': [1, 1, 1] } });
    const band = seedBand([s([0.1, 0.2, 0.3]), s([0.3, 0.4, null]), s([0.2, 0.9, null])], 'reward/mean');
    expect(Array.from(band.x)).toEqual([0, 1]);
    expect(band.mean[0]).toBeCloseTo(0.2, 12);
    expect(band.mean[1]).toBeCloseTo(0.5, 12);
    expect(Array.from(band.n)).toEqual([3, 3]);
    for (let i = 0; i < 2; i++) {
      expect(band.lo[i]).toBeLessThan(band.mean[i]);
      expect(band.hi[i]).toBeGreaterThan(band.mean[i]);
    }
    const smoothed = seedBand([s([0, 1, 1]), s([0, 1, 1])], 'reward/mean', 0.6);
    expect(smoothed.mean[1]).toBeGreaterThan(0);
    expect(smoothed.mean[1]).toBeLessThan(1);
    expect(commonMetrics([s([1, 1, 1]), s([1, 1, 1])])).toEqual(['reward/mean', 'time/x']);
  });
});
