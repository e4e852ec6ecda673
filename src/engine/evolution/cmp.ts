/**
 * Clade metaproductivity (CMP), the Huxley-Gödel Machine's estimate of how good a node is as an ancestor, as
 * opposed to how good it is as an agent (its own score).
 *
 * CMP(n) is estimated from the pooled evaluation results of n's clade: s successes and f failures give a
 * Beta(1 + s, 1 + f) posterior (uniform prior). By default the pool is n's descendants only, so a node's CMP is
 * independent of its own evaluations: this is what the UI shows next to the node's own score, and the two disagree
 * exactly where the paper's metaproductivity-performance mismatch is. `includeSelf: true` pools the node's own
 * evaluations too, which is what the HGM code does when it chooses a parent to expand (see hgm.ts).
 * Every descendant's evaluations count whatever its status: a gate-rejected child that was evaluated is evidence
 * about its parent's ability to produce good children.
 */
import type { Rng } from '../types';
import type { ArchiveTree, EvaluationCounts } from './archive-tree';
import { betaQuantile, sampleBeta } from './beta';

export interface CladeOptions {
  /** Pool the node's own evaluations with its descendants'. Default false (descendants only). */
  includeSelf?: boolean;
}

export interface CmpEstimate {
  /** Posterior mean (1 + s) / (2 + s + f). */
  mean: number;
  /** Lower end of the equal-tailed credible interval. */
  lo: number;
  /** Upper end of the equal-tailed credible interval. */
  hi: number;
}

/** Pooled successes and failures over `id`'s descendants (and `id` itself when includeSelf). */
export function cladeCounts(tree: ArchiveTree, id: string, options: CladeOptions = {}): EvaluationCounts {
  const nodes = options.includeSelf ? tree.subtreeOf(id) : tree.descendantsOf(id);
  let successes = 0;
  let failures = 0;
  for (const n of nodes) {
    successes += n.evaluations.successes;
    failures += n.evaluations.failures;
  }
  return { successes, failures };
}

function checkCounts(counts: EvaluationCounts): void {
  const ok = (x: number): boolean => Number.isFinite(x) && x >= 0;
  if (!ok(counts.successes) || !ok(counts.failures)) {
    throw new Error(`evaluation counts must be finite and >= 0, got successes=${counts.successes}, failures=${counts.failures}`);
  }
}

/** Mean and equal-tailed credible interval (default 90%) of Beta(1 + s, 1 + f). */
export function cmpEstimate(counts: EvaluationCounts, level = 0.9): CmpEstimate {
  checkCounts(counts);
  if (!(level > 0 && level < 1)) throw new Error(`credible level must be in (0, 1), got ${level}`);
  const a = 1 + counts.successes;
  const b = 1 + counts.failures;
  const tail = (1 - level) / 2;
  return { mean: a / (a + b), lo: betaQuantile(tail, a, b), hi: betaQuantile(1 - tail, a, b) };
}

/**
 * One Thompson draw from Beta(scale * (1 + s), scale * (1 + f)). scale = 1 is the plain posterior; a larger scale
 * keeps the mean and shrinks the spread, which is how HGM cools its sampling down towards greedy at the budget's end.
 */
export function thompsonSample(counts: EvaluationCounts, rng: Rng, scale = 1): number {
  checkCounts(counts);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`Thompson scale must be finite and > 0, got ${scale}`);
  return sampleBeta(scale * (1 + counts.successes), scale * (1 + counts.failures), rng);
}
