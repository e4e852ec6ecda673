import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { distinctPairs } from './dpo-pairs';

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
