/**
 * Darwin Gödel Machine parent selection (Zhang et al. 2025; the `score_child_prop` method of the DGM code's
 * choose_selfimproves). Each eligible archive node a gets weight
 *
 *   w(a) = sigmoid(lambda * (score(a) - alpha0)) * 1 / (1 + n_children(a)),   lambda = 10, alpha0 = 0.5,
 *
 * and the parent is drawn with probability w(a) / sum w. The strategy always expands: evaluation is staged per child
 * (staged.ts), never a separate step.
 *
 * Choices, following the code where the paper is silent:
 * - n_children(a) counts a's children that are themselves in the archive (eligible parents), as the code counts only
 *   archive members whose parent_commit is a; children rejected by the gate or still being evaluated do not count.
 * - A child that failed the staged check is a candidate with its small-set score, as the code keeps it in the archive
 *   with the accuracy of the small set it was evaluated on: it counts as a child of its parent, and its low score
 *   gives it a low weight. Nodes not evaluated at all are not candidates.
 * - keep-all vs keep-better is the `selection` option; keep-better compares with the initial agent's score minus 0.1,
 *   as the code does (archive-tree.ts).
 */
import { z } from 'zod';
import { CodedError, parseOrThrow } from '../../shared/errors';
import type { Rng } from '../types';
import {
  type ArchiveNode,
  type ArchiveSelection,
  type ArchiveTree,
  eligibleParents,
  isEligibleParent,
  KEEP_BETTER_LEEWAY,
  selectionScore,
} from './archive-tree';
import { parseStrategyState, sampleIndex, type StrategyState } from './state';
import type { SearchBudget, SearchStep, SearchStrategy } from './types';

export interface DgmOptions {
  /** Sigmoid sharpness. Default 10. */
  lambda: number;
  /** Score at which the sigmoid is 1/2. Default 0.5. */
  alpha0: number;
  selection: ArchiveSelection;
  /** keep-better only: tolerated drop below the initial agent's score. Default 0.1 (the code's noise_leeway). */
  keepBetterLeeway: number;
}

export const dgmOptionsSchema = z.strictObject({
  lambda: z.number().positive().finite().default(10),
  alpha0: z.number().min(0).max(1).default(0.5),
  selection: z.enum(['keep-all', 'keep-better']).default('keep-all'),
  keepBetterLeeway: z.number().min(0).max(1).default(KEEP_BETTER_LEEWAY),
});

export function parseDgmOptions(options: unknown, what = 'dgm options'): DgmOptions {
  return parseOrThrow(dgmOptionsSchema, options ?? {}, 'invalid_config', what);
}

export interface ParentWeight {
  id: string;
  /** sigmoid(lambda * (score - alpha0)) */
  scoreFactor: number;
  /** 1 / (1 + n_children) */
  childFactor: number;
  weight: number;
  /** weight / sum of weights */
  probability: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The DGM parent distribution over the archive's eligible nodes, in creation order. */
export function dgmParentWeights(tree: ArchiveTree, opts: Partial<DgmOptions> = {}): ParentWeight[] {
  const o = parseDgmOptions(opts);
  const candidates = eligibleParents(tree, o);
  const rows = candidates.map((node: Readonly<ArchiveNode>) => {
    const archivedChildren = tree.childrenOf(node.id).filter((c) => isEligibleParent(tree, c, o)).length;
    const scoreFactor = sigmoid(o.lambda * ((selectionScore(node) as number) - o.alpha0));
    const childFactor = 1 / (1 + archivedChildren);
    return { id: node.id, scoreFactor, childFactor, weight: scoreFactor * childFactor, probability: 0 };
  });
  const total = rows.reduce((s, r) => s + r.weight, 0);
  for (const r of rows) r.probability = r.weight / total;
  return rows;
}

export function noEligibleParent(strategy: string): CodedError {
  return new CodedError(
    'invalid_request',
    `${strategy}: the archive has no eligible parent; add the initial agent as a kept node with a full score before searching`,
  );
}

/** Draws a parent with the DGM weights using one Rng draw. */
export function sampleDgmParent(tree: ArchiveTree, options: DgmOptions, rng: Rng, strategy: string): string {
  const rows = dgmParentWeights(tree, options);
  if (rows.length === 0) throw noEligibleParent(strategy);
  return rows[
    sampleIndex(
      rows.map((r) => r.weight),
      rng.next(),
    )
  ].id;
}

export class DgmStrategy implements SearchStrategy {
  readonly name: 'dgm' | 'no-selfimprove';
  readonly fixedProposer: boolean;
  readonly options: DgmOptions;
  private steps = 0;

  /** `no-selfimprove` is the same selection with a fixed modifier (see baselines.ts). */
  constructor(options: Partial<DgmOptions> = {}, variant: 'dgm' | 'no-selfimprove' = 'dgm') {
    this.name = variant;
    this.fixedProposer = variant === 'no-selfimprove';
    this.options = parseDgmOptions(options, `${variant} options`);
  }

  next(tree: ArchiveTree, _budget: SearchBudget, rng: Rng): SearchStep {
    const parentId = sampleDgmParent(tree, this.options, rng, this.name);
    this.steps++;
    return { kind: 'expand', parentId };
  }

  getState(): StrategyState {
    return { version: 1, strategy: this.name, steps: this.steps };
  }

  setState(s: unknown): void {
    this.steps = parseStrategyState(this.name, s).steps;
  }
}
