/**
 * For tests of the audit log's tamper evidence (unit tests and the fault-injection suite): a workspace with a
 * governed run's proposals and decisions made through the store, and the ways someone holding the workspace
 * folder (not the audit key) might rewrite its history. Each case edits a fresh copy with plain SQL and files.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { auditHash, canonicalJson, sha256 } from '../audit-chain';
import { HEAD_FILE } from '../audit-head';
import { Store } from '../store';
import { insertHeld, makeEvidence, makeRun, newProposal } from './oversight-fixture';

export interface GovernedWorkspace {
  runId: string;
  /** A second run, whose log the cases leave alone. */
  otherRunId: string;
  rejected: string;
  applied: string;
  flagged: string;
  pending: string;
}

/** A run with a rejected, an approved-then-applied, a flagged-then-rejected and a pending proposal, and a policy change. */
export function buildGovernedWorkspace(dir: string): GovernedWorkspace {
  const store = Store.open(dir);
  try {
    const runId = makeRun(store);
    const otherRunId = makeRun(store);
    const rejected = insertHeld(store, runId).id;
    store.oversight.decide(rejected, 'reject', 'person:ada', 'too risky');
    const applied = insertHeld(store, runId, {
      kind: 'workflow:lower-learning-rate',
      changes: [{ path: 'workflow.recipe.learningRate', before: 0.001, after: 0.0005 }],
    }).id;
    store.oversight.decide(applied, 'approve', 'person:ada', null);
    store.oversight.settle(runId, [{ id: applied, status: 'applied', reason: 'applied after round 1: its changes' }]);
    const flagged = insertHeld(store, runId, {
      iteration: 2,
      pathway: 'tool',
      kind: 'tool:format-credit',
      changes: [{ path: 'tools.reward-shaping', after: { kind: 'reward-shaping', rule: 'format-credit' } }],
      evidence: makeEvidence({ flags: [{ kind: 'reward-hacking', message: 'training reward up 0.77 while held-out fell 0.07' }] }),
    }).id;
    store.oversight.decide(flagged, 'reject', 'person:bob', 'rewards the format, not the sum');
    store.oversight.insertProposal(
      { ...newProposal(runId, { iteration: 3 }), status: 'approved', gate: { action: 'auto-approved', reason: 'policy: workflow/small = auto' } },
      [
        { actor: 'agent', action: 'proposed' },
        { actor: 'gate', action: 'auto-approved', reason: 'policy: workflow/small = auto' },
      ],
    );
    const pending = insertHeld(store, runId, { iteration: 3 }).id;
    store.oversight.setPolicy(runId, store.oversight.runPolicy(runId), 'person:ada');
    insertHeld(store, otherRunId);
    return { runId, otherRunId, rejected, applied, flagged, pending };
  } finally {
    store.close();
  }
}

/** Opens the database the way someone with the file would: the append-only triggers dropped first. */
export function withRawDb<T>(dir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dir, 'evolab.db'));
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    return fn(db);
  } finally {
    db.close();
  }
}

interface RawEntry {
  seq: number;
  run_id: string;
  at: string;
  actor: string;
  action: string;
  proposal_id: string | null;
  evidence_hash: string | null;
  reason: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
  mac: string | null;
  key_id: string | null;
}

/**
 * Edits one entry (its reason) and recomputes every hash of the run's chain from there, as someone who read the
 * code would. `mac`: 'strip' sets every MAC to NULL (an "old, unkeyed" log); 'forge' recomputes them with a key
 * of the forger's own, keeping the recorded key id.
 */
export function rewriteChain(db: Database.Database, runId: string, seq: number, reason: string, mac: 'strip' | 'forge'): void {
  const rows = db.prepare('SELECT * FROM audit WHERE run_id = ? ORDER BY seq').all(runId) as RawEntry[];
  const forged = randomBytes(32);
  let prevHash: string | null = null;
  let prevMac: string | null = null;
  const update = db.prepare('UPDATE audit SET reason = ?, prev_hash = ?, hash = ?, mac = ?, key_id = ? WHERE seq = ?');
  for (const r of rows) {
    const changed = r.seq === seq ? reason : r.reason;
    const prev: string = prevHash ?? r.prev_hash;
    const hash = auditHash({
      runId: r.run_id,
      at: r.at,
      actor: r.actor,
      action: r.action as never,
      proposalId: r.proposal_id,
      evidenceHash: r.evidence_hash,
      reason: changed,
      detail: JSON.parse(r.detail) as unknown,
      prevHash: prev,
    });
    const m: string | null =
      mac === 'strip'
        ? null
        : createHmac('sha256', forged)
            .update(canonicalJson(['evolab-audit-mac/1', hash, prevMac]))
            .digest('hex');
    update.run(changed, prev, hash, m, mac === 'strip' ? null : r.key_id, r.seq);
    prevHash = hash;
    prevMac = m;
  }
}

export interface TamperCase {
  name: string;
  /** What verification must name: a problem kind and, where it applies, the proposal and field. */
  expect: { kind: string; proposal?: keyof GovernedWorkspace; field?: string } | { state: 'unverifiable' };
  apply(dir: string, w: GovernedWorkspace): void;
}

const lastSeqs = (db: Database.Database, runId: string, n: number) =>
  db.prepare('SELECT seq FROM audit WHERE run_id = ? ORDER BY seq DESC LIMIT ?').pluck().all(runId, n) as number[];
const seqOf = (db: Database.Database, proposalId: string, action: string) =>
  db.prepare('SELECT seq FROM audit WHERE proposal_id = ? AND action = ?').pluck().get(proposalId, action) as number;

export const TAMPER_CASES: TamperCase[] = [
  {
    name: 'truncate the last entries',
    expect: { kind: 'head' },
    apply: (dir, w) => withRawDb(dir, (db) => db.prepare(`DELETE FROM audit WHERE seq IN (${lastSeqs(db, w.runId, 2).join(',')})`).run()),
  },
  {
    name: "delete all of a run's entries",
    expect: { kind: 'head' },
    apply: (dir, w) => withRawDb(dir, (db) => db.prepare('DELETE FROM audit WHERE run_id = ?').run(w.runId)),
  },
  {
    name: 'set a rejected proposal to approved',
    expect: { kind: 'proposal', proposal: 'rejected', field: 'status' },
    apply: (dir, w) => withRawDb(dir, (db) => db.prepare("UPDATE proposals SET status = 'approved' WHERE id = ?").run(w.rejected)),
  },
  {
    name: 'set a rejected proposal to approved by someone else',
    expect: { kind: 'proposal', proposal: 'flagged', field: 'decided_by' },
    apply: (dir, w) =>
      withRawDb(dir, (db) => db.prepare("UPDATE proposals SET status = 'approved', decided_by = 'person:mallory', reason = NULL WHERE id = ?").run(w.flagged)),
  },
  {
    name: 'strip the reward-hacking flag from the evidence',
    expect: { kind: 'proposal', proposal: 'flagged', field: 'evidence' },
    apply: (dir, w) =>
      withRawDb(dir, (db) => {
        const evidence = JSON.parse(db.prepare('SELECT evidence FROM proposals WHERE id = ?').pluck().get(w.flagged) as string) as { flags: unknown[] };
        db.prepare('UPDATE proposals SET evidence = ? WHERE id = ?').run(JSON.stringify({ ...evidence, flags: [] }), w.flagged);
      }),
  },
  {
    name: 'strip the flag and store the recomputed evidence hash',
    expect: { kind: 'proposal', proposal: 'flagged', field: 'evidence_hash' },
    apply: (dir, w) =>
      withRawDb(dir, (db) => {
        const row = db.prepare('SELECT changes, evidence FROM proposals WHERE id = ?').get(w.flagged) as { changes: string; evidence: string };
        const evidence = { ...(JSON.parse(row.evidence) as object), flags: [] };
        const hash = sha256(canonicalJson({ changes: JSON.parse(row.changes) as unknown, evidence }));
        db.prepare('UPDATE proposals SET evidence = ?, evidence_hash = ? WHERE id = ?').run(JSON.stringify(evidence), hash, w.flagged);
      }),
  },
  {
    name: "edit an entry's reason",
    expect: { kind: 'chain' },
    apply: (dir, w) => withRawDb(dir, (db) => db.prepare("UPDATE audit SET reason = 'fine by me' WHERE seq = ?").run(seqOf(db, w.rejected, 'rejected'))),
  },
  {
    name: "edit an entry's actor",
    expect: { kind: 'chain' },
    apply: (dir, w) => withRawDb(dir, (db) => db.prepare("UPDATE audit SET actor = 'person:mallory' WHERE seq = ?").run(seqOf(db, w.rejected, 'rejected'))),
  },
  {
    name: 'rewrite the chain with recomputed hashes and no MACs',
    expect: { kind: 'head' },
    apply: (dir, w) => withRawDb(dir, (db) => rewriteChain(db, w.runId, seqOf(db, w.rejected, 'rejected'), 'fine by me', 'strip')),
  },
  {
    name: 'rewrite the chain with recomputed hashes and MACs made with another key',
    expect: { kind: 'mac' },
    apply: (dir, w) => withRawDb(dir, (db) => rewriteChain(db, w.runId, seqOf(db, w.rejected, 'rejected'), 'fine by me', 'forge')),
  },
  {
    name: 'delete the head file',
    expect: { kind: 'head' },
    apply: (dir) => fs.rmSync(path.join(dir, HEAD_FILE)),
  },
  {
    name: 'edit the head file to match a truncated log',
    expect: { kind: 'head' },
    apply: (dir, w) => {
      const file = path.join(dir, HEAD_FILE);
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: Record<string, { seq: number; hash: string; mac: string | null }> };
      withRawDb(dir, (db) => {
        const [last, before] = lastSeqs(db, w.runId, 2);
        const row = db.prepare('SELECT seq, hash, mac FROM audit WHERE seq = ?').get(before) as { seq: number; hash: string; mac: string | null };
        db.prepare('DELETE FROM audit WHERE seq = ?').run(last);
        doc.runs[w.runId] = row;
      });
      fs.writeFileSync(file, JSON.stringify(doc));
    },
  },
  {
    name: 'delete a proposal row',
    expect: { kind: 'proposal', proposal: 'rejected' },
    apply: (dir, w) => withRawDb(dir, (db) => db.prepare('DELETE FROM proposals WHERE id = ?').run(w.rejected)),
  },
];
