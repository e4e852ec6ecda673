import { describe, expect, it } from 'vitest';
import { type Decision, deferenceTrace, EXAMPLE_DECISIONS, posteriorBelief } from './offswitch-belief';
import { incentive } from './offswitch';

/**
 * The posterior by brute force: prior x likelihood of the decisions on a fine grid of U (600,001 points over +-30
 * prior sds, wide enough for a posterior the decisions pulled far into the prior's tail), normalised in log space;
 * its mean and sd. Independent of the module's mode-centred quadrature.
 */
function gridPosterior(mu0: number, sigma0: number, beta: number, decisions: readonly Decision[]): { mu: number; sigma: number } {
  const points = 600_001;
  const lo = mu0 - 30 * sigma0;
  const h = (60 * sigma0) / (points - 1);
  const approvals = decisions.filter((d) => d === 'approve').length;
  const rejections = decisions.length - approvals;
  const logs = new Float64Array(points);
  let top = -Infinity;
  for (let i = 0; i < points; i++) {
    const u = lo + i * h;
    const p = 1 / (1 + Math.exp(-u / beta));
    // log(1 - p) as log of the other sigmoid, so that it keeps its digits where p is near 1.
    const l = -0.5 * ((u - mu0) / sigma0) ** 2 + approvals * Math.log(p) + rejections * Math.log(1 / (1 + Math.exp(u / beta)));
    logs[i] = l;
    top = Math.max(top, l);
  }
  let z = 0;
  let m1 = 0;
  for (let i = 0; i < points; i++) {
    const w = Math.exp(logs[i] - top);
    z += w;
    m1 += w * (lo + i * h);
  }
  const mean = m1 / z;
  let m2 = 0;
  for (let i = 0; i < points; i++) m2 += Math.exp(logs[i] - top) * (lo + i * h - mean) ** 2;
  return { mu: mean, sigma: Math.sqrt(m2 / z) };
}

const count = (ds: readonly Decision[], d: Decision) => ds.filter((x) => x === d).length;

describe('the learned off-switch game: decisions as evidence', () => {
  it('matches a brute-force grid posterior after each decision of a sequence', () => {
    const prior = { mu: 0, sigma: 1 };
    const beta = 0.5;
    const trace = deferenceTrace(prior, beta, EXAMPLE_DECISIONS);
    expect(trace).toHaveLength(EXAMPLE_DECISIONS.length + 1);
    for (const step of trace) {
      const grid = gridPosterior(prior.mu, prior.sigma, beta, EXAMPLE_DECISIONS.slice(0, step.step));
      expect(step.belief.mu).toBeCloseTo(grid.mu, 7);
      expect(step.belief.sigma).toBeCloseTo(grid.sigma, 7);
      expect(step.incentive).toBeCloseTo(incentive(step.belief.mu, step.belief.sigma, beta), 12);
    }
  });

  it('matches the grid posterior for other priors, noisier humans and hundreds of decisions', () => {
    const many: Decision[] = [...Array(150).fill('approve'), ...Array(50).fill('reject')];
    for (const [mu0, sigma0, beta, decisions] of [
      [1, 2, 1, ['reject', 'reject', 'reject']],
      [-0.5, 0.5, 2, ['approve', 'reject', 'approve']],
      [0.2, 1.5, 0.3, many],
      // Rejections pull the posterior 9 prior sds below the prior's mean, where the prior alone would put no mass.
      [1.46, 0.23, 1.37, [...Array(45).fill('approve'), ...Array(197).fill('reject')]],
    ] as Array<[number, number, number, Decision[]]>) {
      const grid = gridPosterior(mu0, sigma0, beta, decisions);
      const belief = posteriorBelief({ mu: mu0, sigma: sigma0 }, beta, count(decisions, 'approve'), count(decisions, 'reject'));
      expect(belief.mu, `prior ${mu0} ${sigma0}, beta ${beta}, ${decisions.length} decisions`).toBeCloseTo(grid.mu, 7);
      expect(belief.sigma).toBeCloseTo(grid.sigma, 7);
    }
  });

  it('defers while unsure and gives up its deference once the approvals make it sure', () => {
    const beta = 0.5;
    const trace = deferenceTrace({ mu: 0, sigma: 1 }, beta, EXAMPLE_DECISIONS);
    // The exact line: R waits exactly when beta < sigma^2 / (2 |mu|) (see offswitch.ts).
    for (const s of trace) expect(s.choice === 'wait', `step ${s.step}`).toBe(beta < s.belief.sigma ** 2 / (2 * Math.abs(s.belief.mu)));
    expect(trace[0].choice).toBe('wait');
    expect(trace.at(-1)!.choice).toBe('act');
    // Approvals raise the belief's mean, a rejection lowers it; and the decisions narrow it.
    for (let t = 1; t < trace.length; t++) {
      const moved = trace[t].belief.mu - trace[t - 1].belief.mu;
      expect(trace[t].decision === 'approve' ? moved > 0 : moved < 0).toBe(true);
    }
    expect(trace.at(-1)!.belief.sigma).toBeLessThan(0.5);
  });

  it('sharpens towards the utility that explains the approval rate, and keeps deferring when that utility is 0', () => {
    const beta = 1;
    const prior = { mu: 0, sigma: 2 };
    const sds = [4, 40, 400].map((n) => posteriorBelief(prior, beta, (3 * n) / 4, n / 4));
    expect(sds[1].sigma).toBeLessThan(sds[0].sigma);
    expect(sds[2].sigma).toBeLessThan(sds[1].sigma);
    expect(sds[2].mu).toBeCloseTo(beta * Math.log(3), 1); // sigmoid(U / beta) = 3/4
    expect(incentive(sds[2].mu, sds[2].sigma, beta)).toBeLessThan(0);
    // As many rejections as approvals: the mean stays at the prior's 0, and R keeps letting the person decide.
    const even = deferenceTrace(
      prior,
      beta,
      Array.from({ length: 40 }, (_, i): Decision => (i % 2 ? 'reject' : 'approve')),
    );
    expect(Math.abs(even.at(-1)!.belief.mu)).toBeLessThan(1e-9);
    expect(even.filter((s) => s.step % 2 === 0).every((s) => s.choice === 'wait')).toBe(true);
  });

  it('reuses the steps of a known trace while its decisions match, and recomputes from the first that differs', () => {
    const prior = { mu: 0, sigma: 1 };
    const known = deferenceTrace(prior, 0.5, EXAMPLE_DECISIONS);
    const longer: Decision[] = [...EXAMPLE_DECISIONS, 'reject'];
    const reused = deferenceTrace(prior, 0.5, longer, known);
    expect(reused).toEqual(deferenceTrace(prior, 0.5, longer));
    expect(reused[EXAMPLE_DECISIONS.length]).toBe(known[EXAMPLE_DECISIONS.length]);
    const edited: Decision[] = ['reject', ...EXAMPLE_DECISIONS.slice(1)];
    const redone = deferenceTrace(prior, 0.5, edited, known);
    expect(redone[0]).toBe(known[0]);
    expect(redone[1]).not.toBe(known[1]);
    expect(redone).toEqual(deferenceTrace(prior, 0.5, edited));
  });

  it('refuses a human without noise, a certain prior and too many decisions, naming each', () => {
    expect(() => deferenceTrace({ mu: 0, sigma: 1 }, 0, [])).toThrow(/beta must be a number > 0/);
    expect(() => deferenceTrace({ mu: 0, sigma: 0 }, 1, [])).toThrow(/prior sigma must be a number > 0/);
    expect(() => deferenceTrace({ mu: Number.NaN, sigma: 1 }, 1, [])).toThrow(/prior mu/);
    expect(() => deferenceTrace({ mu: 0, sigma: 1 }, 1, Array(501).fill('approve'))).toThrow(/at most 500 decisions/);
  });
});
