import { describe, expect, it } from 'vitest';
import { fitBradleyTerry } from './reward-model';

describe('the Bradley-Terry reward model', () => {
  it('recovers the order and the log-odds of a transitive preference', () => {
    // A beats B 3:1, B beats C 3:1, A beats C 9:1: utilities about log 3 apart.
    const wins = [
      [0, 300, 900],
      [100, 0, 300],
      [100, 100, 0],
    ];
    const u = fitBradleyTerry(wins, 0, 3000);
    expect(u[0]).toBeGreaterThan(u[1]!);
    expect(u[1]).toBeGreaterThan(u[2]!);
    expect(u[0]! - u[1]!).toBeCloseTo(Math.log(3), 0);
    expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(0);
  });

  it('cannot represent a cycle: balanced cyclic wins give equal utilities, and an unbalanced sample picks one winner', () => {
    const cycle = [
      [0, 80, 20],
      [20, 0, 80],
      [80, 20, 0],
    ];
    const flat = fitBradleyTerry(cycle, 0.01);
    expect(Math.max(...flat) - Math.min(...flat)).toBeLessThan(1e-6);
    // More comparisons of A against B (A's victim) than of the others: A looks best, although C beats it.
    const skewed = [
      [0, 160, 20],
      [40, 0, 80],
      [80, 20, 0],
    ];
    const u = fitBradleyTerry(skewed, 0.01);
    expect(u.indexOf(Math.max(...u))).toBe(0);
  });

  it('keeps utilities finite with the L2 penalty when one class always wins, and is 0 with no data', () => {
    const u = fitBradleyTerry(
      [
        [0, 50],
        [0, 0],
      ],
      0.01,
    );
    expect(Number.isFinite(u[0]!)).toBe(true);
    expect(u[0]).toBeGreaterThan(u[1]!);
    expect(fitBradleyTerry([[0]], 0.01)).toEqual([0]);
  });
});
