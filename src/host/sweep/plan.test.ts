import { describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/errors';
import { combinations, parseSeeds, parseSet } from './plan';
import { finalValue, summarise } from './summary';

function codedMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    return (error as Error).message;
  }
  throw new Error('expected a CodedError');
}

describe('sweep plan', () => {
  it('reads seeds as numbers, ranges and lists, each once', () => {
    expect(parseSeeds('1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds('1,3, 7')).toEqual([1, 3, 7]);
    expect(parseSeeds('1-3,2,9')).toEqual([1, 2, 3, 9]);
    expect(codedMessage(() => parseSeeds('5-1'))).toContain('"5-1" is not a seed or a range');
    expect(codedMessage(() => parseSeeds('a'))).toContain('--seeds');
    expect(codedMessage(() => parseSeeds(undefined))).toContain('Give the seeds with --seeds');
  });

  it('reads --set values as JSON where they parse, and a JSON list as one value', () => {
    expect(parseSet('optim.learningRate=0.01,0.003')).toEqual({ key: 'optim.learningRate', values: [0.01, 0.003] });
    expect(parseSet('recipe.reward=majority')).toEqual({ key: 'recipe.reward', values: ['majority'] });
    expect(parseSet('policy.hidden=[32,32]')).toEqual({ key: 'policy.hidden', values: [[32, 32]] });
    expect(codedMessage(() => parseSet('=3'))).toContain('key=value');
    expect(codedMessage(() => parseSet('seed=1,2'))).toContain('--seeds');
  });

  it('makes every combination, as nested overrides with a label', () => {
    const combos = combinations([parseSet('optim.learningRate=0.01,0.003'), parseSet('recipe.episodesPerIteration=32,64')]);
    expect(combos.map((c) => c.label)).toEqual([
      'optim.learningRate=0.01 recipe.episodesPerIteration=32',
      'optim.learningRate=0.01 recipe.episodesPerIteration=64',
      'optim.learningRate=0.003 recipe.episodesPerIteration=32',
      'optim.learningRate=0.003 recipe.episodesPerIteration=64',
    ]);
    expect(combos[1].overrides).toEqual({ optim: { learningRate: 0.01 }, recipe: { episodesPerIteration: 64 } });
    expect(combinations([])).toEqual([{ label: 'defaults', overrides: {} }]);
    expect(codedMessage(() => combinations([parseSet('a=1'), parseSet('a=2')]))).toContain('given twice');
  });
});

describe('sweep summary', () => {
  it("averages each run's final value and brackets it; machine metrics are left out", () => {
    const run = (values: Array<number | null>) => ({ iterations: [0, 1, 2], series: { 'reward/mean': values, 'time/iteration_s': [1, 2, 3] } });
    expect(finalValue(run([0.1, 0.2, null]), 'reward/mean')).toBe(0.2);
    const [s, ...rest] = summarise([run([0, 0.2, 0.4]), run([0, 0.3, 0.6]), run([0, 0.4, null])]);
    expect(rest).toEqual([]);
    expect(s.metric).toBe('reward/mean');
    expect(s.values).toEqual([0.4, 0.6, 0.4]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(1.4 / 3, 12);
    expect(s.lo).toBeGreaterThanOrEqual(0.4);
    expect(s.hi).toBeLessThanOrEqual(0.6);
    expect(s.lo).toBeLessThan(s.mean);
    expect(s.hi).toBeGreaterThan(s.mean);
  });
});
