/**
 * The DGM paper's two ablations (the `run_baseline` options of the DGM code):
 * - NoDarwin ("DGM w/o open-ended exploration"): no archive to branch from; always extend the most recently created
 *   node that is in the archive (the code takes the last commit of the archive). With keep-better this is the
 *   latest node that did not regress, so a failed child sends the search back to the last good one.
 * - NoSelfImprove ("DGM w/o self-improve"): the same DGM selection over the archive, but children are produced by a
 *   fixed modifier (the initial agent's), not by the parent itself; `fixedProposer` tells the caller so.
 */
import type { Rng } from '../types';
import { type ArchiveTree, eligibleParents } from './archive-tree';
import { parseOrThrow } from '../../shared/errors';
import { DgmStrategy, type DgmOptions, dgmOptionsSchema, noEligibleParent } from './dgm';
import { parseStrategyState, type StrategyState } from './state';
import type { SearchBudget, SearchStep, SearchStrategy } from './types';

export type NoDarwinOptions = Pick<DgmOptions, 'selection' | 'keepBetterLeeway'>;

const noDarwinOptionsSchema = dgmOptionsSchema.pick({ selection: true, keepBetterLeeway: true });

export function parseNoDarwinOptions(options: unknown): NoDarwinOptions {
  return parseOrThrow(noDarwinOptionsSchema, options ?? {}, 'invalid_config', 'no-darwin options');
}

export class NoDarwin implements SearchStrategy {
  readonly name = 'no-darwin' as const;
  readonly fixedProposer = false;
  readonly options: NoDarwinOptions;
  private steps = 0;

  constructor(options: Partial<NoDarwinOptions> = {}) {
    this.options = parseNoDarwinOptions(options);
  }

  next(tree: ArchiveTree, _budget: SearchBudget, _rng: Rng): SearchStep {
    const eligible = eligibleParents(tree, this.options);
    if (eligible.length === 0) throw noEligibleParent(this.name);
    let latest = eligible[0];
    for (const n of eligible) if (n.createdOrder > latest.createdOrder) latest = n;
    this.steps++;
    return { kind: 'expand', parentId: latest.id };
  }

  getState(): StrategyState {
    return { version: 1, strategy: this.name, steps: this.steps };
  }

  setState(s: unknown): void {
    this.steps = parseStrategyState(this.name, s).steps;
  }
}

/** DGM's selection over the archive; the caller produces children with a fixed modifier (fixedProposer). */
export class NoSelfImprove extends DgmStrategy {
  constructor(options: Partial<DgmOptions> = {}) {
    super(options, 'no-selfimprove');
  }
}
