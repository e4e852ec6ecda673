/**
 * The audit log: an append-only, hash-chained and keyed (HMAC) list of entries per run in the workspace database,
 * with its head anchored in a file beside it after every commit (see audit-head.ts for the crash order). The
 * OversightStore writes proposals and their entries through it, in one transaction each.
 */
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { AuditAction, AuditEntry, AuditHead, AuditVerification } from '../../shared/oversight';
import { auditHash, entryMac, GENESIS_HASH } from './audit-chain';
import { auditKeyFile, loadAuditKey, loadOrCreateAuditKey, type AuditKey } from './audit-key';
import { headFile, readHead, writeHead, type HeadRead } from './audit-head';
import { verifyRun, type ProposalRecord, type VerifyInput } from './audit-verify';

/** An entry to append; the log adds its sequence number, time, chain hash and MAC. */
export interface NewAuditEntry {
  runId: string;
  actor: string;
  action: AuditAction;
  proposalId?: string | null;
  evidenceHash?: string | null;
  reason?: string | null;
  detail?: unknown;
}

export class AuditLog {
  /** The runs this store appended to in the transaction now open: their heads are written after it commits. */
  private touched = new Map<string, { seq: number; hash: string; mac: string | null }>();
  private key: AuditKey | null = null;
  private headReady = false;

  constructor(
    private readonly db: Database.Database,
    /** The workspace folder, where the head file lives beside the database. */
    private readonly workspace: string,
  ) {}

  /**
   * Runs `fn` in an IMMEDIATE transaction; once it has committed, anchors the head of each run it appended to.
   * Every write that appends to the audit log goes through here.
   */
  write<T>(fn: () => T): T {
    // Inside someone else's transaction the commit is theirs: anchoring now could name an entry that is rolled
    // back, so the head stays behind (which verification accepts) until the next append of its own.
    const nested = this.db.inTransaction;
    this.touched.clear();
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } catch (error) {
      this.touched.clear();
      throw error;
    }
    const touched = [...this.touched];
    this.touched.clear();
    if (touched.length > 0 && !nested) this.anchorHeads(touched);
    return result;
  }

  append(entry: NewAuditEntry): AuditEntry {
    const seq = this.write(() => this.appendInTransaction(entry));
    return toAudit(this.db.prepare('SELECT * FROM audit WHERE seq = ?').get(seq) as AuditRow);
  }

  /** Appends inside the transaction the caller has open (write(), or someone else's: see write()). */
  appendInTransaction(entry: NewAuditEntry): number {
    const key = this.auditKey();
    this.ensureHeadFile(key);
    const prev = this.db.prepare('SELECT hash, mac FROM audit WHERE run_id = ? ORDER BY seq DESC LIMIT 1').get(entry.runId) as
      { hash: string; mac: string | null } | undefined;
    const prevHash = prev?.hash ?? GENESIS_HASH;
    const full = {
      runId: entry.runId,
      at: new Date().toISOString(),
      actor: entry.actor,
      action: entry.action,
      proposalId: entry.proposalId ?? null,
      evidenceHash: entry.evidenceHash ?? null,
      reason: entry.reason ?? null,
      detail: entry.detail ?? null,
      prevHash,
    };
    const hash = auditHash(full);
    const mac = entryMac(key, hash, prev?.mac ?? null);
    const info = this.db
      .prepare(
        'INSERT INTO audit (run_id, at, actor, action, proposal_id, evidence_hash, reason, detail, prev_hash, hash, mac, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        full.runId,
        full.at,
        full.actor,
        full.action,
        full.proposalId,
        full.evidenceHash,
        full.reason,
        JSON.stringify(full.detail),
        prevHash,
        hash,
        mac,
        key.id,
      );
    const seq = Number(info.lastInsertRowid);
    this.touched.set(entry.runId, { seq, hash, mac });
    return seq;
  }

  /** The key, created on first use; an append without one fails (the log would be unkeyed). */
  private auditKey(): AuditKey {
    this.key ??= loadOrCreateAuditKey(auditKeyFile());
    return this.key;
  }

  /**
   * Before the first keyed entry of a workspace commits, an empty head file is written, so that a keyed workspace
   * without one has lost it. A workspace that is already keyed and has no head file keeps having none: writing a
   * fresh one would hide that it went missing.
   */
  private ensureHeadFile(key: AuditKey): void {
    if (this.headReady) return;
    if (!fs.existsSync(headFile(this.workspace)) && !this.workspaceKeyed()) writeHead(this.workspace, key, {});
    this.headReady = true;
  }

  private workspaceKeyed(): boolean {
    return this.db.prepare('SELECT 1 FROM audit WHERE mac IS NOT NULL LIMIT 1').get() !== undefined;
  }

  /**
   * After a commit: moves each touched run's head in the head file forward to the entry just committed. A head
   * file that is missing, does not verify, or names an entry the database no longer holds is left as it is, so
   * verification keeps reporting it; a head is never moved backwards. Failing to write it fails nothing: the
   * entries are committed, and a head that is behind is accepted (see audit-head.ts).
   */
  private anchorHeads(touched: Array<[string, { seq: number; hash: string; mac: string | null }]>): void {
    try {
      const key = this.auditKey();
      const read = readHead(this.workspace, key);
      if (read.status !== 'ok') return;
      const runs = { ...read.doc.runs };
      let changed = false;
      const stillThere = this.db.prepare('SELECT 1 FROM audit WHERE run_id = ? AND seq = ? AND hash = ?');
      for (const [runId, h] of touched) {
        const old = runs[runId];
        if (old && (old.seq >= h.seq || stillThere.get(runId, old.seq, old.hash) === undefined)) continue;
        runs[runId] = h;
        changed = true;
      }
      if (changed) writeHead(this.workspace, key, runs);
    } catch {
      // The head is behind until the next append; verification accepts that (the entries after it chain from it).
    }
  }

  /**
   * Anchors the run's head in the head file after a transaction of someone else's that appended to the log has
   * committed (a governed round's proposals are written in the round's own transaction, where write() cannot).
   */
  anchor(runId: string): void {
    const row = this.db.prepare('SELECT seq, hash, mac FROM audit WHERE run_id = ? ORDER BY seq DESC LIMIT 1').get(runId) as
      { seq: number; hash: string; mac: string | null } | undefined;
    if (row) this.anchorHeads([[runId, row]]);
  }

  /** The run's head: its last committed entry, for the runner to anchor in each checkpoint (null before any). */
  head(runId: string): AuditHead | null {
    const row = this.db.prepare('SELECT seq, hash FROM audit WHERE run_id = ? ORDER BY seq DESC LIMIT 1').get(runId) as AuditHead | undefined;
    return row ? { seq: row.seq, hash: row.hash } : null;
  }

  entries(runId: string): AuditEntry[] {
    return (this.db.prepare('SELECT * FROM audit WHERE run_id = ? ORDER BY seq').all(runId) as AuditRow[]).map(toAudit);
  }

  /**
   * Verifies a run's log: the hash chain; the keyed chain (MACs, with the key outside the workspace); the head file
   * (entries removed from the end); `anchors`, heads recorded elsewhere such as in checkpoints; and every proposal
   * row of the run against what its entries say (status, decided_by, reason, changes, evidence). See audit-verify.ts.
   */
  verify(
    runId: string,
    entries: AuditEntry[],
    proposals: ProposalRecord[],
    anchors?: Array<AuditHead & { source?: string }>,
    ratings?: VerifyInput['ratings'],
  ): AuditVerification {
    const keyFile = auditKeyFile();
    let key: AuditKey | null = null;
    let keyError: string | undefined;
    try {
      key = loadAuditKey(keyFile);
    } catch (error) {
      keyError = error instanceof Error ? error.message : String(error);
    }
    const head: HeadRead = readHead(this.workspace, key);
    return verifyRun({
      runId,
      entries,
      proposals,
      runExists: this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId) !== undefined,
      workspaceKeyed: this.workspaceKeyed(),
      head,
      key,
      keyFile,
      keyError,
      anchors,
      ratings,
    });
  }
}

function toAudit(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    runId: row.run_id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    proposalId: row.proposal_id,
    evidenceHash: row.evidence_hash,
    reason: row.reason,
    detail: JSON.parse(row.detail) as unknown,
    prevHash: row.prev_hash,
    hash: row.hash,
    mac: row.mac,
    keyId: row.key_id,
  };
}

interface AuditRow {
  seq: number;
  run_id: string;
  at: string;
  actor: string;
  action: AuditAction;
  proposal_id: string | null;
  evidence_hash: string | null;
  reason: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
  mac: string | null;
  key_id: string | null;
}
