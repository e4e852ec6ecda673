/** The archive search strategies, by name. */
import { CodedError } from '../../shared/errors';
import { NoDarwin, NoSelfImprove, parseNoDarwinOptions } from './baselines';
import { DgmStrategy, parseDgmOptions } from './dgm';
import { HgmStrategy, parseHgmOptions } from './hgm';
import type { SearchStrategy, StrategyName } from './types';

export const STRATEGY_NAMES: readonly StrategyName[] = ['dgm', 'hgm', 'no-darwin', 'no-selfimprove'];

/**
 * Builds a strategy from its name and options (validated: an unknown or out-of-range option is an invalid_config
 * error naming the field). Options: dgm and no-selfimprove take DgmOptions, hgm HgmOptions, no-darwin
 * { selection, keepBetterLeeway }.
 */
export function createStrategy(name: StrategyName, options: unknown = {}): SearchStrategy {
  switch (name) {
    case 'dgm':
      return new DgmStrategy(parseDgmOptions(options));
    case 'hgm':
      return new HgmStrategy(parseHgmOptions(options));
    case 'no-darwin':
      return new NoDarwin(parseNoDarwinOptions(options));
    case 'no-selfimprove':
      return new NoSelfImprove(parseDgmOptions(options, 'no-selfimprove options'));
    default:
      throw new CodedError('invalid_config', `unknown search strategy "${String(name)}"; use one of ${STRATEGY_NAMES.join(', ')}`, [
        { path: 'strategy', message: `must be one of ${STRATEGY_NAMES.join(', ')}` },
      ]);
  }
}

export { ArchiveTree, eligibleParents, isEligibleParent } from './archive-tree';
export type { ArchiveNode, ArchiveSelection, ArchiveTreeJson, EvaluationCounts, NodeStatus, NodeUpdate } from './archive-tree';
export { cladeCounts, cmpEstimate, thompsonSample } from './cmp';
export type { CladeOptions, CmpEstimate } from './cmp';
export { betaCdf, betaQuantile, sampleBeta, sampleGamma } from './beta';
export { DgmStrategy, dgmParentWeights } from './dgm';
export type { DgmOptions, ParentWeight } from './dgm';
export { HgmStrategy, hgmCoolDownScale, hgmSearchCounts, hgmShouldExpand } from './hgm';
export type { HgmOptions } from './hgm';
export { NoDarwin, NoSelfImprove } from './baselines';
export { stagedDecision } from './staged';
export type { StagedDecision, StagedOptions } from './staged';
export type { SearchBudget, SearchStep, SearchStrategy, StrategyName } from './types';
