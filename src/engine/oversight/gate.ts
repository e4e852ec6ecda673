import type { Pathway } from '../../shared/genome';
import type { ApprovalPolicy, ChangeSize, Evidence, Proposal, ProposalStatus } from '../../shared/oversight';

export interface GateInput {
  pathway: Pathway;
  size: ChangeSize;
  evidence: Evidence;
}

export interface GateOutcome {
  action: Proposal['gate']['action'];
  status: ProposalStatus;
  reason: string;
}

/**
 * The gate: the approval policy applied to one proposal. Pure, and outside everything a genome can express:
 * the policy comes from the person (requests, the CLI), never from a proposal. In order:
 *  1. a change to a protected invariant is rejected, whatever the policy says;
 *  2. `deny` rejects; `ask` holds for a person;
 *  3. `auto` approves only within bounds: a flagged proposal goes to a person (or is rejected, per `flagged`); a
 *     flag judged on too few to be sure (its interval reaches the no-problem side) counts as one unless the policy
 *     says `inconclusiveFlags: ignore`; a check that could not be computed is never read as passed: the proposal goes
 *     to a person, or per `unchecked` is rejected or approved with the missing checks named; and one whose held-out
 *     score falls by more than maxHeldoutDrop goes to a person;
 *  4. under an `unattended` policy nobody answers: what would be held is rejected, with the reason it would have waited.
 */
export function gate(input: GateInput, policy: ApprovalPolicy): GateOutcome {
  const outcome = judge(input, policy);
  if (outcome.status !== 'pending' || !policy.unattended) return outcome;
  return {
    action: 'auto-rejected',
    status: 'rejected',
    reason: `unattended policy, nobody will decide, so it is rejected; it would have waited: ${outcome.reason}`,
  };
}

function judge(input: GateInput, policy: ApprovalPolicy): GateOutcome {
  const protectedFlag = input.evidence.flags.find((f) => f.kind === 'protected-invariant');
  if (protectedFlag) return { action: 'auto-rejected', status: 'rejected', reason: `protected invariant: ${protectedFlag.message}` };
  const rule = policy.rules[input.pathway][input.size];
  const what = `${input.size} ${input.pathway} change`;
  if (rule === 'deny') return { action: 'auto-rejected', status: 'rejected', reason: `the approval policy denies a ${what}` };
  if (rule === 'ask') return { action: 'held', status: 'pending', reason: `the approval policy asks a person for a ${what}` };
  const ignored = policy.inconclusiveFlags === 'ignore' ? input.evidence.flags.filter((f) => f.conclusive === false) : [];
  const flags = input.evidence.flags.filter((f) => !ignored.includes(f));
  if (flags.length > 0) {
    const kinds = [...new Set(flags.map((f) => f.kind))].join(', ');
    return policy.flagged === 'deny'
      ? { action: 'auto-rejected', status: 'rejected', reason: `flagged (${kinds}) and the policy rejects flagged changes` }
      : { action: 'held', status: 'pending', reason: `a ${what} would be approved automatically, but it is flagged (${kinds}): a person decides` };
  }
  const unchecked = input.evidence.unchecked ?? [];
  const missing = unchecked.map((u) => `${u.check} (${u.reason})`).join('; ');
  if (unchecked.length > 0 && policy.unchecked === 'ask')
    return { action: 'held', status: 'pending', reason: `not every check could be computed, and missing evidence is not clean: ${missing}; a person decides` };
  if (unchecked.length > 0 && policy.unchecked === 'deny')
    return { action: 'auto-rejected', status: 'rejected', reason: `not every check could be computed (${missing}) and the policy rejects unchecked changes` };
  const drop = -input.evidence.heldout.delta.value;
  if (drop > policy.maxHeldoutDrop) {
    return {
      action: 'held',
      status: 'pending',
      reason: `held-out accuracy falls by ${drop.toFixed(3)}, more than the bound ${policy.maxHeldoutDrop} for automatic approval: a person decides`,
    };
  }
  const delta = input.evidence.heldout.delta.value;
  const notes = [
    unchecked.length > 0 ? `approved without checking ${missing}, as the policy allows (unchecked: allow)` : 'no flags',
    ...ignored.map((f) => `inconclusive ${f.kind} flag ignored, as the policy allows: ${f.message}`),
  ];
  return {
    action: 'auto-approved',
    status: 'approved',
    reason: `a ${what} within bounds (held-out change ${delta >= 0 ? '+' : ''}${delta.toFixed(3)}, ${notes.join('; ')})`,
  };
}
