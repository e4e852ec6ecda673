import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditVerification } from '../../shared/oversight';
import { AUDIT_KEY_ENV } from './audit-key';
import { HEAD_FILE } from './audit-head';
import { writeCheckpoint } from './checkpoint';
import { Store } from './store';
import { buildGovernedWorkspace, TAMPER_CASES, withRawDb, type GovernedWorkspace } from './test-fixtures/audit-tamper';
import { insertHeld, makeRun } from './test-fixtures/oversight-fixture';

/**
 * The audit log's claim, case by case: someone with the workspace folder but not the audit key cannot truncate it,
 * edit proposals behind its back, or rewrite it with recomputed hashes without `verifyAudit` (what `evolab audit`
 * and the Audit screen show) saying what and where.
 */
let tmp: string;
let golden: string;
let w: GovernedWorkspace;
let dir: string;
const previousKeyFile = process.env[AUDIT_KEY_ENV];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-audit-verify-'));
  process.env[AUDIT_KEY_ENV] = path.join(tmp, 'config', 'audit-key');
  golden = path.join(tmp, 'golden');
  w = buildGovernedWorkspace(golden);
});
afterAll(() => {
  if (previousKeyFile === undefined) delete process.env[AUDIT_KEY_ENV];
  else process.env[AUDIT_KEY_ENV] = previousKeyFile;
  fs.rmSync(tmp, { recursive: true, force: true });
});
let n = 0;
beforeEach(() => {
  dir = path.join(tmp, `copy-${++n}`);
  fs.cpSync(golden, dir, { recursive: true });
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function verify(runId = w.runId, workspace = dir) {
  const store = Store.open(workspace);
  try {
    return AuditVerification.parse(store.oversight.verifyAudit(runId));
  } finally {
    store.close();
  }
}

describe('audit verification', () => {
  it('an untampered governed run verifies: keyed, anchored, every proposal as its entries say', () => {
    const v = verify();
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ ok: true, state: 'verified', unkeyed: 0 });
    expect(v.keyed).toBe(v.entries);
    expect(v.head?.seq).toBe(Math.max(...readSeqs(dir, w.runId)));
    expect(v.message).toMatch(/chain intact, keyed \(key [0-9a-f]{16}\), head anchored at entry \d+$/);
    expect(fs.statSync(process.env[AUDIT_KEY_ENV]!).mode & 0o777).toBe(0o600);
    expect(verify(w.otherRunId).ok).toBe(true);
  });

  for (const c of TAMPER_CASES) {
    it(`detects: ${c.name}`, () => {
      c.apply(dir, w);
      const v = verify();
      expect(v.ok, v.message).toBe(false);
      if ('state' in c.expect) expect(v.state).toBe(c.expect.state);
      else {
        expect(v.state).toBe('tampered');
        const e = c.expect;
        const found = v.problems.find((p) => p.kind === e.kind && (!e.proposal || p.proposalId === w[e.proposal]) && (!e.field || p.field === e.field));
        expect(found, JSON.stringify(v.problems, null, 1)).toBeDefined();
        if (e.proposal) expect(found!.message).toContain(w[e.proposal]);
      }
    });
  }

  it('names the entry, the proposal and the field of a flipped decision', () => {
    const seq = withRawDb(dir, (db) => {
      db.prepare("UPDATE proposals SET status = 'approved' WHERE id = ?").run(w.rejected);
      return db.prepare("SELECT seq FROM audit WHERE proposal_id = ? AND action = 'rejected'").pluck().get(w.rejected) as number;
    });
    const v = verify();
    expect(v.problems).toEqual([
      {
        kind: 'proposal',
        seq,
        proposalId: w.rejected,
        field: 'status',
        message: `proposal ${w.rejected}: status is approved in the database, but entry ${seq} made it rejected`,
      },
    ]);
    expect(v.brokenAt).toBe(seq);
  });

  it('a crash between a commit and the head write is not tampering; truncating what the head anchors still is', () => {
    const headFile = path.join(dir, HEAD_FILE);
    const before = fs.readFileSync(headFile);
    const store = Store.open(dir);
    store.oversight.decide(w.pending, 'approve', 'person:ada', null);
    store.close();
    // The state a SIGKILL right after the commit leaves: the entry is in the database, the head is one behind.
    fs.writeFileSync(headFile, before);
    const v = verify();
    expect(v.problems).toEqual([]);
    expect(v.state).toBe('verified');
    expect(v.message).toMatch(/head anchored at entry \d+, the 1 after it chain from it/);
    // The next append moves the head on.
    const again = Store.open(dir);
    again.oversight.append({ runId: w.runId, actor: 'engine', action: 'applied', reason: 'later' });
    again.close();
    expect(verify().head?.seq).toBe(Math.max(...readSeqs(dir, w.runId)));
    // A crash before the first head write of a new run: no head for it yet, its entries chain from genesis.
    const s = Store.open(dir);
    const fresh = makeRun(s);
    const headBefore = fs.readFileSync(headFile);
    insertHeld(s, fresh);
    s.close();
    fs.writeFileSync(headFile, headBefore);
    expect(verify(fresh).problems).toEqual([]);
  });

  it('a head that no longer matches is not moved on by later appends: the alarm stays', () => {
    TAMPER_CASES.find((c) => c.name === 'truncate the last entries')!.apply(dir, w);
    const store = Store.open(dir);
    store.oversight.append({ runId: w.runId, actor: 'engine', action: 'applied', reason: 'after the truncation' });
    store.close();
    expect(verify().problems.map((p) => p.kind)).toContain('head');
  });

  it('checkpoints anchor the head: removing entries and putting back an older head file still shows', () => {
    const headFile = path.join(dir, HEAD_FILE);
    const older = fs.readFileSync(headFile);
    const store = Store.open(dir);
    store.oversight.decide(w.pending, 'reject', 'person:ada', 'not now');
    const anchored = store.oversight.head(w.runId)!;
    expect(anchored.seq).toBe(Math.max(...readSeqs(dir, w.runId)));
    // As the runner keeps one: written, then committed with its iteration (an uncommitted one is removed on open).
    const file = writeCheckpoint(store.checkpointPath(w.runId, 0), {
      runId: w.runId,
      iteration: 0,
      config: {},
      state: { x: new Float32Array([1]) },
      auditHead: anchored,
    });
    store.commitIteration(w.runId, { iteration: 0, startedAt: 's', endedAt: 'e', checkpoint: file, metrics: {}, trajectories: [] });
    expect(store.auditAnchors(w.runId)).toEqual([{ ...anchored, source: 'checkpoint iter-000000.ckpt' }]);
    expect(store.verifyAudit(w.runId).problems).toEqual([]);
    store.close();
    // Both the database and the head file set back to before the decision: consistent with each other.
    withRawDb(dir, (db) => db.prepare('DELETE FROM audit WHERE seq = ?').run(anchored.seq));
    fs.writeFileSync(headFile, older);
    expect(verify().problems.filter((p) => p.kind !== 'proposal')).toEqual([]);
    const s = Store.open(dir);
    const v = s.verifyAudit(w.runId);
    s.close();
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual(
      expect.objectContaining({ kind: 'anchor', seq: anchored.seq, message: expect.stringContaining('checkpoint iter-000000.ckpt records entry') as string }),
    );
  });

  it('fails closed without the key: a keyed log cannot be verified, it is not passed', () => {
    const keyFile = process.env[AUDIT_KEY_ENV]!;
    const saved = fs.readFileSync(keyFile);
    try {
      fs.rmSync(keyFile);
      const v = verify();
      expect(v).toMatchObject({ ok: false, state: 'unverifiable', problems: [] });
      expect(v.message).toContain(`cannot verify: the log is keyed, but there is no audit key at ${keyFile}`);
      // Another key is not the key either.
      fs.writeFileSync(keyFile, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
      expect(verify()).toMatchObject({ ok: false, state: 'unverifiable' });
    } finally {
      fs.writeFileSync(keyFile, saved, { mode: 0o600 });
    }
  });

  it('an old unkeyed log stays readable and says it is unkeyed, never keyed', () => {
    // A workspace written before keyed audit: no MACs and no head file.
    withRawDb(dir, (db) => db.exec('UPDATE audit SET mac = NULL, key_id = NULL'));
    fs.rmSync(path.join(dir, HEAD_FILE));
    const v = verify();
    expect(v).toMatchObject({ ok: true, state: 'unkeyed', keyed: 0, problems: [] });
    expect(v.unkeyed).toBe(v.entries);
    expect(v.message).toContain('unkeyed');
    expect(v.message).not.toContain('keyed (key');
  });
});

function readSeqs(workspace: string, runId: string): number[] {
  return withRawDb(workspace, (db) => db.prepare('SELECT seq FROM audit WHERE run_id = ?').pluck().all(runId) as number[]);
}
