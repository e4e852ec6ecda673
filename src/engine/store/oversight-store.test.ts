import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/errors';
import { DecisionInput, POLICY_PRESETS, Proposal, type ProposalKind } from '../../shared/oversight';
import { GENESIS_HASH } from './oversight-store';
import { Store } from './store';
import { insertHeld, makeEvidence, makeRun } from './test-fixtures/oversight-fixture';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const writerScript = path.join(here, 'test-fixtures', 'audit-writer.ts');
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-oversight-'));
  // The audit key outside the workspace; the writer processes inherit it.
  process.env.EVOLAB_AUDIT_KEY_FILE = path.join(`${dir}-key`, 'audit-key');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(`${dir}-key`, { recursive: true, force: true });
  delete process.env.EVOLAB_AUDIT_KEY_FILE;
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof CodedError ? error.code : `not coded: ${String(error)}`;
  }
  return undefined;
}

function writer(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', writerScript, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Calls `onLine` for each complete stdout line; resolves when the child has exited. */
function lines(child: ChildProcess, onLine: (line: string) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let pending = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const l of parts) onLine(l);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('OversightStore', () => {
  it('round-trips proposals and lists them by run and status', () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    const other = makeRun(store);
    const a = insertHeld(store, runId, { rationale: 'first' });
    const b = insertHeld(store, runId, {
      iteration: 2,
      pathway: 'memory',
      kind: 'memory:add-exemplars',
      size: 'large',
      evidence: makeEvidence({ flags: [{ kind: 'reward-hacking', message: 'reward up, held-out down' }] }),
    });
    insertHeld(store, other);
    expect(a.id).toBe(`${runId}-p1`);
    expect(b.id).toBe(`${runId}-p2`);
    const { checkpoint, ...asContract } = store.oversight.requireProposal(b.id);
    expect(checkpoint).toBeNull();
    expect(Proposal.parse(asContract)).toEqual(asContract);
    expect(asContract).toMatchObject({ pathway: 'memory', size: 'large', status: 'pending', gate: { action: 'held' }, decidedBy: null });
    expect(asContract.evidence.flags[0]!.kind).toBe('reward-hacking');
    expect(asContract.evidenceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(
      store.oversight
        .listProposals({ runId })
        .map((p) => p.id)
        .sort(),
    ).toEqual([a.id, b.id]);
    expect(store.oversight.pendingCount()).toBe(3);
    store.oversight.decide(a.id, 'approve', 'person:ada', null);
    expect(store.oversight.listProposals({ runId, status: 'decided' }).map((p) => p.id)).toEqual([a.id]);
    expect(store.oversight.listProposals({ runId, status: 'pending' }).map((p) => p.id)).toEqual([b.id]);
    expect(codeOf(() => store.oversight.requireProposal('nope'))).toBe('unknown_proposal');
    store.close();
  });

  it('decides once: a second decision is refused with already_decided and writes nothing', () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    const p = insertHeld(store, runId);
    const decided = store.oversight.decide(p.id, 'reject', 'person:ada', 'too risky');
    expect(decided).toMatchObject({ status: 'rejected', decidedBy: 'person:ada', reason: 'too risky' });
    const before = store.oversight.auditEntries(runId).length;
    expect(codeOf(() => store.oversight.decide(p.id, 'approve', 'person:bob', null))).toBe('already_decided');
    expect(store.oversight.requireProposal(p.id).status).toBe('rejected');
    expect(store.oversight.auditEntries(runId)).toHaveLength(before);
    const last = store.oversight.auditEntries(runId).at(-1)!;
    expect(last).toMatchObject({ action: 'rejected', actor: 'person:ada', reason: 'too risky', proposalId: p.id, evidenceHash: p.evidenceHash });
    store.close();
  });

  it('the decision schema requires a reason to reject, naming the field', () => {
    expect(DecisionInput.safeParse({ id: 'x', decision: 'approve' }).success).toBe(true);
    for (const reason of [undefined, '', '   ']) {
      const r = DecisionInput.safeParse({ id: 'x', decision: 'reject', reason });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['reason']);
    }
    expect(DecisionInput.safeParse({ id: 'x', decision: 'reject', reason: 'no' }).success).toBe(true);
    expect(DecisionInput.safeParse({ id: 'x', decision: 'edit' }).error!.issues[0]!.path).toEqual(['changes']);
  });

  it('the database refuses to update or delete audit entries', () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    store.oversight.append({ runId, actor: 'engine', action: 'applied', reason: 'r' });
    store.close();
    const db = new Database(path.join(dir, 'evolab.db'));
    expect(() => db.prepare("UPDATE audit SET reason = 'changed'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT reason FROM audit').pluck().all()).toEqual(['r']);
    db.close();
  });

  it('verification finds an altered entry and a removed one', () => {
    let store = Store.open(dir);
    const runId = makeRun(store);
    const other = makeRun(store);
    for (let i = 0; i < 4; i++) store.oversight.append({ runId, actor: 'engine', action: 'applied', reason: `e${i}`, detail: { i } });
    store.oversight.append({ runId: other, actor: 'engine', action: 'applied' });
    const entries = store.oversight.auditEntries(runId);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries.slice(1).map((e) => e.prevHash)).toEqual(entries.slice(0, -1).map((e) => e.hash));
    expect(store.oversight.verifyAudit(runId)).toMatchObject({ ok: true, state: 'verified', entries: 4, keyed: 4, brokenAt: null, problems: [] });
    expect(store.oversight.verifyAudit(runId).message).toMatch(/^4 entries, chain intact, keyed/);
    store.close();

    // Someone with the file drops the guards and edits history.
    const tamper = (sql: string, ...args: unknown[]) => {
      const db = new Database(path.join(dir, 'evolab.db'));
      db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
      db.prepare(sql).run(...args);
      db.close();
    };
    tamper("UPDATE audit SET reason = 'rewritten' WHERE seq = ?", entries[1]!.seq);
    store = Store.open(dir);
    expect(store.oversight.verifyAudit(runId)).toMatchObject({ ok: false, brokenAt: entries[1]!.seq });
    expect(store.oversight.verifyAudit(runId).message).toContain('altered');
    expect(store.oversight.verifyAudit(other).ok).toBe(true);
    store.close();

    tamper("UPDATE audit SET reason = 'e1' WHERE seq = ?", entries[1]!.seq);
    store = Store.open(dir);
    expect(store.oversight.verifyAudit(runId).ok).toBe(true);
    store.close();

    tamper('DELETE FROM audit WHERE seq = ?', entries[2]!.seq);
    store = Store.open(dir);
    const v = store.oversight.verifyAudit(runId);
    expect(v).toMatchObject({ ok: false, entries: 3, brokenAt: entries[3]!.seq });
    expect(v.message).toContain('removed');
    store.close();
  });

  it('keeps a workspace policy and per-run policies; a run change is audited', () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    const other = makeRun(store);
    expect(store.oversight.workspacePolicy()).toEqual(POLICY_PRESETS.default);
    store.oversight.setPolicy(null, POLICY_PRESETS.ask, 'person:ada');
    expect(store.oversight.workspacePolicy()).toEqual(POLICY_PRESETS.ask);
    expect(store.oversight.runPolicy(runId)).toEqual(POLICY_PRESETS.ask);
    store.oversight.setPolicy(runId, POLICY_PRESETS.auto, 'person:ada');
    expect(store.oversight.runPolicy(runId)).toEqual(POLICY_PRESETS.auto);
    expect(store.oversight.runPolicy(other)).toEqual(POLICY_PRESETS.ask);
    const entry = store.oversight.auditEntries(runId).at(-1)!;
    expect(entry).toMatchObject({ action: 'policy-changed', actor: 'person:ada', detail: POLICY_PRESETS.auto });
    store.close();
  });

  it('estimates learn only from decisions by a person', () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    const kind = 'tool:format-credit';
    store.oversight.decide(insertHeld(store, runId, { kind }).id, 'approve', 'person:ada', null);
    store.oversight.decide(insertHeld(store, runId, { kind }).id, 'reject', 'person:ada', 'no');
    store.oversight.decide(insertHeld(store, runId, { kind }).id, 'reject', 'person:bob', 'no');
    // The gate's own decisions say nothing about what people want.
    store.oversight.insertProposal({ ...insertHeldInput(runId, kind), status: 'approved', gate: { action: 'auto-approved', reason: 'auto' } }, []);
    store.oversight.insertProposal({ ...insertHeldInput(runId, kind), status: 'rejected', gate: { action: 'auto-rejected', reason: 'deny' } }, []);
    insertHeld(store, runId, { kind }); // pending: no decision yet
    const [e] = store.oversight.estimates(runId);
    expect(e).toMatchObject({ kind, approved: 1, rejected: 2 });
    expect(e!.mean).toBeCloseTo(3 / 6);
    store.close();
  });

  it('SIGKILL mid-write: every committed entry survives, the chain verifies, nothing is half-written', async () => {
    const setup = Store.open(dir);
    const runId = makeRun(setup);
    setup.close();
    const child = writer([dir, runId, 'append']);
    const committed: number[] = [];
    const decided: string[] = [];
    const exit = await lines(child, (line) => {
      if (line.startsWith('seq ')) committed.push(Number(line.slice(4)));
      if (line.startsWith('decided ')) decided.push(line.slice(8));
      if (committed.length === 200 && !child.killed) child.kill('SIGKILL');
    });
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    const store = Store.open(dir);
    const entries = store.oversight.auditEntries(runId);
    const seqs = new Set(entries.map((e) => e.seq));
    for (const seq of committed) expect(seqs.has(seq)).toBe(true);
    const v = store.oversight.verifyAudit(runId);
    expect(v.ok, v.message).toBe(true);
    // At most the write in flight at the kill (never printed) got in, and whole: the chain above checks its hash.
    expect(entries.length).toBeGreaterThanOrEqual(committed.length + decided.length * 3);
    for (const id of decided) expect(store.oversight.requireProposal(id).status).not.toBe('pending');
    // A decision and its audit entry commit together or not at all.
    for (const p of store.oversight.listProposals({ runId, limit: 10_000 })) {
      const decisions = entries.filter((e) => e.proposalId === p.id && (e.action === 'approved' || e.action === 'rejected'));
      expect(decisions.length).toBe(p.status === 'pending' ? 0 : 1);
    }
    const db = new Database(path.join(dir, 'evolab.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    store.close();
  }, 60_000);

  it('two processes deciding the same proposal: exactly one wins', async () => {
    const setup = Store.open(dir);
    const runId = makeRun(setup);
    const p = insertHeld(setup, runId);
    setup.close();
    const children = [writer([dir, runId, 'decide', p.id]), writer([dir, runId, 'decide', p.id])];
    const results: string[] = [];
    let ready = 0;
    const exits = children.map((c) =>
      lines(c, (line) => {
        if (line === 'ready' && ++ready === children.length) for (const x of children) x.stdin!.write('go\n');
        else if (line !== 'ready') results.push(line);
      }),
    );
    for (const e of await Promise.all(exits)) expect(e.code, e.stderr).toBe(0);
    expect(results.sort()).toEqual(['lost already_decided', 'won']);
    const store = Store.open(dir);
    expect(store.oversight.requireProposal(p.id).status).toBe('approved');
    expect(store.oversight.auditEntries(runId).filter((e) => e.action === 'approved')).toHaveLength(1);
    expect(store.oversight.verifyAudit(runId).ok).toBe(true);
    store.close();
  }, 60_000);
});

function insertHeldInput(runId: string, kind: ProposalKind) {
  return {
    runId,
    iteration: 1,
    pathway: 'tool' as const,
    kind,
    size: 'small' as const,
    rationale: 'r',
    changes: [],
    evidence: makeEvidence(),
    checkpoint: null,
  };
}
