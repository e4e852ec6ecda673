/** The contract between the evolution loop and a search strategy over the archive. */
import type { Rng } from '../types';
import type { ArchiveTree } from './archive-tree';

export type StrategyName = 'dgm' | 'hgm' | 'no-darwin' | 'no-selfimprove';

/**
 * 'expand': make a child of `parentId` (a self-modification) and add it to the archive.
 * 'evaluate': spend budget evaluating the existing node `nodeId` on more tasks (HGM only).
 */
export type SearchStep = { kind: 'expand'; parentId: string } | { kind: 'evaluate'; nodeId: string };

export interface SearchBudget {
  /** Budget spent so far, in the caller's unit (task evaluations for HGM). */
  used: number;
  total: number;
}

export interface SearchStrategy {
  readonly name: StrategyName;
  /** True when the caller must produce children with a fixed modifier instead of the agent's own proposer. */
  readonly fixedProposer: boolean;
  /** What to do next given the archive and the budget used so far. */
  next(tree: ArchiveTree, budget: SearchBudget, rng: Rng): SearchStep;
  getState(): unknown;
  setState(s: unknown): void;
}
