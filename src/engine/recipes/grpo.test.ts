import { describe, expect, it } from 'vitest';
import { GrpoRecipeConfig } from '../../shared/config';
import { groupAdvantages } from './grpo';

describe('GRPO group advantages', () => {
  const rewards = [1, 0, 0, 1, 1, 0, 0, 0];
  const mean = 3 / 8;
  const squares = 3 * (1 - mean) ** 2 + 5 * mean ** 2;

  it('standardises by the population std with eps 1e-6 by default (unchanged)', () => {
    const std = Math.sqrt(squares / 8);
    expect(GrpoRecipeConfig.parse({ kind: 'grpo' }).groupStd).toBe('population');
    expect(groupAdvantages(rewards, 'group')[0]).toBeCloseTo((1 - mean) / (std + 1e-6), 12);
  });

  it("offers TRL's sample std (G - 1) with eps 1e-4", () => {
    const std = Math.sqrt(squares / 7);
    const a = groupAdvantages(rewards, 'group', 'sample');
    expect(a[0]).toBeCloseTo((1 - mean) / (std + 1e-4), 12);
    expect(a[1]).toBeCloseTo((0 - mean) / (std + 1e-4), 12);
    // sqrt(7/8) of the population advantages, up to the two eps.
    expect(a[0]! / groupAdvantages(rewards, 'group')[0]!).toBeCloseTo(Math.sqrt(7 / 8), 3);
    expect(GrpoRecipeConfig.shape.groupStd.description).toMatch(/TRL/);
  });

  it('gives no signal to a group whose rewards are all equal, in either convention', () => {
    expect(groupAdvantages([1, 1, 1], 'group', 'sample')).toEqual([0, 0, 0]);
    expect(groupAdvantages([0.5], 'group', 'sample')).toEqual([0]);
  });
});
