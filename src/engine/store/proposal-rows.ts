/** The proposals table's rows and their conversion to the contract's Proposal and to what audit verification reads. */
import type { GenomeChange, Pathway } from '../../shared/genome';
import type { ChangeSize, Evidence, Proposal, ProposalKind, ProposalStatus } from '../../shared/oversight';
import type { ProposalRecord } from './audit-verify';

export interface ProposalRow {
  id: string;
  run_id: string;
  iteration: number;
  pathway: Pathway;
  kind: ProposalKind;
  size: ChangeSize;
  rationale: string;
  changes: string;
  evidence: string;
  evidence_hash: string;
  status: ProposalStatus;
  gate_action: Proposal['gate']['action'];
  gate_reason: string;
  checkpoint: string | null;
  decided_by: string | null;
  reason: string | null;
  created_at: string;
  decided_at: string | null;
}

export function toProposal(row: ProposalRow): StoredProposal {
  return {
    id: row.id,
    runId: row.run_id,
    iteration: row.iteration,
    pathway: row.pathway,
    kind: row.kind,
    size: row.size,
    rationale: row.rationale,
    changes: JSON.parse(row.changes) as GenomeChange[],
    evidence: JSON.parse(row.evidence) as Evidence,
    evidenceHash: row.evidence_hash,
    status: row.status,
    gate: { action: row.gate_action, reason: row.gate_reason },
    decidedBy: row.decided_by,
    reason: row.reason,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    checkpoint: row.checkpoint,
  };
}

export type StoredProposal = Proposal & { checkpoint: string | null };

/** The row as audit verification reads it; a column that does not parse is named, not thrown. */
export function toRecord(row: ProposalRow): ProposalRecord {
  const record: ProposalRecord = {
    id: row.id,
    runId: row.run_id,
    status: row.status,
    decidedBy: row.decided_by,
    reason: row.reason,
    changes: null,
    evidence: null,
    evidenceHash: row.evidence_hash,
  };
  for (const column of ['changes', 'evidence'] as const) {
    try {
      record[column] = JSON.parse(row[column]) as unknown;
    } catch {
      record.unreadable ??= column;
    }
  }
  return record;
}
