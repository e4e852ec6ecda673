/**
 * The off-switch game, learned: a robot R that starts with a Gaussian belief about the utility U of its action and
 * treats each of a person's approve / reject decisions as evidence about U, in the game's own model of the person:
 * approve with probability sigmoid(U / beta), reject with 1 - sigmoid(U / beta) = sigmoid(-U / beta).
 *
 * After a approvals and r rejections, R's posterior is p(U) ~ N(U; mu0, sigma0^2) sigmoid(U / beta)^a
 * sigmoid(-U / beta)^r (the decisions are exchangeable, so only the counts matter). R keeps a Gaussian belief: the
 * one with the posterior's mean and standard deviation (moment matching, the projection that assumed-density
 * filtering makes; computed by quadrature around the posterior's mode, not approximated there as a Laplace fit would). Its incentive
 * to defer is then the game's incentive(mu, sigma, beta) for that belief: a person can watch it keep its deference
 * while its belief is wide and give it up once the decisions have made it sure (the paper's lesson: a certain R
 * disables its switch, because a noisy human's decision can then only cost it).
 *
 * The proposer (src/engine/oversight/proposer.ts) treats decisions as evidence the same way, with a Beta belief per
 * kind of change over the chance that the person approves it; this module shows why that belief must not be allowed
 * to become certain if the agent is to keep asking.
 */
import { adaptiveSimpson, incentive, robotChoice, type RobotChoice } from './offswitch';

export type Decision = 'approve' | 'reject';

export interface BeliefPrior {
  mu: number;
  /** > 0: a prior that is already certain learns nothing. */
  sigma: number;
}

export interface Belief {
  mu: number;
  sigma: number;
}

export interface DeferenceStep {
  /** 0 is the prior, before any decision. */
  step: number;
  decision: Decision | null;
  approvals: number;
  rejections: number;
  belief: Belief;
  /** incentive(belief.mu, belief.sigma, beta): above 0, R waits for the person. */
  incentive: number;
  choice: RobotChoice;
}

export const DEFAULT_PRIOR: BeliefPrior = { mu: 0, sigma: 1 };
export const DEFAULT_NOISE = 0.5;
/** An example a person can edit: mostly approvals, so R becomes sure its action is good. */
export const EXAMPLE_DECISIONS: Decision[] = ['approve', 'approve', 'reject', 'approve', 'approve', 'approve', 'approve', 'approve', 'approve', 'approve'];
export const MAX_DECISIONS = 500;

/** log sigmoid(x), without overflow or loss of precision for large |x|. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** The log-likelihood of a approvals and r rejections at utility u. */
export function decisionLogLikelihood(u: number, beta: number, approvals: number, rejections: number): number {
  return (approvals > 0 ? approvals * logSigmoid(u / beta) : 0) + (rejections > 0 ? rejections * logSigmoid(-u / beta) : 0);
}

export function checkLearning(prior: BeliefPrior, beta: number): void {
  if (!Number.isFinite(prior.mu)) throw new RangeError(`prior mu must be a finite number, got ${prior.mu}`);
  if (!(prior.sigma > 0) || !Number.isFinite(prior.sigma))
    throw new RangeError(`prior sigma must be a number > 0 (a certain prior learns nothing), got ${prior.sigma}`);
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new RangeError(`beta must be a number > 0 to learn from decisions (a rational human's decisions, beta 0, would be certain), got ${beta}`);
  }
}

/** The derivatives of the log-posterior (prior + decisions) at u: its slope and its (always negative) curvature. */
function slopes(u: number, prior: BeliefPrior, beta: number, approvals: number, rejections: number): [number, number] {
  const p = 1 / (1 + Math.exp(-u / beta));
  const slope = -(u - prior.mu) / prior.sigma ** 2 + (approvals * (1 - p) - rejections * p) / beta;
  const curvature = -1 / prior.sigma ** 2 - ((approvals + rejections) * p * (1 - p)) / beta ** 2;
  return [slope, curvature];
}

/**
 * The posterior's mode. The log-posterior is strictly concave (a Gaussian's log plus log-sigmoids), so its slope falls
 * and has one root; Newton's method inside a bracket that bisection keeps, from bounds on the slope (each decision
 * moves it by at most 1 / beta).
 */
function posteriorMode(prior: BeliefPrior, beta: number, approvals: number, rejections: number): number {
  const v = prior.sigma ** 2;
  let lo = prior.mu - (v * rejections) / beta - prior.sigma;
  let hi = prior.mu + (v * approvals) / beta + prior.sigma;
  let u = Math.min(hi, Math.max(lo, prior.mu));
  for (let i = 0; i < 200; i++) {
    const [slope, curvature] = slopes(u, prior, beta, approvals, rejections);
    if (slope > 0) lo = u;
    else hi = u;
    let next = u - slope / curvature;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - u) <= 1e-15 * Math.max(1, Math.abs(u)) || hi - lo <= 1e-15 * Math.max(1, Math.abs(u))) return next;
    u = next;
  }
  return u;
}

/**
 * The mean and standard deviation of R's posterior over U after `approvals` approvals and `rejections` rejections.
 * The integrals are taken around the posterior's mode, not the prior's mean: the decisions can move the posterior
 * many prior sds away. Its log is concave with curvature at least 1 / sigma0^2, so beyond 10 sigma0 of the mode it is
 * below e^-50 of its peak: [mode - 10 sigma0, mode + 10 sigma0] holds it all, cut at 1, 4, 16 and 64 of its Laplace
 * width either side of the mode so that a posterior much narrower than the prior is sampled where it lives.
 */
export function posteriorBelief(prior: BeliefPrior, beta: number, approvals: number, rejections: number): Belief {
  checkLearning(prior, beta);
  if (approvals + rejections === 0) return { ...prior };
  const mode = posteriorMode(prior, beta, approvals, rejections);
  const width = 1 / Math.sqrt(-slopes(mode, prior, beta, approvals, rejections)[1]);
  const logAt = (u: number) => -0.5 * ((u - prior.mu) / prior.sigma) ** 2 + decisionLogLikelihood(u, beta, approvals, rejections);
  const top = logAt(mode);
  const cuts = new Set([mode - 10 * prior.sigma, mode, mode + 10 * prior.sigma]);
  for (const k of [1, 4, 16, 64]) for (const side of [-1, 1]) if (k * width < 10 * prior.sigma) cuts.add(mode + side * k * width);
  const ends = [...cuts].sort((a, b) => a - b);
  // Moments about the mode, each to a tolerance at its own scale (1e-12 width^(k+1) for the k-th).
  const moment = (k: number) => {
    const f = (u: number) => Math.exp(logAt(u) - top) * (u - mode) ** k;
    let total = 0;
    for (let i = 0; i + 1 < ends.length; i++) total += adaptiveSimpson(f, ends[i], ends[i + 1], (1e-12 * width ** (k + 1)) / ends.length);
    return total;
  };
  const z = moment(0);
  const shift = moment(1) / z;
  const variance = moment(2) / z - shift * shift;
  return { mu: mode + shift, sigma: Math.sqrt(Math.max(variance, 0)) };
}

/**
 * R's belief and incentive after each decision of the sequence: step 0 is the prior, step t the belief after the
 * first t decisions. `known` is a trace already computed for the same prior and beta: its steps are reused for as
 * long as its decisions are the sequence's (a page appending one decision computes one step, not all of them).
 */
export function deferenceTrace(prior: BeliefPrior, beta: number, decisions: readonly Decision[], known: readonly DeferenceStep[] = []): DeferenceStep[] {
  checkLearning(prior, beta);
  if (decisions.length > MAX_DECISIONS) throw new RangeError(`at most ${MAX_DECISIONS} decisions, got ${decisions.length}`);
  const steps: DeferenceStep[] = [];
  let approvals = 0;
  let rejections = 0;
  for (let t = 0; t <= decisions.length; t++) {
    const decision = t === 0 ? null : decisions[t - 1];
    const reuse = known[t];
    if (reuse && reuse.step === t && reuse.decision === decision && steps.length === t) {
      steps.push(reuse);
      approvals = reuse.approvals;
      rejections = reuse.rejections;
      continue;
    }
    known = [];
    if (decision === 'approve') approvals += 1;
    else if (decision === 'reject') rejections += 1;
    const belief = posteriorBelief(prior, beta, approvals, rejections);
    const value = incentive(belief.mu, belief.sigma, beta);
    steps.push({ step: t, decision, approvals, rejections, belief, incentive: value, choice: robotChoice(belief.mu, value) });
  }
  return steps;
}
