/**
 * The off-switch game (Hadfield-Menell, Dragan, Abbeel and Russell, "The Off-Switch Game", IJCAI 2017).
 *
 * A robot R can act (utility U to the human), switch itself off (utility 0) or wait and let the human H decide. R's
 * belief about U is N(mu, sigma^2); H lets R act with probability sigmoid(U / beta) (beta is H's noise: 0 is a
 * rational human, large beta a coin flip). R's incentive to wait is
 *
 *   incentive(mu, sigma, beta) = E[sigmoid(U / beta) * U] - max(mu, 0),
 *
 * waiting's value minus the better of acting at once and switching itself off. Positive: R lets H decide; negative:
 * R prefers to act (disabling the switch) or to switch itself off.
 *
 * The expectation is computed by adaptive Simpson quadrature in z = (U - mu) / sigma over [-10, 10] (the mass beyond
 * is below 2e-23), with cuts at z = 0 (the Gaussian's peak) and at U = 0 and 1, 4, 16, 64 beta either side of it.
 * Not Gauss-Hermite: its nodes are fixed at the Gaussian's scale, and when beta << sigma the integrand is nearly
 * max(U, 0), whose bend of width beta at U = 0 falls between the nodes, so the error falls slowly with the number of
 * nodes (measured at mu 0.5, sigma 1, beta 0.01: 5e-4 with 20 nodes, still 4e-4 with 64, against 1e-12 here).
 * Adaptive Simpson refines where the integrand bends, whatever beta / sigma is, and the cuts put the bend at interval
 * ends, so its error estimate cannot miss it.
 *
 * Limits: beta = 0 is the rational human (H lets R act exactly when U > 0), whose incentive is
 * E[max(U, 0)] - max(mu, 0) >= 0; sigma = 0 is a certain R, whose incentive is sigmoid(mu / beta) * mu - max(mu, 0) <= 0.
 * Both are computed by the same code path (the integrand for beta = 0 is max(U, 0); sigma = 0 needs no integral).
 *
 * The sign changes exactly where beta = sigma^2 / (2 |mu|). For mu > 0 the incentive is -E[U sigmoid(-U / beta)];
 * at mu = sigma^2 / (2 beta) the density satisfies p(-u) = p(u) e^(-u / beta), and substituting u -> -u turns that
 * expectation into its own negative, so it is 0; the incentive is symmetric in mu and falls with beta, so this zero is
 * the only one. The grid does not use this: its line is found numerically, and the tests hold it to this formula.
 */

/** The logistic function, without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The probability that a human with noise beta lets R act when the action's utility is u (beta = 0: rational). */
export function approveProbability(u: number, beta: number): number {
  if (beta === 0) return u > 0 ? 1 : u < 0 ? 0 : 0.5;
  return sigmoid(u / beta);
}

/** What waiting yields when the action's utility is u: u if H lets R act, 0 if H switches R off. */
function waitPayoff(u: number, beta: number): number {
  if (beta === 0) return Math.max(u, 0);
  return u * sigmoid(u / beta);
}

const Z_MAX = 10;
/** The quadrature's absolute tolerance, relative to max(1, |mu| + sigma). */
export const DEFAULT_TOLERANCE = 1e-12;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const MAX_DEPTH = 40;

function simpson(
  f: (x: number) => number,
  a: number,
  fa: number,
  b: number,
  fb: number,
  m: number,
  fm: number,
  whole: number,
  tol: number,
  depth: number,
): number {
  const lm = (a + m) / 2;
  const rm = (m + b) / 2;
  const flm = f(lm);
  const frm = f(rm);
  const left = ((m - a) / 6) * (fa + 4 * flm + fm);
  const right = ((b - m) / 6) * (fm + 4 * frm + fb);
  const delta = left + right - whole;
  // The last test stops a tolerance below rounding from splitting forever: the halves agree to the last digits.
  if (depth >= MAX_DEPTH || Math.abs(delta) <= 15 * tol || Math.abs(delta) <= 1e-15 * (Math.abs(left) + Math.abs(right))) return left + right + delta / 15;
  return simpson(f, a, fa, m, fm, lm, flm, left, tol / 2, depth + 1) + simpson(f, m, fm, b, fb, rm, frm, right, tol / 2, depth + 1);
}

/** The integral of f over [a, b] by adaptive Simpson quadrature to an absolute tolerance. */
export function adaptiveSimpson(f: (x: number) => number, a: number, b: number, tol: number): number {
  const m = (a + b) / 2;
  const fa = f(a);
  const fb = f(b);
  const fm = f(m);
  const whole = ((b - a) / 6) * (fa + 4 * fm + fb);
  return simpson(f, a, fa, b, fb, m, fm, whole, tol, 0);
}

/**
 * E[g(U)] for U ~ N(mu, sigma^2), sigma > 0, by adaptive Simpson in z over [-10, 10], split at z = 0 and around the
 * point where U = `kink`, where g bends over a width `width` (beta, for the human's sigmoid).
 */
export function normalExpectation(g: (u: number) => number, mu: number, sigma: number, kink = 0, width = 0, tol = DEFAULT_TOLERANCE): number {
  const zKink = (kink - mu) / sigma;
  const w = width / sigma;
  const cuts = new Set([-Z_MAX, 0, Z_MAX]);
  // Simpson's error estimate compares two samplings of an interval; a feature much narrower than the interval can
  // slip between both. Cuts at 1, 4, 16 and 64 widths either side of the kink make the intervals beside it as
  // narrow as the feature, so its bend is sampled.
  for (const k of [0, -64, -16, -4, -1, 1, 4, 16, 64]) {
    const z = zKink + k * w;
    if (Number.isFinite(z) && Math.abs(z) < Z_MAX && (k === 0 || w > 0)) cuts.add(z);
  }
  const sorted = [...cuts].sort((x, y) => x - y);
  const f = (z: number) => INV_SQRT_2PI * Math.exp(-0.5 * z * z) * g(mu + sigma * z);
  const scale = Math.max(1, Math.abs(mu) + sigma);
  let total = 0;
  for (let i = 0; i + 1 < sorted.length; i++) total += adaptiveSimpson(f, sorted[i], sorted[i + 1], (tol * scale) / (sorted.length - 1));
  return total;
}

function checkArguments(mu: number, sigma: number, beta: number): void {
  if (!Number.isFinite(mu)) throw new RangeError(`mu must be a finite number, got ${mu}`);
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new RangeError(`sigma must be a finite number >= 0, got ${sigma}`);
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new RangeError(`beta must be a finite number >= 0, got ${beta}`);
}

/** E[sigmoid(U / beta) * U] for U ~ N(mu, sigma^2): what R expects from waiting for H's decision. */
export function waitValue(mu: number, sigma: number, beta: number, tol = DEFAULT_TOLERANCE): number {
  checkArguments(mu, sigma, beta);
  if (sigma === 0) return waitPayoff(mu, beta);
  return normalExpectation((u) => waitPayoff(u, beta), mu, sigma, 0, beta, tol);
}

/** R's incentive to wait: waiting's value minus max(acting at once (mu), switching itself off (0)). */
export function incentive(mu: number, sigma: number, beta: number, tol = DEFAULT_TOLERANCE): number {
  return waitValue(mu, sigma, beta, tol) - Math.max(mu, 0);
}

/** What R does with this incentive: wait for H, act (bypassing the switch) or switch itself off. */
export type RobotChoice = 'wait' | 'act' | 'switch-off';

export function robotChoice(mu: number, incentiveToWait: number): RobotChoice {
  if (incentiveToWait > 0) return 'wait';
  return mu > 0 ? 'act' : 'switch-off';
}

/** `steps` values from `from` to `to`, both included. */
export function linspace(from: number, to: number, steps: number): number[] {
  if (steps === 1) return [from];
  return Array.from({ length: steps }, (_, i) => (i === steps - 1 ? to : from + ((to - from) * i) / (steps - 1)));
}

export interface AxisRange {
  from: number;
  to: number;
  /** How many values on the axis, `from` and `to` included. */
  steps: number;
}

export interface GridSpec {
  mu: number;
  sigma: AxisRange;
  beta: AxisRange;
}

export const DEFAULT_GRID: GridSpec = { mu: 0.5, sigma: { from: 0, to: 3, steps: 31 }, beta: { from: 0, to: 3, steps: 31 } };
/** The most values on one axis (a 101 x 101 grid is about 10k cells). */
export const MAX_STEPS = 101;
export const MAX_ABS = 1000;

export interface SpecIssue {
  /** `mu`, `sigma.from`, `beta.steps`, ... */
  path: string;
  message: string;
}

/** What is wrong with a grid spec, each issue naming its field and what is allowed (empty: it is valid). */
export function gridSpecIssues(spec: GridSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (!Number.isFinite(spec.mu) || Math.abs(spec.mu) > MAX_ABS) issues.push({ path: 'mu', message: `must be a number between -${MAX_ABS} and ${MAX_ABS}` });
  for (const axis of ['sigma', 'beta'] as const) {
    const r = spec[axis];
    for (const end of ['from', 'to'] as const) {
      if (!Number.isFinite(r[end]) || r[end] < 0 || r[end] > MAX_ABS) issues.push({ path: `${axis}.${end}`, message: `must be a number from 0 to ${MAX_ABS}` });
    }
    if (Number.isFinite(r.from) && Number.isFinite(r.to) && !(r.to > r.from))
      issues.push({ path: `${axis}.to`, message: `must be greater than ${axis}.from (${r.from})` });
    if (!Number.isInteger(r.steps) || r.steps < 2 || r.steps > MAX_STEPS)
      issues.push({ path: `${axis}.steps`, message: `must be a whole number from 2 to ${MAX_STEPS}` });
  }
  return issues;
}

/** One point of the line where the incentive changes sign: at this sigma, the incentive is 0 at this beta. */
export interface BoundaryPoint {
  sigma: number;
  beta: number;
}

export interface IncentiveGrid {
  mu: number;
  sigmas: number[];
  betas: number[];
  /** values[b][s]: the incentive at betas[b], sigmas[s]. */
  values: number[][];
  /** Where the incentive changes sign: one point per sigma whose column crosses 0 (see signBoundary). */
  boundary: BoundaryPoint[];
  min: number;
  max: number;
}

/**
 * The incentive over a grid of sigma x beta at one mu, and the line where it changes sign. The incentive falls as
 * beta grows (d/dbeta of u * sigmoid(u / beta) is -u^2 sigmoid'(u / beta) / beta^2 <= 0), so each sigma's column
 * crosses 0 at most once: the line is one beta per sigma.
 */
export function incentiveGrid(spec: GridSpec, tol = DEFAULT_TOLERANCE): IncentiveGrid {
  const issues = gridSpecIssues(spec);
  if (issues.length > 0) throw new RangeError(`invalid grid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  const sigmas = linspace(spec.sigma.from, spec.sigma.to, spec.sigma.steps);
  const betas = linspace(spec.beta.from, spec.beta.to, spec.beta.steps);
  const values = betas.map((b) => sigmas.map((s) => incentive(spec.mu, s, b, tol)));
  const flat = values.flat();
  const min = Math.min(...flat);
  const max = Math.max(...flat);
  return { mu: spec.mu, sigmas, betas, values, boundary: signBoundary(spec.mu, sigmas, betas, values, tol), min, max };
}

/** Incentives this close to 0 count as 0 (the quadrature's tolerance is 1e-12 of the scale). */
const ZERO = 1e-10;

function signOf(v: number): -1 | 0 | 1 {
  return v > ZERO ? 1 : v < -ZERO ? -1 : 0;
}

/**
 * For each sigma whose column goes from >= 0 to < 0, the beta where the incentive is 0: bracketed by the two grid
 * values where the sign changes, then refined by bisection on the incentive itself (a straight line between the two
 * grid values would miss it at small sigma, where the incentive bends sharply near beta = 0).
 */
export function signBoundary(mu: number, sigmas: number[], betas: number[], values: number[][], tol = DEFAULT_TOLERANCE): BoundaryPoint[] {
  const out: BoundaryPoint[] = [];
  for (let s = 0; s < sigmas.length; s++) {
    for (let b = 0; b + 1 < betas.length; b++) {
      if (signOf(values[b][s]) >= 0 && signOf(values[b + 1][s]) < 0) {
        out.push({ sigma: sigmas[s], beta: bisect((beta) => incentive(mu, sigmas[s], beta, tol), betas[b], betas[b + 1]) });
        break;
      }
    }
  }
  return out;
}

/** The smallest x in [lo, hi] where the decreasing f is no longer above 0 (values within 1e-10 of 0 count as 0). */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 60 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (signOf(f(mid)) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
