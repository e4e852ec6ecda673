import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { preferencePairs } from './dpo';

describe('verifier-ranked preference pairs', () => {
  it('pair a highest-reward answer with a lowest-reward one, each answer once, the same pairs from the same seed', () => {
    const rewards = [0, 1, 0, 1, 0.5, 0];
    const pairs = preferencePairs(rewards, 5, createRng(4));
    // two answers at the top reward, three at the bottom: two pairs at most
    expect(pairs).toHaveLength(2);
    for (const [w, l] of pairs) {
      expect(rewards[w]).toBe(1);
      expect(rewards[l]).toBe(0);
    }
    expect(new Set(pairs.map(([, l]) => l)).size).toBe(2);
    expect(preferencePairs(rewards, 5, createRng(4))).toEqual(pairs);
    expect(preferencePairs(rewards, 1, createRng(4))).toHaveLength(1);
  });

  it('make no pair when every answer has the same reward', () => {
    expect(preferencePairs([1, 1, 1], 2, createRng(1))).toEqual([]);
    expect(preferencePairs([0, 0], 2, createRng(1))).toEqual([]);
  });
});
