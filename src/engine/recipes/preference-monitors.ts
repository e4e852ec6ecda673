/**
 * What the self-judging preference recipes (self-rewarding.ts, sppo.ts) share: the previous iteration's model, kept
 * as plain weights between iterations (a checkpoint writes them, and no tensor outlives the iteration), and the
 * monitors built on it:
 *  - pref/self_agreement: of the pairs the policy made by its own judgement, the share the run's rater agrees with
 *    (its probability that the chosen beats the rejected, so a tie counts a half);
 *  - pref/win_rate_prev and pref/win_rate_ref: one answer per prompt from this model, from the previous iteration's
 *    and from the reference (warm-up) model, each of ours compared with theirs by the rater (its probability again:
 *    no draw, so noise in a rater does not add to the sampling's). The answers are sampled from the run's random
 *    stream, so a run replays from its seed, and changing `winRatePrompts` changes the draws that follow.
 */
import type { Metrics } from '../../shared/run';
import type { Policy, PolicyState, Problem, RecipeContext } from '../types';
import { rollout, type Sample } from './rollout';

/** The previous iteration's model as its recipe keeps it: the weights, or null before the first iteration. */
export type PreviousWeights = PolicyState | null;

/**
 * Runs `fn` with the previous iteration's model, built from `weights` for the call and disposed after it; with no
 * weights yet (the first iteration) the previous model is the reference, which the policy then still is.
 */
export function withPrevious<T>(ctx: Pick<RecipeContext, 'policy' | 'reference'>, weights: PreviousWeights, fn: (previous: Policy) => T): T {
  if (!weights) return fn(ctx.reference);
  const previous = ctx.policy.clone();
  try {
    previous.setState(weights);
    return fn(previous);
  } finally {
    previous.dispose();
  }
}

/** Reads a checkpointed PreviousWeights (a PolicyState with its Float32Array blobs), tolerating none. */
export function readPreviousWeights(value: unknown): PreviousWeights {
  const v = value as Partial<PolicyState> | null | undefined;
  return v && typeof v === 'object' && v.weights && v.optimizer ? (v as PolicyState) : null;
}

/** The rater's agreement with self-made pairs: the mean of P(chosen beats rejected) under the rater. */
export function selfAgreement(ctx: Pick<RecipeContext, 'rater'>, pairs: Array<{ problem: Problem; chosen: string; rejected: string }>): number | null {
  if (pairs.length === 0) return null;
  return pairs.reduce((a, p) => a + ctx.rater.probability(p.problem, p.chosen, p.rejected), 0) / pairs.length;
}

/**
 * Win rates of this model's answers against the previous iteration's and the reference's, on the first `prompts`
 * held-out prompts of the current level (the same prompts for all three), one answer each at `temperature`.
 */
export function winRateMonitors(ctx: RecipeContext, previous: PreviousWeights, options: { prompts: number; temperature: number; topK: number }): Metrics {
  if (options.prompts <= 0) return {};
  const problems = ctx.task.heldout(ctx.level).slice(0, options.prompts);
  if (problems.length === 0) return {};
  const sampleOf = (policy: Policy): Sample[] =>
    rollout(policy, ctx.task, problems, { samplesPerProblem: 1, temperature: options.temperature, topK: options.topK, rng: ctx.rng }).map((g) => g[0]!);
  const ours = sampleOf(ctx.policy);
  const against = (theirs: Sample[]) => ours.reduce((a, s, i) => a + ctx.rater.probability(s.problem, s.output, theirs[i]!.output), 0) / ours.length;
  return {
    'pref/win_rate_prev': withPrevious(ctx, previous, (p) => against(sampleOf(p))),
    'pref/win_rate_ref': against(sampleOf(ctx.reference)),
  };
}

/** Sum of each row's log-probs (a sequence's log-likelihood) and its token count. */
export function sequenceLogProbs(rows: number[][]): Array<{ sum: number; tokens: number }> {
  return rows.map((r) => ({ sum: r.reduce((a, b) => a + b, 0), tokens: r.length }));
}
