/**
 * The proposal protocol the governed round and the archive share, written once: how a self-modification becomes a
 * proposal (the gate's outcome, or the ungated ablation's), the two audit entries every proposal starts with (the
 * agent proposed it; the gate, or the agent without one, acted on it), a protected invariant never applied even
 * ungated, and the proposal as the contract shows it. What differs is each loop's own ablation rule.
 */
import type { Flag, Proposal } from '../../shared/oversight';
import type { NewProposal, StoredProposal } from '../store/oversight-store';
import type { Store } from '../store/store';
import type { GateOutcome } from './gate';

export const AGENT = 'agent';

/** An ungated outcome (the ablation without a gate). */
export type UngatedOutcome = { action: 'ungated'; status: 'approved' | 'rejected'; reason: string };

/** Without a gate, a change to a protected invariant still cannot be applied: they are outside the genome. */
export function protectedRejection(flags: Flag[]): UngatedOutcome | null {
  return flags.some((f) => f.kind === 'protected-invariant')
    ? { action: 'ungated', status: 'rejected', reason: 'cannot be applied: protected invariants are outside the genome' }
    : null;
}

/**
 * Stores the proposal with its first two audit entries, in one transaction (inside the caller's, when it has one).
 * `detail` is what the 'proposed' entry records beyond the change itself (the archive's node and parent, say).
 */
export function recordProposal(
  store: Store,
  p: Omit<NewProposal, 'gate' | 'status'>,
  outcome: GateOutcome | UngatedOutcome,
  gated: boolean,
  proposedReason: string,
  detail: Record<string, unknown> = {},
): StoredProposal {
  return store.oversight.insertProposal({ ...p, gate: { action: outcome.action, reason: outcome.reason }, status: outcome.status }, [
    {
      actor: AGENT,
      action: 'proposed',
      reason: proposedReason,
      detail: { ...detail, kind: p.kind, pathway: p.pathway, size: p.size, changes: p.changes, flags: p.evidence.flags },
    },
    {
      actor: gated ? 'gate' : AGENT,
      action: outcome.action === 'ungated' ? (outcome.status === 'approved' ? 'ungated-applied' : 'auto-rejected') : outcome.action,
      reason: outcome.reason,
      detail: null,
    },
  ]);
}

/** The proposal as the contract shows it: without the workspace path of its child's checkpoint. */
export function publicProposal(p: StoredProposal): Proposal {
  const { checkpoint: _checkpoint, ...rest } = p;
  return rest;
}
