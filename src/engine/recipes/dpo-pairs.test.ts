import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import type { RecipeContext } from '../types';
import { distinctPairs, raterPairs, scoreGroups } from './dpo-pairs';

describe('the pairs DPO shows a person', () => {
  it('pairs two different outputs, each in one pair at most, up to max, the same for the same seed', () => {
    const outputs = ['rock', 'rock', 'paper', 'scissors', 'rock', 'paper'];
    for (let seed = 1; seed <= 20; seed++) {
      const pairs = distinctPairs(outputs, 3, createRng(seed));
      expect(pairs.length).toBeGreaterThan(0);
      expect(pairs.length).toBeLessThanOrEqual(3);
      for (const [i, j] of pairs) expect(outputs[i]).not.toBe(outputs[j]);
      const used = pairs.flat();
      expect(new Set(used).size).toBe(used.length);
      expect(distinctPairs(outputs, 3, createRng(seed))).toEqual(pairs);
    }
    // Which sample is shown as A varies with the seed, so the side carries no signal.
    const firstIsA = new Set(Array.from({ length: 20 }, (_, s) => outputs[distinctPairs(outputs, 1, createRng(s + 1))[0]![0]]));
    expect(firstIsA.size).toBeGreaterThan(1);
    expect(distinctPairs(['rock', 'rock', 'rock'], 2, createRng(1))).toEqual([]);
    expect(distinctPairs(['rock', 'paper'], 0, createRng(1))).toEqual([]);
  });
});

describe("the rater's pairs", () => {
  it('pairs the best against the worst of a group, with the verdict the pair view shows', async () => {
    const { createTask } = await import('../tasks');
    const { RunConfig } = await import('../../shared/config');
    const { createRater } = await import('../environments/raters');
    const config = RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'dpo' } });
    const task = createTask(config.task);
    const problem = task.heldout(1)[0]!;
    const sample = (output: string) => ({ problem, output, tokens: [], logProbs: [], finished: true });
    const ctx = { task, rater: createRater(config.rater, task), rng: createRng(1) } as unknown as RecipeContext;
    const scored = scoreGroups(ctx, [[sample('x'), sample(problem.answer!), sample('y')]]);
    const { pairs, noPair } = raterPairs(ctx, scored, 1);
    expect(noPair).toBe(0);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]!.chosen.output).toBe(problem.answer);
    expect(pairs[0]!.verdict).toBe('verifier: score 1.00 over 0.00');
    expect(raterPairs(ctx, scoreGroups(ctx, [[sample('x'), sample('y')]]), 1)).toEqual({ pairs: [], noPair: 1 });
  });
});
