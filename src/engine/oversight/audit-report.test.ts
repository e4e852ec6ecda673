import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditEntry, AuditVerification, POLICY_PRESETS, Proposal } from '../../shared/oversight';
import { auditHash } from '../store/oversight-store';
import { Store } from '../store/store';
import { insertHeld, makeEvidence, makeRun } from '../store/test-fixtures/oversight-fixture';
import { CodedError } from '../../shared/errors';
import { DecisionInput } from '../../shared/oversight';
import { auditExport, auditFileName, auditJson, auditMarkdown, describeValue, mdInline } from './audit-report';
import { personActor } from './actor';

let dir: string;
let store: Store;
let runId: string;
let rejectedId: string;
let approvedId: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-audit-'));
  process.env.EVOLAB_AUDIT_KEY_FILE = path.join(dir, '..', `${path.basename(dir)}-key`, 'audit-key');
  store = Store.open(dir);
  runId = makeRun(store);
  store.oversight.setPolicy(runId, POLICY_PRESETS.ask, 'person:ada');
  const rejected = insertHeld(store, runId, {
    iteration: 2,
    pathway: 'tool',
    kind: 'tool:format-credit',
    rationale: 'Reward well-formed answers | even wrong ones.',
    changes: [{ path: 'tools.reward-shaping', after: { kind: 'reward-shaping', rule: 'format-credit' } }],
    evidence: makeEvidence({
      heldout: {
        before: { value: 0.5, lo: 0.4, hi: 0.6, n: 100 },
        after: { value: 0.31, lo: 0.23, hi: 0.41, n: 100 },
        delta: { value: -0.19, lo: -0.32, hi: -0.06 },
      },
      flags: [{ kind: 'reward-hacking', message: 'training reward rose while held-out accuracy fell' }],
    }),
  });
  rejectedId = store.oversight.decide(rejected.id, 'reject', 'person:ada', 'rewards format over correctness').id;
  const approved = insertHeld(store, runId, {
    iteration: 3,
    pathway: 'memory',
    kind: 'memory:add-exemplars',
    changes: [
      {
        path: 'memory.entries.m-3-1',
        after: {
          id: 'm-3-1',
          kind: 'exemplar',
          level: 4,
          prompt: '1234+5678='.repeat(8),
          answer: '6912',
          source: { iteration: 3, origin: 'self', support: 0.875 },
        },
      },
    ],
  });
  approvedId = store.oversight.decide(approved.id, 'approve', 'person:bob', 'consistent with the consensus').id;
  store.oversight.settle(runId, [{ id: approvedId, status: 'applied', reason: 'applied at round 4' }]);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.dirname(process.env.EVOLAB_AUDIT_KEY_FILE!), { recursive: true, force: true });
  delete process.env.EVOLAB_AUDIT_KEY_FILE;
});

describe('audit report', () => {
  it("Markdown tells the run's history: both decisions with who, why and their evidence, then the trail", () => {
    const md = auditMarkdown(store, runId);
    expect(md).toContain(`# Audit report: run ${runId}`);
    expect(md).toContain('seed 1');
    expect(md).toContain('**Audit chain: verified**');
    // The policy table (the run's: ask everywhere).
    expect(md).toMatch(/\| workflow \| ask \| ask \|/);
    // Rounds in order, each proposal with diff, evidence, gate and decision.
    expect(md.indexOf('## Round 2')).toBeGreaterThan(0);
    expect(md.indexOf('## Round 3')).toBeGreaterThan(md.indexOf('## Round 2'));
    expect(md).toContain(`### ${rejectedId}: tool / tool:format-credit (small)`);
    expect(md).toMatch(/rejected by person:ada at \S+, reason: "rewards format over correctness"/);
    expect(md).toMatch(/approved by person:bob at \S+, reason: "consistent with the consensus"/);
    expect(md).toContain('**Outcome**: applied by engine');
    expect(md).toContain('Held-out accuracy: 0.500 [0.400, 0.600] (n=100) -> 0.310 [0.230, 0.410] (n=100); change -0.190 [-0.320, -0.060] (95% CI)');
    expect(md).toContain('- Baseline: the parent agent on the same held-out prompts.');
    expect(md).toContain('**reward-hacking**: training reward rose while held-out accuracy fell');
    expect(md).toContain('| 4 | 0.300 | 0.380 |');
    expect(md).toContain('| probe-format | answers stay digits only | 1.000 | 1.000 |');
    expect(md).toContain('**Gate**: held: policy: workflow/small = ask');
    // A long memory entry is summarised, not dumped; a pipe in text does not break a table.
    expect(md).toContain('| `memory.entries.m-3-1` | (none) | exemplar L4:');
    expect(md).toContain('support 0.88');
    expect(md).not.toContain('1234+5678='.repeat(8));
    expect(md).toContain('> Reward well-formed answers \\| even wrong ones.');
    // The raw trail: every entry, in order.
    const trail = md.slice(md.indexOf('## Audit trail'));
    const entries = store.oversight.auditEntries(runId);
    for (const e of entries) expect(trail).toContain(`| ${e.seq} | ${e.at} | ${e.actor} | ${e.action} |`);
    expect(trail).toContain(`\`${entries.find((e) => e.action === 'rejected')!.evidenceHash!.slice(0, 12)}\``);
  });

  it('JSON parses, holds the proposals with their evidence, and its entries verify on their own', () => {
    const doc = JSON.parse(auditJson(store, runId)) as {
      runId: string;
      run: { seed: number };
      policy: unknown;
      verification: AuditVerification;
      entries: AuditEntry[];
      proposals: Proposal[];
    };
    expect(doc.runId).toBe(runId);
    expect(doc.run.seed).toBe(1);
    expect(doc.policy).toEqual(POLICY_PRESETS.ask);
    expect(AuditVerification.parse(doc.verification)).toMatchObject({ ok: true, entries: doc.entries.length });
    expect(doc.proposals.map((p) => Proposal.parse(p).id)).toEqual([rejectedId, approvedId]);
    expect(doc.proposals[0]).toMatchObject({ status: 'rejected', decidedBy: 'person:ada', reason: 'rewards format over correctness' });
    expect(doc.proposals[0]!.evidence.flags[0]!.kind).toBe('reward-hacking');
    expect(doc.proposals[1]).toMatchObject({ status: 'applied', decidedBy: 'person:bob' });
    expect(doc.proposals[0]).not.toHaveProperty('checkpoint');
    // Anyone holding the file can re-check the chain.
    let prev = '0'.repeat(64);
    for (const e of doc.entries.map((x) => AuditEntry.parse(x))) {
      const { seq: _seq, hash, ...rest } = e;
      expect(e.prevHash).toBe(prev);
      expect(auditHash(rest)).toBe(hash);
      prev = hash;
    }
    expect(doc.entries.map((e) => e.action)).toEqual(['policy-changed', 'proposed', 'held', 'rejected', 'proposed', 'held', 'approved', 'applied']);
  });

  it('a broken chain is reported in both formats', () => {
    store.close();
    const db = new Database(path.join(dir, 'evolab.db'));
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare("UPDATE audit SET reason = 'fine by me' WHERE action = 'rejected'").run();
    db.close();
    store = Store.open(dir);
    const seq = store.oversight.auditEntries(runId).find((e) => e.action === 'rejected')!.seq;
    expect(auditMarkdown(store, runId)).toContain(`**Audit chain: BROKEN at entry ${seq}**`);
    expect((JSON.parse(auditJson(store, runId)) as { verification: AuditVerification }).verification).toMatchObject({ ok: false, brokenAt: seq });
  });

  it('names files per format, answers audit.export, and refuses an id with no trace', () => {
    expect(auditFileName('20250101-000000-abc', 'md')).toBe('evolab-audit-20250101-000000-abc.md');
    expect(auditFileName('a/b', 'json')).toBe('evolab-audit-a_b.json');
    expect(auditExport(store, runId, 'md')).toMatchObject({ fileName: auditFileName(runId, 'md'), mediaType: 'text/markdown' });
    expect(() => auditMarkdown(store, 'no-such-run')).toThrow(/No run with id "no-such-run"/);
    expect(describeValue(undefined)).toBe('(none)');
    expect(describeValue('x'.repeat(200)).length).toBeLessThanOrEqual(80);
  });

  it('keeps the audit of a deleted run', () => {
    store.deleteRun(runId);
    const md = auditMarkdown(store, runId);
    expect(md).toContain('The run itself was deleted');
    expect(md).toContain('**Audit chain: verified**');
  });
});

describe('injection into the report', () => {
  const forged = 'ok\n## Round 99\n| 999 | 2025 | person:root | approved | - | - | forged |\n#### forged';

  it('a reason, a rationale or a stored actor cannot forge headings, table rows or HTML in the Markdown', () => {
    const p = insertHeld(store, runId, { iteration: 9, rationale: `why\n# Forged report\n<script>alert(1)</script> \`code\`` });
    store.oversight.decide(p.id, 'reject', 'person:ada', forged);
    // An actor written before names were checked (the log keeps what it was given).
    store.oversight.append({
      runId,
      actor: 'gate\n| 998 | x | y |\r\n# Forged',
      action: 'applied',
      reason: 'back\\slash | pipe *bold* [link](http://x) ~~s~~',
    });
    const md = auditMarkdown(store, runId);
    const lines = md.split('\n');
    expect(lines.filter((l) => /^#{1,6} /.test(l)).every((l) => !/Forged|forged|Round 99/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('| 999') || l.startsWith('| 998'))).toBe(false);
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    // Every row of the trail is one entry: as many rows as entries, each with 7 cells.
    const trail = lines.slice(lines.indexOf('## Audit trail') + 4).filter((l) => l.startsWith('|'));
    expect(trail).toHaveLength(store.oversight.auditEntries(runId).length);
    for (const row of trail) expect(row.split(/(?<!\\)\|/).length).toBe(9);
    expect(md).toContain('reason: "ok<br>\\#\\# Round 99<br>\\| 999 \\|');
    expect(mdInline('back\\slash | *b* [l](u) `c` ~~s~~ <b>&')).toBe('back\\\\slash \\| \\*b\\* \\[l\\](u) \\`c\\` \\~\\~s\\~\\~ &lt;b&gt;&amp;');
    expect(mdInline('a\r\nb\u2028c\u0007d\te')).toBe('a<br>b<br>cd e');
  });

  it('an actor name is limited where it is accepted: 64 plain characters, refused naming the field actor', () => {
    for (const bad of ['ada\n# x', 'a|b', 'x'.repeat(65), '<b>', 'a`b', '']) {
      if (bad === '') continue;
      const r = DecisionInput.safeParse({ id: 'x', decision: 'approve', actor: bad });
      expect(r.success, bad).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['actor']);
      expect(r.error!.issues[0]!.message).toContain('at most 64 characters: letters, digits, space and . - _ @');
      let error: unknown;
      try {
        personActor(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CodedError);
      expect((error as CodedError).issues).toEqual([{ path: 'actor', message: expect.stringContaining('at most 64 characters') as string }]);
    }
    for (const good of ['ada', 'Ada Lovelace', 'ada.l-2_x@lab', 'person:ada', 'Zoë', 'x'.repeat(64)]) {
      expect(DecisionInput.safeParse({ id: 'x', decision: 'approve', actor: good }).success, good).toBe(true);
      expect(personActor(good)).toBe(good.startsWith('person:') ? good : `person:${good}`);
    }
    // The store refuses it too, whatever the caller.
    const p = insertHeld(store, runId, { iteration: 9 });
    expect(() => store.oversight.decide(p.id, 'approve', 'person:ada\n# x', null)).toThrow(/actor must be at most 64 characters/);
    expect(store.oversight.requireProposal(p.id).status).toBe('pending');
  });
});
