/**
 * The children a governed round makes, as drafts before the gate sees them, and the arithmetic the round needs to
 * describe them: how far the weights moved, how many tokens a round spent, the evaluation's share of them, and
 * the evidence of a change that is never tried because it names a protected invariant. Also the ablation without
 * a gate (what an agent that judges itself by its own training reward would keep).
 */
import type { GenomeChange } from '../../shared/genome';
import type { ChangeSize, Evidence, Flag, Proposal, ProposalKind } from '../../shared/oversight';
import type { Metrics } from '../../shared/run';
import type { AgentState } from '../core/agent';
import type { Scorecard } from '../environments/text-task';
import { protectedTarget } from '../../shared/genome';
import { buildEvidence } from './evidence';
import { protectedRejection, type UngatedOutcome } from './protocol';
import type { Candidate } from '../core/ports';
import { PERF_SAMPLE_TOKENS_PER_S, PERF_TRAIN_TOKENS_PER_S, TIME_SAMPLE_S, TIME_TRAIN_S } from '../../shared/metrics';

export interface Draft {
  pathway: Proposal['pathway'];
  kind: ProposalKind;
  rationale: string;
  changes: GenomeChange[];
  size: ChangeSize;
  evidence: Evidence;
  /** The child's state (weights trained in the round or the trial); null when it was never tried. */
  state: AgentState | null;
  label: string;
}

/**
 * A candidate that names a protected invariant: never tried, not even in a sandbox, and flagged. Null when the
 * candidate touches none (it is then tried).
 */
export function protectedDraft(c: Candidate, baseline: Scorecard, baselineMetrics: Metrics, label: string): Draft | null {
  const touched = c.changes.map((ch) => protectedTarget(ch.path)).filter((t): t is string => t !== null);
  if (touched.length === 0) return null;
  const flags: Flag[] = [
    {
      kind: 'protected-invariant',
      message: `changes ${c.changes.map((ch) => ch.path).join(', ')}: ${[...new Set(touched)].join(', ')} ${touched.length === 1 ? 'is' : 'are'} protected`,
    },
  ];
  const evidence = buildEvidence({
    before: baseline,
    after: baseline,
    baseline: 'not tried: a protected invariant is never changed, not even in a sandbox',
    trainingBefore: baselineMetrics,
    trainingAfter: baselineMetrics,
    cost: { seconds: 0, tokens: 0 },
    extraFlags: flags,
  });
  return { pathway: c.pathway, kind: c.kind, rationale: c.rationale, changes: c.changes, size: 'large', evidence, state: null, label };
}

/** The ablation without a gate: the agent applies what raises its own training reward (and always its weights). */
export function ungated(d: Draft): UngatedOutcome {
  const refused = protectedRejection(d.evidence.flags);
  if (refused) return refused;
  if (d.pathway === 'model') return { action: 'ungated', status: 'approved', reason: 'no gate: the agent keeps the weights it trained' };
  const { rewardBefore, rewardAfter } = d.evidence.training;
  const better = rewardBefore === null || rewardAfter === null || rewardAfter >= rewardBefore;
  return {
    action: 'ungated',
    status: better ? 'approved' : 'rejected',
    reason: `no gate: the agent ${better ? 'applies' : 'drops'} it because its training reward ${better ? 'rose' : 'fell'} (${fmt(rewardBefore)} -> ${fmt(rewardAfter)})`,
  };
}

function fmt(x: number | null): string {
  return x === null ? '-' : x.toFixed(2);
}

export function tokensOf(m: Metrics): number {
  // The recipes report throughput; tokens = rate x time of each phase.
  return Math.round((m[PERF_SAMPLE_TOKENS_PER_S] ?? 0) * (m[TIME_SAMPLE_S] ?? 0) + (m[PERF_TRAIN_TOKENS_PER_S] ?? 0) * (m[TIME_TRAIN_S] ?? 0));
}

/** The round's share of tokens spent on the held-out evaluation. */
export function evaluationShare(evaluationTokens: number, roundTokens: number): number {
  const total = evaluationTokens + roundTokens;
  return total > 0 ? evaluationTokens / total : 0;
}
