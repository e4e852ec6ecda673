import type Database from 'better-sqlite3';
import { CodedError } from '../../shared/errors';
import type { Genome, GenomeChange, Pathway } from '../../shared/genome';
import {
  ACTOR_RULE,
  ApprovalPolicy,
  effectOf,
  DEFAULT_POLICY,
  isValidActorName,
  type AuditEntry,
  type AuditHead,
  type AuditVerification,
  type ChangeSize,
  type Evidence,
  type Proposal,
  type ProposalKind,
  type ProposalStatus,
  type ProposerEstimate,
} from '../../shared/oversight';
import { evidenceHashOf } from './audit-chain';
import { AuditLog, type NewAuditEntry } from './audit-log';
import { toProposal, toRecord, type ProposalRow, type StoredProposal } from './proposal-rows';
import { ratingRecords } from './rating-store';

export { auditHash, canonicalJson, GENESIS_HASH, sha256 } from './audit-chain';

/** What the runner inserts; the store adds ids, timestamps and hashes. */
export interface NewProposal {
  runId: string;
  iteration: number;
  pathway: Pathway;
  kind: ProposalKind;
  size: ChangeSize;
  rationale: string;
  changes: GenomeChange[];
  evidence: Evidence;
  /** The child's checkpoint (relative to the workspace), so the decision can be applied after a restart. */
  checkpoint: string | null;
  gate: Proposal['gate'];
  status: ProposalStatus;
}

export type { NewAuditEntry } from './audit-log';
export type { StoredProposal } from './proposal-rows';

export interface ProposalQuery {
  runId?: string;
  status?: ProposalStatus | 'decided';
  limit?: number;
}

/**
 * Proposals, decisions, the approval policy and the audit log, in the workspace database. Several processes
 * may write at once (an engine and `evolab decide` in another terminal): every write that reads first runs in an
 * IMMEDIATE transaction, which takes SQLite's write lock before reading, so two deciders cannot both decide the
 * same proposal and two appenders cannot chain to the same previous entry. The database runs with
 * synchronous=FULL: a committed entry survives a kill or a power cut.
 */
export class OversightStore {
  private readonly log: AuditLog;

  constructor(
    private readonly db: Database.Database,
    /** The workspace folder, where the head file lives beside the database. */
    workspace: string,
  ) {
    this.log = new AuditLog(db, workspace);
  }

  /** The log itself, for the other writers of audited rows (a person's choices on pairs: rating-store.ts). */
  get auditLog(): AuditLog {
    return this.log;
  }

  // ---- Proposals ----

  insertProposal(p: NewProposal, audit: Array<Omit<NewAuditEntry, 'runId' | 'proposalId' | 'evidenceHash'>>): StoredProposal {
    const evidenceHash = evidenceHashOf(p.changes, p.evidence);
    const id = this.log.write(() => {
      const n = this.db.prepare('SELECT COUNT(*) FROM proposals WHERE run_id = ?').pluck().get(p.runId) as number;
      const id = `${p.runId}-p${n + 1}`;
      const now = new Date().toISOString();
      const decided = p.status !== 'pending';
      this.db
        .prepare(
          `INSERT INTO proposals (id, run_id, iteration, pathway, kind, size, rationale, changes, evidence, evidence_hash, status, gate_action, gate_reason, checkpoint, decided_by, reason, created_at, decided_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          p.runId,
          p.iteration,
          p.pathway,
          p.kind,
          p.size,
          p.rationale,
          JSON.stringify(p.changes),
          JSON.stringify(p.evidence),
          evidenceHash,
          p.status,
          p.gate.action,
          p.gate.reason,
          p.checkpoint,
          decided ? 'gate' : null,
          decided ? p.gate.reason : null,
          now,
          decided ? now : null,
        );
      for (const entry of audit) this.log.appendInTransaction({ ...entry, runId: p.runId, proposalId: id, evidenceHash });
      return id;
    });
    return this.requireProposal(id);
  }

  getProposal(id: string): StoredProposal | undefined {
    const row = this.db.prepare('SELECT * FROM proposals WHERE id = ?').get(id) as ProposalRow | undefined;
    return row ? toProposal(row) : undefined;
  }

  requireProposal(id: string): StoredProposal {
    const p = this.getProposal(id);
    if (!p) throw new CodedError('unknown_proposal', `No proposal with id "${id}" in this workspace. List proposals with \`evolab proposals\`.`);
    return p;
  }

  listProposals(query: ProposalQuery = {}): StoredProposal[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.runId) {
      where.push('run_id = ?');
      args.push(query.runId);
    }
    if (query.status === 'decided') where.push("status <> 'pending'");
    else if (query.status) {
      where.push('status = ?');
      args.push(query.status);
    }
    const sql = `SELECT * FROM proposals ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, query.limit ?? 1000) as ProposalRow[]).map(toProposal);
  }

  /** The proposal whose child is kept at `checkpoint` (relative path), if any: a redone step finds its own. */
  proposalByCheckpoint(runId: string, checkpoint: string): StoredProposal | undefined {
    const row = this.db.prepare('SELECT * FROM proposals WHERE run_id = ? AND checkpoint = ? LIMIT 1').get(runId, checkpoint) as ProposalRow | undefined;
    return row ? toProposal(row) : undefined;
  }

  pendingCount(): number {
    return this.db.prepare("SELECT COUNT(*) FROM proposals WHERE status = 'pending'").pluck().get() as number;
  }

  /**
   * A person's decision: approve or reject a pending proposal, in one transaction with its audit entry.
   * Refuses a proposal that is no longer pending (someone else decided first) with a clear error.
   */
  decide(id: string, decision: 'approve' | 'reject', actor: string, reason: string | null): StoredProposal {
    checkActor(actor);
    this.log.write(() => {
      const p = this.requireProposal(id);
      if (p.status !== 'pending') {
        throw new CodedError(
          'already_decided',
          `Proposal ${id} is already ${p.status}${p.decidedBy ? ` (by ${p.decidedBy})` : ''}; only pending proposals can be decided.`,
        );
      }
      const status: ProposalStatus = decision === 'approve' ? 'approved' : 'rejected';
      this.db
        .prepare('UPDATE proposals SET status = ?, decided_by = ?, reason = ?, decided_at = ? WHERE id = ?')
        .run(status, actor, reason, new Date().toISOString(), id);
      this.log.appendInTransaction({
        runId: p.runId,
        actor,
        action: status,
        proposalId: id,
        evidenceHash: p.evidenceHash,
        reason,
        // What approving does, as the card showed it (see effectOf): the log records the effect, not only the diff.
        detail: status === 'approved' ? { changes: p.changes, effect: effectOf(p) } : { changes: p.changes },
      });
    });
    return this.requireProposal(id);
  }

  /** Edit-and-approve: the person's values replace the proposal's, with the evidence re-run on them. */
  editAndApprove(
    id: string,
    actor: string,
    reason: string | null,
    changes: GenomeChange[],
    evidence: Evidence,
    size: ChangeSize,
    checkpoint?: string | null,
  ): StoredProposal {
    checkActor(actor);
    this.log.write(() => {
      const p = this.requireProposal(id);
      if (p.status !== 'pending') throw new CodedError('already_decided', `Proposal ${id} is already ${p.status}; only pending proposals can be edited.`);
      const evidenceHash = evidenceHashOf(changes, evidence);
      this.db
        .prepare(
          "UPDATE proposals SET status = 'approved', changes = ?, evidence = ?, evidence_hash = ?, size = ?, checkpoint = ?, decided_by = ?, reason = ?, decided_at = ? WHERE id = ?",
        )
        .run(
          JSON.stringify(changes),
          JSON.stringify(evidence),
          evidenceHash,
          size,
          checkpoint === undefined ? p.checkpoint : checkpoint,
          actor,
          reason,
          new Date().toISOString(),
          id,
        );
      this.log.appendInTransaction({
        runId: p.runId,
        actor,
        action: 'edited',
        proposalId: id,
        evidenceHash,
        reason,
        detail: { before: p.changes, after: changes, previousEvidenceHash: p.evidenceHash },
      });
    });
    return this.requireProposal(id);
  }

  /** Marks approved proposals applied (or superseded) with their audit entries, in one transaction. */
  settle(runId: string, outcomes: Array<{ id: string; status: 'applied' | 'superseded'; reason: string }>): void {
    if (outcomes.length === 0) return;
    this.log.write(() => {
      for (const o of outcomes) {
        const p = this.requireProposal(o.id);
        if (p.status === o.status) continue; // applying twice (after a crash between checkpoint and commit) is a no-op
        this.db.prepare('UPDATE proposals SET status = ? WHERE id = ?').run(o.status, o.id);
        this.log.appendInTransaction({
          runId,
          actor: 'engine',
          action: o.status,
          proposalId: o.id,
          evidenceHash: p.evidenceHash,
          reason: o.reason,
          detail: null,
        });
      }
    });
  }

  deleteProposals(runId: string): void {
    this.db.prepare('DELETE FROM proposals WHERE run_id = ?').run(runId);
  }

  /** The proposer's estimate per kind: Beta(2 + approvals, 1 + rejections) from the person's decisions in the run. */
  estimates(runId: string): ProposerEstimate[] {
    const rows = this.db
      .prepare(
        `SELECT kind,
                SUM(CASE WHEN status IN ('approved', 'applied', 'superseded') THEN 1 ELSE 0 END) AS approved,
                SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END) AS rejected
         FROM proposals WHERE run_id = ? AND decided_by LIKE 'person:%' GROUP BY kind`,
      )
      .all(runId) as Array<{ kind: ProposalKind; approved: number; rejected: number }>;
    return rows.map((r) => ({ kind: r.kind, ...betaSummary(r.approved, r.rejected) }));
  }

  // ---- The agent's current genome (a copy of the checkpoint's, for display) ----

  setGenome(runId: string, genome: Genome): void {
    this.db.prepare('UPDATE runs SET genome = ? WHERE id = ?').run(JSON.stringify(genome), runId);
  }

  genome(runId: string): Genome | null {
    const json = this.db.prepare('SELECT genome FROM runs WHERE id = ?').pluck().get(runId) as string | null | undefined;
    return json ? (JSON.parse(json) as Genome) : null;
  }

  // ---- Approval policy ----

  workspacePolicy(): ApprovalPolicy {
    const json = this.db.prepare("SELECT value FROM settings WHERE key = 'approval_policy'").pluck().get() as string | undefined;
    return json ? ApprovalPolicy.parse(JSON.parse(json)) : DEFAULT_POLICY;
  }

  runPolicy(runId: string): ApprovalPolicy {
    const json = this.db.prepare('SELECT approval_policy FROM runs WHERE id = ?').pluck().get(runId) as string | null | undefined;
    return json ? ApprovalPolicy.parse(JSON.parse(json)) : this.workspacePolicy();
  }

  /** Only a person changes a policy (requests from the app or the CLI); it is audited like a decision. */
  setPolicy(runId: string | null, policy: ApprovalPolicy, actor: string): void {
    checkActor(actor);
    this.log.write(() => {
      const json = JSON.stringify(policy);
      if (runId === null) {
        this.db.prepare("INSERT INTO settings (key, value) VALUES ('approval_policy', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(json);
      } else {
        this.db.prepare('UPDATE runs SET approval_policy = ? WHERE id = ?').run(json, runId);
        this.log.appendInTransaction({ runId, actor, action: 'policy-changed', detail: policy });
      }
    });
  }

  // ---- Audit log (audit-log.ts) ----

  append(entry: NewAuditEntry): AuditEntry {
    return this.log.append(entry);
  }

  /** See AuditLog.anchor. */
  anchor(runId: string): void {
    this.log.anchor(runId);
  }

  /** The run's head: its last committed entry, for the runner to anchor in each checkpoint (null before any). */
  head(runId: string): AuditHead | null {
    return this.log.head(runId);
  }

  auditEntries(runId: string): AuditEntry[] {
    return this.log.entries(runId);
  }

  /**
   * Verifies a run's log (audit-log.ts) together with every proposal row of the run, and every row its entries name,
   * against what those entries say.
   */
  verifyAudit(runId: string, options: { anchors?: Array<AuditHead & { source?: string }> } = {}): AuditVerification {
    const entries = this.log.entries(runId);
    const named = [...new Set(entries.map((e) => e.proposalId).filter((id): id is string => id !== null))];
    const rows = this.db.prepare('SELECT * FROM proposals WHERE run_id = ?').all(runId) as ProposalRow[];
    const have = new Set(rows.map((r) => r.id));
    const byId = this.db.prepare('SELECT * FROM proposals WHERE id = ?');
    for (const id of named) {
      if (have.has(id)) continue;
      const row = byId.get(id) as ProposalRow | undefined;
      if (row) rows.push(row);
    }
    return this.log.verify(runId, entries, rows.map(toRecord), options.anchors, ratingRecords(this.db, runId));
  }
}

/** Actor names go into the log and every report of it: a person's name is kept to plain characters. */
function checkActor(actor: string): void {
  if (actor.startsWith('person:') && !isValidActorName(actor)) {
    throw new CodedError('invalid_request', `The actor ${JSON.stringify(actor.slice(0, 80))} is not allowed: actor must be ${ACTOR_RULE}.`, [
      { path: 'actor', message: ACTOR_RULE },
    ]);
  }
}

/** Mean and 90% interval (normal approximation, clamped) of Beta(2 + a, 1 + r): prior leans to proposing. */
export function betaSummary(approved: number, rejected: number): Omit<ProposerEstimate, 'kind'> {
  const a = 2 + approved;
  const b = 1 + rejected;
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  return { approved, rejected, mean, lo: Math.max(0, mean - 1.645 * sd), hi: Math.min(1, mean + 1.645 * sd) };
}
