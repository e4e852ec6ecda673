import type { RequestOutput } from '../../shared/contract';
import { CodedError } from '../../shared/errors';
import { ApprovalPolicy, POLICY_PRESETS, type DecisionInput, type PolicyPresetName } from '../../shared/oversight';
import type { Emit, Runner } from '../runner';
import type { Store } from '../store/store';
import { personActor } from './actor';
import { auditExport } from './audit-report';
import { publicProposal } from './protocol';

/** A policy given by name (default, auto, ask, archive) or in full. */
export function resolvePolicy(policy: PolicyPresetName | ApprovalPolicy): ApprovalPolicy {
  return typeof policy === 'string' ? POLICY_PRESETS[policy] : ApprovalPolicy.parse(policy);
}

/**
 * The oversight requests of the contract. Approve and reject are written straight to the workspace (any
 * process may decide) and the active run is nudged; edit-and-approve re-runs the evidence, which needs the engine
 * that runs the proposal's run.
 */
export async function decide(store: Store, active: Runner | null, emit: Emit, input: DecisionInput): Promise<RequestOutput<'proposals.decide'>> {
  const actor = personActor(input.actor);
  const proposal = store.oversight.requireProposal(input.id);
  const reason = input.reason?.trim() || null;
  if (input.decision === 'edit') {
    if (store.runConfig(proposal.runId).archive.enabled) {
      throw new CodedError(
        'invalid_request',
        `Proposal ${input.id} is a child of an archive run: it is an agent already made and evaluated, so it can be approved or rejected but not edited.`,
        [{ path: 'decision', message: 'use approve or reject for an archive child' }],
      );
    }
    const loop = active?.runId === proposal.runId ? active.oversight : null;
    if (!loop) {
      throw new CodedError(
        'invalid_request',
        `Editing re-runs the evidence in the engine of run ${proposal.runId}, which is not running. Resume the run, or approve or reject the proposal as it is.`,
        [{ path: 'decision', message: 'edit needs the run to be active' }],
      );
    }
    return publicProposal(await loop.requestEdit(input.id, input.changes ?? [], actor, reason));
  }
  const decided = store.oversight.decide(input.id, input.decision, actor, reason);
  const output = publicProposal(decided);
  emit('proposal.decided', output);
  if (active?.runId === decided.runId) active.poke();
  return output;
}

export function oversightState(store: Store, runId: string): RequestOutput<'oversight.state'> {
  const config = store.runConfig(runId);
  return {
    enabled: config.oversight.enabled,
    genome: store.oversight.genome(runId),
    estimates: store.oversight.estimates(runId),
    pending: store.oversight.listProposals({ runId, status: 'pending' }).length,
    policy: store.oversight.runPolicy(runId),
  };
}

export function auditList(store: Store, runId: string): RequestOutput<'audit.list'> {
  store.requireRun(runId);
  return { entries: store.oversight.auditEntries(runId), verification: store.verifyAudit(runId) };
}

export function exportAudit(store: Store, runId: string, format: 'json' | 'md'): RequestOutput<'audit.export'> {
  store.requireRun(runId);
  return auditExport(store, runId, format);
}
