import { describe, expect, it } from 'vitest';
import { DEFAULT_GRID, gridSpecIssues, incentive, incentiveGrid, robotChoice, sigmoid, waitValue } from './offswitch';

/** A plain midpoint Riemann sum of E[sigmoid(U / beta) U] - max(mu, 0) over z in [-12, 12]: a different method. */
function riemannIncentive(mu: number, sigma: number, beta: number, points = 400_000): number {
  const h = 24 / points;
  let sum = 0;
  for (let i = 0; i < points; i++) {
    const z = -12 + (i + 0.5) * h;
    const u = mu + sigma * z;
    const pay = beta === 0 ? Math.max(u, 0) : u / (1 + Math.exp(-u / beta));
    sum += Math.exp(-0.5 * z * z) * pay;
  }
  return (sum * h) / Math.sqrt(2 * Math.PI) - Math.max(mu, 0);
}

/** erf by its Taylor series (exact to ~1e-15 for |x| <= 2), for the closed form of the rational human. */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-18) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** E[max(U, 0)] - max(mu, 0) = mu Phi(mu / sigma) + sigma phi(mu / sigma) - max(mu, 0). */
function rationalIncentive(mu: number, sigma: number): number {
  const t = mu / sigma;
  const cdf = 0.5 * (1 + erf(t / Math.SQRT2));
  const pdf = Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  return mu * cdf + sigma * pdf - Math.max(mu, 0);
}

const CASES: Array<[number, number, number]> = [
  [0.5, 1, 1],
  [0.5, 1, 0.01],
  [0.5, 0.1, 2],
  [-1, 2, 0.5],
  [2, 0.3, 0.05],
  [0, 1.5, 3],
  [-0.25, 0.05, 0.001],
  [3, 2.5, 10],
];

describe('the off-switch incentive', () => {
  it('matches a plain Riemann sum with many points, whatever beta / sigma is', () => {
    for (const [mu, sigma, beta] of CASES) {
      expect(Math.abs(incentive(mu, sigma, beta) - riemannIncentive(mu, sigma, beta)), `mu ${mu} sigma ${sigma} beta ${beta}`).toBeLessThan(1e-9);
    }
  });

  it('for a rational human (beta 0) is the closed form E[max(U,0)] - max(mu,0), positive whenever sigma > 0', () => {
    for (const mu of [-2, -0.5, 0, 0.25, 1, 3]) {
      for (const sigma of [0.1, 0.5, 1, 2.5]) {
        if (Math.abs(mu / sigma) > 2.5) continue; // where the Taylor series of erf is exact
        const exact = rationalIncentive(mu, sigma);
        expect(Math.abs(incentive(mu, sigma, 0) - exact), `mu ${mu} sigma ${sigma}`).toBeLessThan(1e-11);
        expect(incentive(mu, sigma, 0)).toBeGreaterThan(0);
        // beta -> 0 approaches it: the gap is about density(0) * beta^2 * pi^2 / 6.
        expect(Math.abs(incentive(mu, sigma, 1e-4) - exact)).toBeLessThan(1e-7 / sigma);
      }
    }
  });

  it('for a certain robot (sigma 0) is sigmoid(mu / beta) mu - max(mu, 0) <= 0, and small sigma approaches it', () => {
    for (const mu of [-2, -0.5, 0, 0.5, 3]) {
      for (const beta of [0, 0.1, 1, 5]) {
        const certain = incentive(mu, 0, beta);
        expect(certain).toBeLessThanOrEqual(0);
        const expected = beta === 0 ? 0 : sigmoid(mu / beta) * mu - Math.max(mu, 0);
        expect(certain).toBeCloseTo(expected, 14);
        if (beta > 0) expect(Math.abs(incentive(mu, 1e-5, beta) - certain)).toBeLessThan(1e-5);
        if (beta > 0 && mu !== 0) expect(certain).toBeLessThan(0); // the paper: a certain R disables the switch
      }
    }
  });

  it('falls as the human gets noisier, tends to -|mu| / 2 for a coin-flip human, and is symmetric in mu', () => {
    for (const [mu, sigma] of [
      [0.5, 1],
      [-1, 0.3],
      [2, 2],
    ]) {
      const values = [0, 0.05, 0.2, 0.5, 1, 2, 5, 20].map((beta) => incentive(mu, sigma, beta));
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
      expect(incentive(mu, sigma, 1e6)).toBeCloseTo(-Math.abs(mu) / 2, 5);
      expect(incentive(-mu, sigma, 0.7)).toBeCloseTo(incentive(mu, sigma, 0.7), 11);
    }
    // With mu = 0 acting and switching off are worth the same, and any uncertainty makes waiting better.
    for (const [sigma, beta] of [
      [0.1, 5],
      [1, 1],
      [3, 0.01],
    ])
      expect(incentive(0, sigma, beta)).toBeGreaterThan(0);
  });

  it('changes sign on the line beta = sigma^2 / (2 |mu|), which the grid finds numerically', () => {
    for (const [mu, sigma] of [
      [0.5, 1],
      [-1, 0.7],
      [2, 3],
    ]) {
      const line = (sigma * sigma) / (2 * Math.abs(mu));
      expect(Math.abs(incentive(mu, sigma, line))).toBeLessThan(1e-11);
      expect(incentive(mu, sigma, line * 0.9)).toBeGreaterThan(0);
      expect(incentive(mu, sigma, line * 1.1)).toBeLessThan(0);
    }
    for (const mu of [0.5, -1, 2]) {
      const grid = incentiveGrid({ ...DEFAULT_GRID, mu });
      expect(grid.boundary.length).toBeGreaterThan(5);
      for (const p of grid.boundary) {
        const line = (p.sigma * p.sigma) / (2 * Math.abs(mu));
        // Where the incentive at beta 0 is near the zero tolerance (1e-10), the line is only as sharp as that.
        if (incentive(mu, p.sigma, 0) > 1e-6) expect(Math.abs(p.beta - line), `mu ${mu} sigma ${p.sigma}`).toBeLessThan(1e-6);
      }
      // Every cell's sign is the side of the line it lies on.
      grid.betas.forEach((beta, b) =>
        grid.sigmas.forEach((sigma, s) => {
          const line = (sigma * sigma) / (2 * Math.abs(mu));
          const v = grid.values[b][s];
          if (beta > line * 1.05 + 1e-9) expect(v).toBeLessThan(0);
          if (beta < line * 0.95 && incentive(mu, sigma, 0) > 1e-8) expect(v).toBeGreaterThan(0);
        }),
      );
    }
  });

  it('lays the grid out by beta then sigma, with its extremes', () => {
    const grid = incentiveGrid({ mu: -0.5, sigma: { from: 0.5, to: 2, steps: 4 }, beta: { from: 0, to: 1, steps: 3 } });
    expect(grid.sigmas).toEqual([0.5, 1, 1.5, 2]);
    expect(grid.betas).toEqual([0, 0.5, 1]);
    expect(grid.values[1][2]).toBeCloseTo(incentive(-0.5, 1.5, 0.5), 14);
    expect(grid.max).toBe(Math.max(...grid.values.flat()));
    expect(grid.min).toBe(Math.min(...grid.values.flat()));
    expect(waitValue(-0.5, 1, 0.5)).toBeCloseTo(grid.values[1][1] + 0, 14);
  });

  it('names each invalid field of a grid spec and what it allows', () => {
    expect(gridSpecIssues(DEFAULT_GRID)).toEqual([]);
    const issues = gridSpecIssues({ mu: Number.NaN, sigma: { from: -1, to: 2, steps: 1 }, beta: { from: 2, to: 1, steps: 500 } });
    expect(issues.map((i) => i.path)).toEqual(['mu', 'sigma.from', 'sigma.steps', 'beta.to', 'beta.steps']);
    expect(issues.find((i) => i.path === 'beta.to')?.message).toBe('must be greater than beta.from (2)');
    expect(() => incentiveGrid({ ...DEFAULT_GRID, mu: Infinity })).toThrow(/mu must be a number/);
    expect(() => incentive(0, -1, 1)).toThrow(/sigma must be a finite number >= 0/);
  });

  it('says what the robot does: wait while the incentive is positive, else act or switch itself off', () => {
    expect(robotChoice(0.5, 0.1)).toBe('wait');
    expect(robotChoice(0.5, -0.1)).toBe('act');
    expect(robotChoice(-0.5, -0.1)).toBe('switch-off');
    expect(robotChoice(0, 0)).toBe('switch-off');
  });
});
