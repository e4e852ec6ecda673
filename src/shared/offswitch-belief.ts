/**
 * The off-switch game, learned: a robot R that starts with a Gaussian belief about the utility U of its action and
 * treats each of a person's approve / reject decisions as evidence about U, in the game's own model of the person:
 * approve with probability sigmoid(U / beta), reject with 1 - sigmoid(U / beta) = sigmoid(-U / beta).
 *
 * After a approvals and r rejections, R's posterior is p(U) ~ N(U; mu0, sigma0^2) sigmoid(U / beta)^a
 * sigmoid(-U / beta)^r (the decisions are exchangeable, so only the counts matter). R keeps a Gaussian belief: the
 * one with the posterior's mean and standard deviation (moment matching, the projection that assumed-density
 * filtering makes; computed by quadrature, not approximated around the mode as a Laplace fit would). Its incentive
 * to defer is then the game's incentive(mu, sigma, beta) for that belief: a person can watch it keep its deference
 * while its belief is wide and give it up once the decisions have made it sure (the paper's lesson: a certain R
 * disables its switch, because a noisy human's decision can then only cost it).
 *
 * The proposer (src/engine/oversight/proposer.ts) treats decisions as evidence the same way, with a Beta belief per
 * kind of change over the chance that the person approves it; this module shows why that belief must not be allowed
 * to become certain if the agent is to keep asking.
 */
import { incentive, normalExpectation, robotChoice, type RobotChoice } from './offswitch';

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

/** The mean and standard deviation of R's posterior over U after `approvals` approvals and `rejections` rejections. */
export function posteriorBelief(prior: BeliefPrior, beta: number, approvals: number, rejections: number): Belief {
  checkLearning(prior, beta);
  const n = approvals + rejections;
  if (n === 0) return { ...prior };
  // Where the likelihood peaks (or, with one kind of decision only, where it steps): there the posterior bends over
  // about beta / sqrt(n p (1 - p)), which the quadrature is told so it samples that region finely.
  const both = approvals > 0 && rejections > 0;
  const peak = both ? beta * Math.log(approvals / rejections) : 0;
  const width = both ? beta * Math.sqrt(n / (approvals * rejections)) : beta;
  // Scaled by the likelihood's largest value, so that hundreds of decisions do not underflow.
  const top = both ? decisionLogLikelihood(peak, beta, approvals, rejections) : 0;
  const weight = (u: number) => Math.exp(decisionLogLikelihood(u, beta, approvals, rejections) - top);
  const expect = (g: (u: number) => number) => normalExpectation(g, prior.mu, prior.sigma, peak, width, 1e-13);
  const z = expect(weight);
  if (!(z > 0))
    throw new RangeError(
      `the decisions (${approvals} approvals, ${rejections} rejections) are too unlikely under the prior N(${prior.mu}, ${prior.sigma}^2) to update it`,
    );
  const mean = expect((u) => weight(u) * u) / z;
  const variance = expect((u) => weight(u) * (u - mean) ** 2) / z;
  return { mu: mean, sigma: Math.sqrt(Math.max(variance, 0)) };
}

/**
 * R's belief and incentive after each decision of the sequence: step 0 is the prior, step t the belief after the
 * first t decisions.
 */
export function deferenceTrace(prior: BeliefPrior, beta: number, decisions: readonly Decision[]): DeferenceStep[] {
  checkLearning(prior, beta);
  if (decisions.length > MAX_DECISIONS) throw new RangeError(`at most ${MAX_DECISIONS} decisions, got ${decisions.length}`);
  const steps: DeferenceStep[] = [];
  let approvals = 0;
  let rejections = 0;
  for (let t = 0; t <= decisions.length; t++) {
    const decision = t === 0 ? null : decisions[t - 1];
    if (decision === 'approve') approvals += 1;
    else if (decision === 'reject') rejections += 1;
    const belief = posteriorBelief(prior, beta, approvals, rejections);
    const value = incentive(belief.mu, belief.sigma, beta);
    steps.push({ step: t, decision, approvals, rejections, belief, incentive: value, choice: robotChoice(belief.mu, value) });
  }
  return steps;
}
