import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { betaCdf, betaQuantile, logGamma, sampleBeta, sampleGamma } from './beta';

describe('Beta distribution', () => {
  it('logGamma matches factorials and sqrt(pi)', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 8);
  });

  it('CDF matches closed forms', () => {
    // Beta(2,3): F(x) = 6x^2 - 8x^3 + 3x^4.
    for (const x of [0.1, 0.5, 0.9]) expect(betaCdf(x, 2, 3)).toBeCloseTo(6 * x ** 2 - 8 * x ** 3 + 3 * x ** 4, 12);
    // Beta(1/2,1/2): F(x) = (2/pi) asin(sqrt x).
    expect(betaCdf(0.25, 0.5, 0.5)).toBeCloseTo(1 / 3, 10);
    expect(betaCdf(0, 3, 4)).toBe(0);
    expect(betaCdf(1, 3, 4)).toBe(1);
  });

  it('quantiles match known values', () => {
    expect(betaQuantile(0.5, 2, 5)).toBeCloseTo(0.26445, 4);
    for (const q of [0.05, 0.3, 0.5, 0.95]) expect(betaQuantile(q, 1, 1)).toBeCloseTo(q, 10);
    // Beta(1, b): Q(q) = 1 - (1 - q)^(1/b).
    expect(betaQuantile(0.9, 1, 9)).toBeCloseTo(1 - 0.1 ** (1 / 9), 10);
    // Symmetry: Q(q; a, b) = 1 - Q(1 - q; b, a).
    expect(betaQuantile(0.05, 31, 71)).toBeCloseTo(1 - betaQuantile(0.95, 71, 31), 10);
    expect(() => betaQuantile(1.2, 1, 1)).toThrow(/q in \[0, 1\]/);
    expect(() => betaCdf(0.5, 0, 1)).toThrow(/> 0/);
  });

  it('Gamma and Beta draws have the right moments and distribution', () => {
    const rng = createRng(5);
    for (const shape of [0.5, 1, 3.5]) {
      let sum = 0;
      let sq = 0;
      const n = 20000;
      for (let i = 0; i < n; i++) {
        const g = sampleGamma(shape, rng);
        sum += g;
        sq += g * g;
      }
      const mean = sum / n;
      expect(mean).toBeGreaterThan(shape * 0.96);
      expect(mean).toBeLessThan(shape * 1.04);
      expect(sq / n - mean * mean).toBeGreaterThan(shape * 0.9);
      expect(sq / n - mean * mean).toBeLessThan(shape * 1.1);
    }
    // Empirical CDF of Beta(2,5) draws against the exact CDF (Kolmogorov distance at a few points).
    const draws = Array.from({ length: 20000 }, () => sampleBeta(2, 5, rng));
    for (const x of [0.1, 0.2, 0.3, 0.5, 0.7]) {
      const ecdf = draws.filter((d) => d <= x).length / draws.length;
      expect(Math.abs(ecdf - betaCdf(x, 2, 5))).toBeLessThan(0.015);
    }
  });
});
