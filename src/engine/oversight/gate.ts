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
 *  3. `auto` approves only within bounds: a flagged proposal goes to a person (or is rejected, per `flagged`), and
 *     so does one whose held-out score falls by more than maxHeldoutDrop.
 */
export function gate(input: GateInput, policy: ApprovalPolicy): GateOutcome {
  const protectedFlag = input.evidence.flags.find((f) => f.kind === 'protected-invariant');
  if (protectedFlag) return { action: 'auto-rejected', status: 'rejected', reason: `protected invariant: ${protectedFlag.message}` };
  const rule = policy.rules[input.pathway][input.size];
  const what = `${input.size} ${input.pathway} change`;
  if (rule === 'deny') return { action: 'auto-rejected', status: 'rejected', reason: `the approval policy denies a ${what}` };
  if (rule === 'ask') return { action: 'held', status: 'pending', reason: `the approval policy asks a person for a ${what}` };
  const flags = input.evidence.flags;
  if (flags.length > 0) {
    const kinds = [...new Set(flags.map((f) => f.kind))].join(', ');
    return policy.flagged === 'deny'
      ? { action: 'auto-rejected', status: 'rejected', reason: `flagged (${kinds}) and the policy rejects flagged changes` }
      : { action: 'held', status: 'pending', reason: `a ${what} would be approved automatically, but it is flagged (${kinds}): a person decides` };
  }
  const drop = -input.evidence.heldout.delta.value;
  if (drop > policy.maxHeldoutDrop) {
    return {
      action: 'held',
      status: 'pending',
      reason: `held-out accuracy falls by ${drop.toFixed(3)}, more than the bound ${policy.maxHeldoutDrop} for automatic approval: a person decides`,
    };
  }
  return {
    action: 'auto-approved',
    status: 'approved',
    reason: `a ${what} within bounds (held-out change ${input.evidence.heldout.delta.value >= 0 ? '+' : ''}${input.evidence.heldout.delta.value.toFixed(3)}, no flags)`,
  };
}
