import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPreset } from '../../shared/presets';
import { auditMarkdown } from '../oversight/audit-report';
import { pairHash } from './rating-store';
import { migrate } from './schema';
import { Store } from './store';

let dir: string;
let store: Store;
let runId: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-ratings-'));
  process.env.EVOLAB_AUDIT_KEY_FILE = path.join(`${dir}-key`, 'audit-key');
  store = Store.open(dir);
  runId = store.createRun(findPreset('preference-person-dpo-smoke')!.config).id;
  store.setStatus(runId, 'waiting');
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(`${dir}-key`, { recursive: true, force: true });
  delete process.env.EVOLAB_AUDIT_KEY_FILE;
});

const pairs = [
  { prompt: 'q1:', a: 'rock', b: 'paper' },
  { prompt: 'q2:', a: 'scissors', b: 'rock' },
  { prompt: 'q3:', a: 'paper', b: 'scissors' },
];
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};

describe('the rating store', () => {
  it('keeps pairs in order, a choice once with its audit entry, and refuses a second or a late one', () => {
    const stored = store.ratings.add(runId, 1, pairs);
    expect(stored.map((p) => p.id)).toEqual([`${runId}-i1-0`, `${runId}-i1-1`, `${runId}-i1-2`]);
    expect(store.ratings.add(runId, 1, [{ prompt: 'q4:', a: 'x', b: 'y' }])[0]!.index).toBe(3);
    expect(store.ratings.counts()).toEqual([{ runId, waiting: 4 }]);

    const chosen = store.ratings.choose(stored[0]!.id, 'b', 'person:ada');
    expect(chosen).toMatchObject({ status: 'rated', choice: 'b', chosenBy: 'person:ada' });
    const entry = store.oversight.auditEntries(runId).at(-1)!;
    expect(entry).toMatchObject({ action: 'rated', actor: 'person:ada', proposalId: null });
    expect(entry.detail).toMatchObject({ pair: stored[0]!.id, choice: 'b', iteration: 1, pairHash: pairHash(pairs[0]!) });

    // Final: another choice on it is refused, names who chose what, and leaves the row and the log as they were.
    const entries = store.oversight.auditEntries(runId).length;
    expect(code(() => store.ratings.choose(stored[0]!.id, 'a', 'person:bob'))).toBe('already_decided');
    expect(() => store.ratings.choose(stored[0]!.id, 'a', 'person:bob')).toThrow(/already rated b by person:ada/);
    expect(store.ratings.require(stored[0]!.id).choice).toBe('b');
    expect(store.oversight.auditEntries(runId)).toHaveLength(entries);

    // The quorum came first: the rest expire, leave the waiting list and refuse a choice.
    store.ratings.choose(stored[1]!.id, 'skip', 'person:ada');
    expect(store.ratings.expire(runId, 1)).toBe(2);
    expect(store.ratings.waiting(runId)).toEqual([]);
    expect(() => store.ratings.choose(stored[2]!.id, 'a', 'person:ada')).toThrow(/expired: iteration 1 .* reached its quorum/);
    expect(code(() => store.ratings.choose('nope-i1-0', 'a', 'person:ada'))).toBe('invalid_request');

    expect(store.ratings.summary(runId)).toEqual([
      { iteration: 1, asked: 4, a: 0, b: 1, skipped: 1, expired: 2, trainedOn: null, loss: null, chosenReward: null, rejectedReward: null },
    ]);
    expect(store.verifyAudit(runId).ok).toBe(true);
    // The exported report's trail names each choice.
    expect(auditMarkdown(store, runId)).toContain(`| rated | ${stored[0]!.id}: b |`);
  });

  it('two processes choosing the same pair at once: one choice is stored, the other refused', () => {
    const [pair] = store.ratings.add(runId, 1, pairs.slice(0, 1));
    const other = Store.open(dir);
    try {
      const results = [store, other].map((s, k) => code(() => s.ratings.choose(pair!.id, k === 0 ? 'a' : 'b', `person:p${k}`)));
      expect(results.sort()).toEqual(['already_decided', 'no error']);
      expect(store.oversight.auditEntries(runId).filter((e) => e.action === 'rated')).toHaveLength(1);
    } finally {
      other.close();
    }
  });

  it('an edited choice or pair fails the audit verification; pairs outlive a resume and go with the run', () => {
    const [pair] = store.ratings.add(runId, 1, pairs.slice(0, 1));
    store.ratings.choose(pair!.id, 'a', 'person:ada');
    // Resume drops iterations after the last checkpoint, not the pairs and choices of the one it redoes.
    store.truncateAfter(runId, 0);
    expect(store.ratings.pairs(runId, 1)[0]!.choice).toBe('a');
    // The entry pins the choice and the pair's content by hash: editing the row cannot make the log agree.
    const raw = new Database(path.join(dir, 'evolab.db'));
    raw.prepare("UPDATE rating_pairs SET choice = 'b', output_a = 'paper' WHERE id = ?").run(pair!.id);
    raw.close();
    const verification = store.verifyAudit(runId);
    expect(verification).toMatchObject({ ok: false, state: 'tampered' });
    expect(verification.problems.map((p) => [p.kind, p.field])).toEqual([
      ['rating', 'choice'],
      ['rating', 'pair'],
    ]);
    expect(verification.message).toMatch(/choice is b in the database, but entry \d+ recorded a/);

    store.deleteRun(runId);
    expect(store.ratings.counts()).toEqual([]);
  });

  it('migrates a schema-7 workspace: its trajectories read without a pair', () => {
    store.close();
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-ratings-7-'));
    try {
      const db = new Database(path.join(fresh, 'evolab.db'));
      migrate(db, 7);
      db.close();
      const s = Store.open(fresh);
      const id = s.createRun(findPreset('preference-person-dpo-smoke')!.config).id;
      s.commitIteration(id, {
        iteration: 0,
        startedAt: 's',
        endedAt: 'e',
        checkpoint: null,
        metrics: {},
        trajectories: [{ level: 1, prompt: 'q1:', output: 'rock', answer: null, reward: 1, correct: true, kept: false, verdict: 'v' }],
      });
      expect(s.trajectories({ runId: id, limit: 10, offset: 0, filter: 'all' }).items[0]!.pair).toBeUndefined();
      s.close();
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
    store = Store.open(dir);
  });
});
