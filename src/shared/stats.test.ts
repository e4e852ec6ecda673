import { describe, expect, it } from 'vitest';
import { bootstrapMean, mean } from './stats';

describe('bootstrapMean', () => {
  it('brackets the mean, is reproducible, and narrows as seeds agree', () => {
    const values = [0.2, 0.4, 0.5, 0.7, 0.9];
    const a = bootstrapMean(values)!;
    expect(a.mean).toBeCloseTo(mean(values), 12);
    expect(a.lo).toBeLessThan(a.mean);
    expect(a.hi).toBeGreaterThan(a.mean);
    expect(a.lo).toBeGreaterThanOrEqual(0.2);
    expect(a.hi).toBeLessThanOrEqual(0.9);
    expect(bootstrapMean(values)).toEqual(a);
    const tight = bootstrapMean([0.5, 0.51, 0.49, 0.5, 0.5])!;
    expect(tight.hi - tight.lo).toBeLessThan((a.hi - a.lo) / 10);
  });

  it('covers the true mean about 95% of the time for normal samples', () => {
    // A known distribution, many trials: the percentile bootstrap with n = 20 covers close to its level.
    let state = 12345;
    const uniform = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
    const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const ci = bootstrapMean(
        Array.from({ length: 20 }, () => 3 + normal()),
        { resamples: 2000, seed: t },
      )!;
      if (ci.lo <= 3 && 3 <= ci.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('one value is its own interval; non-finite values are left out; none gives null', () => {
    expect(bootstrapMean([0.3])).toEqual({ n: 1, mean: 0.3, lo: 0.3, hi: 0.3, level: 0.95 });
    expect(bootstrapMean([1, NaN, 3])!.n).toBe(2);
    expect(bootstrapMean([])).toBeNull();
  });
});
