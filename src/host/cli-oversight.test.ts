import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalPolicy, AuditVerification, POLICY_PRESETS, Proposal } from '../shared/oversight';
import { Store } from '../engine/store/store';
import { proposalLines } from './commands/oversight';
import { insertHeld, makeEvidence, makeRun } from '../engine/store/test-fixtures/oversight-fixture';

/**
 * The oversight commands end to end, each in its own process as a person at another terminal would run them,
 * on a workspace whose proposals are inserted directly through the store.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(root, 'bin', 'evolab.js');
let tmp: string;
let ws: string;
let runId: string;
let held: string;
let flagged: string;
let auto: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], workspace: string | null = ws): Promise<Result> {
  const child = spawn(process.execPath, [bin, ...args, ...(workspace ? ['--workspace', workspace] : [])], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EVOLAB_WORKSPACE: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function withStore<T>(fn: (store: Store) => T): T {
  const store = Store.open(ws);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-cli-oversight-'));
  // The audit key outside the workspace; every evolab process of the test inherits it.
  process.env.EVOLAB_AUDIT_KEY_FILE = path.join(tmp, 'config', 'audit-key');
  ws = path.join(tmp, 'ws');
  withStore((store) => {
    runId = makeRun(store);
    auto = store.oversight.insertProposal(
      { ...heldInput(), kind: 'workflow:lower-learning-rate', status: 'approved', gate: { action: 'auto-approved', reason: 'policy: workflow/small = auto' } },
      [{ actor: 'gate', action: 'auto-approved', reason: 'policy: workflow/small = auto' }],
    ).id;
    held = insertHeld(store, runId, { iteration: 2 }).id;
    flagged = insertHeld(store, runId, {
      iteration: 3,
      pathway: 'tool',
      kind: 'tool:format-credit',
      changes: [{ path: 'tools.reward-shaping', after: { kind: 'reward-shaping', rule: 'format-credit' } }],
      evidence: makeEvidence({ flags: [{ kind: 'reward-hacking', message: 'reward up, held-out down' }] }),
    }).id;
  });
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function heldInput() {
  return {
    runId,
    iteration: 1,
    pathway: 'workflow' as const,
    kind: 'workflow:raise-temperature',
    size: 'small' as const,
    rationale: 'r',
    changes: [],
    evidence: makeEvidence(),
    checkpoint: null,
  };
}

describe('evolab proposals / decide / audit / policy', () => {
  it('proposals lists pending first with held-out and flags; --json gives Proposal objects', async () => {
    const [t, j, bad] = await Promise.all([
      cli(['proposals']),
      cli(['proposals', '--json', '--run', runId, '--status', 'pending']),
      cli(['proposals', '--status', 'maybe']),
    ]);
    expect(t.code, t.stderr).toBe(0);
    const lines = t.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+RUN\s+ROUND\s+PATHWAY\s+KIND\s+SIZE\s+STATUS\s+HELD-OUT\s+FLAGS$/);
    const order = lines.slice(1).map((l) => l.split(/\s+/)[0]);
    expect(order).toEqual([flagged, held, auto]);
    expect(lines[1]).toMatch(/tool:format-credit\s+small\s+pending\s+0\.500 -> 0\.560 \(\+0\.060\)\s+reward-hacking$/);
    expect(lines[3]).toMatch(/approved .* none$/);
    expect(t.stderr).toContain('Decide with: evolab decide <id> approve|reject');

    expect(j.code, j.stderr).toBe(0);
    const list = (JSON.parse(j.stdout) as unknown[]).map((p) => Proposal.parse(p));
    expect(list.map((p) => p.id)).toEqual([flagged, held]);
    expect(list[0]!.evidence.flags[0]!.kind).toBe('reward-hacking');
    expect(list[0]).not.toHaveProperty('checkpoint');

    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--status');
  });

  it('decide from another process: reject needs --reason; the store shows each decision; a second one is refused', async () => {
    const noReason = await cli(['decide', flagged, 'reject']);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');
    expect(withStore((s) => s.oversight.requireProposal(flagged).status)).toBe('pending');

    const rejected = await cli(['decide', flagged, 'reject', '--reason', 'rewards format, not sums', '--as', 'ada']);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toContain(`Rejected ${flagged}`);
    expect(withStore((s) => s.oversight.requireProposal(flagged))).toMatchObject({
      status: 'rejected',
      decidedBy: 'person:ada',
      reason: 'rewards format, not sums',
    });

    const approved = await cli(['decide', held, 'approve']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('A running engine applies it at its next check');
    const p = withStore((s) => s.oversight.requireProposal(held));
    expect(p.status).toBe('approved');
    expect(p.decidedBy).toBe(`person:${os.userInfo().username}`);

    const [again, unknown, verb] = await Promise.all([
      cli(['decide', held, 'reject', '--reason', 'changed my mind']),
      cli(['decide', 'no-such-proposal', 'approve']),
      cli(['decide', held, 'maybe']),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Proposal ${held} is already approved`);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No proposal with id "no-such-proposal"');
    expect(verb.code).not.toBe(0);
    expect(verb.stderr).toContain('approve or reject');
    expect(withStore((s) => s.oversight.auditEntries(runId).filter((e) => e.action === 'approved' || e.action === 'rejected'))).toHaveLength(2);
  });

  it('audit prints the trail, exports Markdown and JSON, and fails when the chain is broken', async () => {
    // Decisions of the previous test may not have run when this one is run alone.
    withStore((s) => {
      if (s.oversight.requireProposal(flagged).status === 'pending') s.oversight.decide(flagged, 'reject', 'person:ada', 'rewards format, not sums');
    });
    const out = path.join(tmp, 'exports', 'audit.json');
    const [t, md, json, both] = await Promise.all([
      cli(['audit', runId]),
      cli(['audit', runId, '--md']),
      cli(['audit', runId, '--json', '--out', out]),
      cli(['audit', runId, '--json', '--md']),
    ]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^SEQ\s+TIME\s+ACTOR\s+ACTION/);
    expect(t.stdout).toMatch(/person:ada\s+rejected\s+\S+\s+[0-9a-f]{12}\s+rewards format, not sums/);
    expect(t.stdout).toMatch(/Audit chain verified: \d+ entries, chain intact, keyed \(key [0-9a-f]{16}\), head anchored at entry \d+\./);

    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`# Audit report: run ${runId}`);
    expect(md.stdout).toMatch(/rejected by person:ada at \S+, reason: "rewards format, not sums"/);
    expect(md.stdout).toContain('**reward-hacking**: reward up, held-out down');

    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe('');
    const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as { verification: AuditVerification; proposals: Proposal[] };
    expect(doc.verification.ok).toBe(true);
    expect(doc.proposals.map((p) => p.id)).toEqual([auto, held, flagged]);

    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--json or --md, not both');

    const copy = path.join(tmp, 'tampered');
    fs.cpSync(ws, copy, { recursive: true });
    const db = new Database(path.join(copy, 'evolab.db'));
    db.exec('DROP TRIGGER audit_no_update');
    const seq = db.prepare("SELECT seq FROM audit WHERE action = 'rejected'").pluck().get() as number;
    db.prepare("UPDATE audit SET reason = 'fine' WHERE seq = ?").run(seq);
    db.close();
    const broken = await cli(['audit', runId], copy);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`broken at entry ${seq}: entry ${seq} was altered after it was written`);
  });

  it('audit exits 1 naming the entry, proposal and field when the log was truncated or a decision flipped', async () => {
    withStore((s) => {
      if (s.oversight.requireProposal(flagged).status === 'pending') s.oversight.decide(flagged, 'reject', 'person:ada', 'rewards format, not sums');
    });
    const flipped = path.join(tmp, 'flipped');
    const truncated = path.join(tmp, 'truncated');
    const keyless = path.join(tmp, 'keyless');
    for (const d of [flipped, truncated, keyless]) fs.cpSync(ws, d, { recursive: true });
    const open = (d: string) => {
      const db = new Database(path.join(d, 'evolab.db'));
      db.exec('DROP TRIGGER audit_no_delete');
      return db;
    };
    let db = open(flipped);
    db.prepare("UPDATE proposals SET status = 'approved' WHERE id = ?").run(flagged);
    const decisionSeq = db.prepare("SELECT seq FROM audit WHERE proposal_id = ? AND action = 'rejected'").pluck().get(flagged) as number;
    db.close();
    db = open(truncated);
    const lastSeq = db.prepare('SELECT MAX(seq) FROM audit WHERE run_id = ?').pluck().get(runId) as number;
    db.prepare('DELETE FROM audit WHERE seq = ?').run(lastSeq);
    db.close();
    const [a, b] = await Promise.all([cli(['audit', runId], flipped), cli(['audit', runId], truncated)]);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain(
      `broken at entry ${decisionSeq}: proposal ${flagged}: status is approved in the database, but entry ${decisionSeq} made it rejected.`,
    );
    expect(a.stderr).toContain(`proposal (entry ${decisionSeq}, proposal ${flagged}, field status)`);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(`the head file audit-head.json records entry ${lastSeq} as this run's head, but the log ends at entry`);
    // Without the key a keyed log is not passed.
    const c = await new Promise<Result>((resolve) => {
      const child = spawn(process.execPath, [bin, 'audit', runId, '--workspace', keyless], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, EVOLAB_WORKSPACE: '', EVOLAB_AUDIT_KEY_FILE: path.join(tmp, 'no-such-key') },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`the audit log of run ${runId} cannot be verified: the log is keyed, but there is no audit key at`);
  });

  it('decide refuses an actor name that could forge report lines, naming --as (actor) and the rule', async () => {
    const p = withStore((s) => insertHeld(s, runId, { iteration: 7 }).id);
    const r = await cli(['decide', p, 'approve', '--as', 'ada\n# forged']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--as: actor must be at most 64 characters: letters, digits, space and . - _ @');
    expect(withStore((s) => s.oversight.requireProposal(p).status)).toBe('pending');
  });

  it("policy shows and sets the workspace default and a run's policy; a bad file names the field", async () => {
    const ows = path.join(tmp, 'policy-ws');
    let other = '';
    const store = Store.open(ows);
    other = makeRun(store);
    store.close();
    const shown = await cli(['policy'], ows);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/workflow\s+auto\s+ask/);

    expect((await cli(['policy', 'ask'], ows)).code).toBe(0);
    const ask = await cli(['policy', '--json'], ows);
    expect(ApprovalPolicy.parse(JSON.parse(ask.stdout))).toEqual(POLICY_PRESETS.ask);

    const file = path.join(tmp, 'policy.json');
    const custom: ApprovalPolicy = { ...POLICY_PRESETS.auto, whileWaiting: 'continue', maxHeldoutDrop: 0.05 };
    fs.writeFileSync(file, JSON.stringify(custom));
    const set = await cli(['policy', '--run', other, file, '--as', 'ada'], ows);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`Set the approval policy of run ${other}`);
    const [runShown, wsShown] = await Promise.all([cli(['policy', '--run', other, '--json'], ows), cli(['policy', '--json'], ows)]);
    expect(JSON.parse(runShown.stdout)).toEqual(custom);
    expect(JSON.parse(wsShown.stdout)).toEqual(POLICY_PRESETS.ask);
    const check = Store.open(ows);
    expect(check.oversight.auditEntries(other).at(-1)).toMatchObject({ action: 'policy-changed', actor: 'person:ada', detail: custom });
    check.close();

    const bad = path.join(tmp, 'bad-policy.json');
    fs.writeFileSync(bad, JSON.stringify({ ...custom, rules: { ...custom.rules, model: { small: 'maybe', large: 'ask' } } }));
    const r = await cli(['policy', bad], ows);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('rules.model.small: must be one of "auto", "ask", "deny"');
    const unknownRun = await cli(['policy', '--run', 'nope'], ows);
    expect(unknownRun.stderr).toContain('No run with id "nope"');
  });

  it('run prints a line per proposal, with the command to decide a held one', () => {
    const p = withStore((s) => s.oversight.requireProposal(flagged));
    const pending = { ...p, status: 'pending' as const, decidedBy: null, reason: null };
    const created = proposalLines('proposal.created', pending, ' --workspace "/w"');
    expect(created[0]).toBe(`proposal ${flagged}: tool tool:format-credit (small); gate held; held-out 0.500 -> 0.560 (+0.060); flags reward-hacking`);
    expect(created[1]).toBe(`waiting for a decision: evolab decide ${flagged} approve|reject --reason "..." --workspace "/w"`);
    expect(proposalLines('proposal.created', { ...pending, status: 'approved', gate: { action: 'auto-approved', reason: 'auto' } }, '')).toHaveLength(1);
    expect(proposalLines('proposal.decided', { ...pending, status: 'rejected', decidedBy: 'person:ada', reason: 'no' }, '')).toEqual([
      `proposal ${flagged} rejected by person:ada: no`,
    ]);
  });

  it('run --policy: a bad file names --policy and the field before anything is written', async () => {
    const rws = path.join(tmp, 'run-ws');
    const bad = path.join(tmp, 'bad-run-policy.json');
    fs.writeFileSync(bad, JSON.stringify({ ...POLICY_PRESETS.default, flagged: 'auto' }));
    const [r, missing] = await Promise.all([
      cli(['run', '--preset', 'addition-star-smoke', '--policy', bad], rws),
      cli(['run', '--preset', 'addition-star-smoke', '--policy', 'sometimes'], rws),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('(--policy) is invalid');
    expect(r.stderr).toContain('flagged: must be one of "ask", "deny"');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--policy must be default, auto, ask, archive, batch or a JSON policy file');
    expect(fs.existsSync(path.join(rws, 'evolab.db'))).toBe(false);
  });

  it("run --policy ask stores the run's policy, audited as a person's choice", async () => {
    const rws = path.join(tmp, 'run-policy');
    const r = await cli(['run', '--preset', 'addition-star-smoke', '--iterations', '1', '--policy', 'ask', '--json'], rws);
    expect(r.code, r.stderr).toBe(0);
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { event: string; runId: string };
    expect(done.event).toBe('done');
    const store = Store.open(rws);
    expect(store.oversight.runPolicy(done.runId)).toEqual(POLICY_PRESETS.ask);
    expect(store.oversight.workspacePolicy()).toEqual(POLICY_PRESETS.default);
    expect(store.oversight.auditEntries(done.runId).filter((e) => e.action === 'policy-changed')).toHaveLength(1);
    expect(store.oversight.verifyAudit(done.runId).ok).toBe(true);
    store.close();
  }, 300_000);
});
