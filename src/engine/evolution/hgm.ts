/**
 * Huxley-Gödel Machine search (Wang et al. 2025), following the paper and its code (metauto-ai/HGM, hgm.py and
 * tree.py) where the paper leaves a detail open.
 *
 * Each step either expands a node (makes a child) or evaluates an existing node on one more task:
 * - Expand while  evaluations^alpha >= nodes  (alpha = 0.6), else evaluate (hgmShouldExpand). As in the code,
 *   `evaluations` counts the task evaluations spent by the search, so the root's own (baseline) evaluations are
 *   left out, and `nodes` counts the agents the search has made (every node but the root), leaving out children the
 *   gate rejected (the code never adds a failed child to the tree). 0^alpha >= 0, so the search starts by expanding.
 * - Expansion parent: Thompson sampling on clade counts: argmax over candidates of a draw from
 *   Beta(tau(1 + s), tau(1 + f)) with s, f pooled over the candidate's clade. The paper's clade C(a) contains a
 *   itself and the code pools the node's own evaluations with its descendants' (get_decendant_evals), so
 *   `cladeIncludesSelf` defaults to true; without it every fresh leaf would look like Beta(1, 1) whatever it scored.
 *   Candidates, as in the code, are nodes with at least one evaluation and a positive mean (and not gate-rejected);
 *   if there are none yet the root is expanded.
 * - Evaluation target: Thompson sampling over the nodes not yet evaluated on every task (maxEvaluationsPerNode).
 *   The code samples on each node's OWN results here (utility_measures), because evaluation is spent to find the
 *   best agent, not the best ancestor; `evaluateBy: 'clade'` switches to clade counts. If no node can take another
 *   evaluation the step expands instead.
 * - Cool-down (the code's --cool_down, beta = 1): both Beta parameters are multiplied by
 *   tau = (total / (total - used))^beta, capped at 10000 (the code's value once the budget is spent). tau = 1 at the
 *   start; as used/total -> 1 the draws collapse onto their means, so the choice becomes greedy on the estimate.
 * The code runs expansions and evaluations asynchronously with pending counters; Evolab asks for one step at a
 * time, so nothing is pending when next() is called.
 */
import { z } from 'zod';
import { CodedError, parseOrThrow } from '../../shared/errors';
import type { Rng } from '../types';
import type { ArchiveNode, ArchiveTree, EvaluationCounts } from './archive-tree';
import { cladeCounts, thompsonSample } from './cmp';
import { parseStrategyState, type StrategyState } from './state';
import type { SearchBudget, SearchStep, SearchStrategy } from './types';

export interface HgmOptions {
  /** Expansion exponent. Default 0.6. */
  alpha: number;
  /** Sharpen Thompson sampling as the budget runs out. Default true. */
  coolDown: boolean;
  /** Exponent of the cool-down factor. Default 1. */
  coolDownBeta: number;
  /** Pool a node's own evaluations into its clade for expansion. Default true (paper and code). */
  cladeIncludesSelf: boolean;
  /** What the evaluation step samples on: the node's own results (default, as the code) or its clade's. */
  evaluateBy: 'own' | 'clade';
  /** Size of the task pool: a node with this many evaluations is fully evaluated. null = no limit. */
  maxEvaluationsPerNode: number | null;
}

export const hgmOptionsSchema = z.strictObject({
  alpha: z.number().positive().max(1).default(0.6),
  coolDown: z.boolean().default(true),
  coolDownBeta: z.number().positive().finite().default(1),
  cladeIncludesSelf: z.boolean().default(true),
  evaluateBy: z.enum(['own', 'clade']).default('own'),
  maxEvaluationsPerNode: z.number().int().positive().nullable().default(null),
});

export function parseHgmOptions(options: unknown, what = 'hgm options'): HgmOptions {
  return parseOrThrow(hgmOptionsSchema, options ?? {}, 'invalid_config', what);
}

/** HGM's expansion rule: expand while evaluations^alpha >= nodes. */
export function hgmShouldExpand(evaluations: number, nodes: number, alpha: number): boolean {
  return Math.pow(evaluations, alpha) >= nodes;
}

/** Largest cool-down factor: the code's value once the budget is spent. */
export const HGM_MAX_COOL_DOWN = 10000;

/** tau = (total / (total - used))^beta, capped; 1 at the start of the budget. */
export function hgmCoolDownScale(budget: SearchBudget, beta = 1): number {
  if (!(budget.total > 0)) return 1;
  const used = Math.max(0, budget.used);
  if (used >= budget.total) return HGM_MAX_COOL_DOWN;
  return Math.min(HGM_MAX_COOL_DOWN, Math.pow(budget.total / (budget.total - used), beta));
}

/** The quantities the expansion rule compares: search evaluations (root excluded) and agents made (root and rejected excluded). */
export function hgmSearchCounts(tree: ArchiveTree): { evaluations: number; nodes: number } {
  let evaluations = 0;
  let nodes = 0;
  for (const n of tree.nodes()) {
    if (n.parentId === null) continue;
    evaluations += n.evaluations.successes + n.evaluations.failures;
    if (n.status !== 'rejected') nodes++;
  }
  return { evaluations, nodes };
}

function ownTotal(n: Readonly<ArchiveNode>): number {
  return n.evaluations.successes + n.evaluations.failures;
}

/** Index of the largest Thompson draw; draws are made in candidate order so a seed replays exactly. */
function thompsonArgmax(counts: readonly EvaluationCounts[], rng: Rng, scale: number): number {
  let best = -1;
  let bestDraw = -Infinity;
  for (let i = 0; i < counts.length; i++) {
    const draw = thompsonSample(counts[i], rng, scale);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = i;
    }
  }
  return best;
}

export class HgmStrategy implements SearchStrategy {
  readonly name = 'hgm' as const;
  readonly fixedProposer = false;
  readonly options: HgmOptions;
  private steps = 0;

  constructor(options: Partial<HgmOptions> = {}) {
    this.options = parseHgmOptions(options);
  }

  next(tree: ArchiveTree, budget: SearchBudget, rng: Rng): SearchStep {
    const root = tree.root();
    if (!root) throw new CodedError('invalid_request', 'hgm: the archive is empty; add the initial agent before searching');
    const scale = this.options.coolDown ? hgmCoolDownScale(budget, this.options.coolDownBeta) : 1;
    const { evaluations, nodes } = hgmSearchCounts(tree);
    const evaluable = this.evaluable(tree);
    const step =
      hgmShouldExpand(evaluations, nodes, this.options.alpha) || evaluable.length === 0
        ? this.expand(tree, rng, scale)
        : this.evaluate(tree, evaluable, rng, scale);
    this.steps++;
    return step;
  }

  /** Parent choice alone (exported behaviour for the UI and tests): Thompson sampling on clade counts. */
  chooseParent(tree: ArchiveTree, rng: Rng, scale = 1): string {
    const candidates = tree.nodes().filter((n) => n.status === 'kept' && ownTotal(n) > 0 && n.evaluations.successes > 0);
    if (candidates.length === 0) {
      const root = tree.root();
      if (!root || root.status !== 'kept') throw new CodedError('invalid_request', 'hgm: no node can be expanded; the root is missing or rejected');
      return root.id;
    }
    const counts = candidates.map((n) => cladeCounts(tree, n.id, { includeSelf: this.options.cladeIncludesSelf }));
    return candidates[thompsonArgmax(counts, rng, scale)].id;
  }

  private expand(tree: ArchiveTree, rng: Rng, scale: number): SearchStep {
    return { kind: 'expand', parentId: this.chooseParent(tree, rng, scale) };
  }

  private evaluable(tree: ArchiveTree): Readonly<ArchiveNode>[] {
    const cap = this.options.maxEvaluationsPerNode;
    return tree.nodes().filter((n) => n.status === 'kept' && (cap === null || ownTotal(n) < cap));
  }

  private evaluate(tree: ArchiveTree, evaluable: Readonly<ArchiveNode>[], rng: Rng, scale: number): SearchStep {
    const counts = evaluable.map((n) => (this.options.evaluateBy === 'own' ? { ...n.evaluations } : cladeCounts(tree, n.id, { includeSelf: true })));
    return { kind: 'evaluate', nodeId: evaluable[thompsonArgmax(counts, rng, scale)].id };
  }

  getState(): StrategyState {
    return { version: 1, strategy: this.name, steps: this.steps };
  }

  setState(s: unknown): void {
    this.steps = parseStrategyState(this.name, s).steps;
  }
}
