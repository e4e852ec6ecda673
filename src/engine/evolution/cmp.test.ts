import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { cladeCounts, cmpEstimate, thompsonSample } from './cmp';
import { buildTree } from './test-helpers';

describe('clade metaproductivity', () => {
  const specs = [
    { id: 'r', s: 50, f: 50 },
    { id: 'a', parent: 'r', s: 2, f: 8 },
    { id: 'a1', parent: 'a', s: 6, f: 4 },
    { id: 'a1x', parent: 'a1', s: 9, f: 1 },
    { id: 'b', parent: 'r', s: 7, f: 3 },
  ];

  it('pools descendants only by default; includeSelf adds the node', () => {
    const tree = buildTree(specs);
    expect(cladeCounts(tree, 'a')).toEqual({ successes: 15, failures: 5 });
    expect(cladeCounts(tree, 'a', { includeSelf: true })).toEqual({ successes: 17, failures: 13 });
    expect(cladeCounts(tree, 'b')).toEqual({ successes: 0, failures: 0 });
    expect(cladeCounts(tree, 'r')).toEqual({ successes: 24, failures: 16 });
  });

  it("does not move when the node's own evaluations change, but does when a grandchild's do", () => {
    const tree = buildTree(specs);
    const before = cmpEstimate(cladeCounts(tree, 'a'));
    tree.addEvaluations('a', 0, 40);
    expect(cmpEstimate(cladeCounts(tree, 'a'))).toEqual(before);
    tree.addEvaluations('a1x', 0, 10);
    const after = cmpEstimate(cladeCounts(tree, 'a'));
    expect(after.mean).toBeLessThan(before.mean);
    expect(after.mean).toBeCloseTo((1 + 15) / (2 + 15 + 15), 12);
  });

  it('estimates mean and a 90% equal-tailed interval of Beta(1+s, 1+f)', () => {
    const none = cmpEstimate({ successes: 0, failures: 0 });
    expect(none.mean).toBe(0.5);
    expect(none.lo).toBeCloseTo(0.05, 10);
    expect(none.hi).toBeCloseTo(0.95, 10);
    // Beta(2, 5): mean 2/7.
    const some = cmpEstimate({ successes: 1, failures: 4 });
    expect(some.mean).toBeCloseTo(2 / 7, 12);
    expect(some.lo).toBeLessThan(some.mean);
    expect(some.hi).toBeGreaterThan(some.mean);
    const more = cmpEstimate({ successes: 10, failures: 40 });
    expect(more.hi - more.lo).toBeLessThan(some.hi - some.lo);
    expect(() => cmpEstimate({ successes: -1, failures: 0 })).toThrow(/>= 0/);
  });

  it('Thompson draws centre on the posterior mean and tighten with scale', () => {
    const rng = createRng(1);
    const counts = { successes: 3, failures: 7 };
    const spread = (scale: number): { mean: number; sd: number } => {
      const xs = Array.from({ length: 5000 }, () => thompsonSample(counts, rng, scale));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
      return { mean, sd };
    };
    const plain = spread(1);
    const cool = spread(100);
    expect(plain.mean).toBeCloseTo(4 / 12, 2);
    expect(cool.mean).toBeCloseTo(4 / 12, 2);
    expect(cool.sd).toBeLessThan(plain.sd / 5);
  });
});
