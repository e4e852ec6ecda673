/**
 * Random SIGKILLs of governed runs, archive runs and `evolab decide`, at seeded random moments. After every kill the
 * workspace must be sound at rest; every killed run is resumed (and killed again) until it completes, and must then
 * equal a run that was never interrupted: the same metrics, the same proposals with the same outcomes, the same
 * archive, an audit chain that verifies. Every `evolab decide` that reported success must be in the store and its
 * audit log, and a killed one must have left the proposal either decided (with its entry) or untouched.
 *
 * FAULTS_SEED picks the kill moments (default 1); FAULTS_SCALE multiplies the trials (default 1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_PRESETS } from '../../shared/oversight';
import { createRng } from '../../engine/rng';
import { Store } from '../../engine/store/store';
import { type CliResult, finishCli, startCli } from '../cli-process';
import { corruptions, runSnapshot, type RunSnapshot } from '../run-snapshot';
import { recordFaults } from './report';

const SCALE = Math.max(1, Number(process.env.FAULTS_SCALE ?? 1) || 1);
const rng = createRng(Number(process.env.FAULTS_SEED ?? 1) || 1);
const KILLS_PER_RUN = 4;

const KINDS = {
  governed: {
    preset: 'addition-oversight-smoke',
    config: { warmup: { steps: 200 }, iterations: 3 },
    // Approves what it may, holds flagged children without pausing: the run never waits for a person.
    policy: { ...POLICY_PRESETS.auto, whileWaiting: 'continue' },
    trials: 2,
  },
  archive: {
    preset: 'addition-archive-smoke',
    config: { warmup: { steps: 200 }, archive: { budget: 300, stagedFloor: 0.2 } },
    policy: POLICY_PRESETS.archive,
    trials: 1,
  },
} as const;
type Kind = keyof typeof KINDS;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-kills-'));
  for (const [kind, k] of Object.entries(KINDS)) {
    fs.writeFileSync(path.join(tmp, `${kind}.config.json`), JSON.stringify(k.config));
    fs.writeFileSync(path.join(tmp, `${kind}.policy.json`), JSON.stringify(k.policy));
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const runArgs = (kind: Kind, ws: string) => [
  'run',
  '--preset',
  KINDS[kind].preset,
  '--config',
  path.join(tmp, `${kind}.config.json`),
  '--policy',
  path.join(tmp, `${kind}.policy.json`),
  '--json',
  '--workspace',
  ws,
];

/** Runs the command, SIGKILLing it after `afterMs` unless it ended first. */
async function runKilledAfter(args: string[], afterMs: number | null): Promise<CliResult> {
  const child = startCli(args);
  const timer = afterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), afterMs);
  try {
    return await finishCli(child);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function onlyRun(ws: string): { id: string; status: string } {
  const store = Store.open(ws);
  try {
    const runs = store.listRuns();
    if (runs.length !== 1) throw new Error(`expected one run in ${ws}, found ${runs.length}`);
    return { id: runs[0]!.id, status: runs[0]!.status };
  } finally {
    store.close();
  }
}

const counts = { kills: 0, runKills: 0, decideKills: 0, corruptions: 0, lostProposals: 0, lostDecisions: 0, mismatches: 0 };
const problems: string[] = [];

function noteCorruptions(ws: string, when: string): void {
  const found = corruptions(ws);
  counts.corruptions += found.length;
  for (const p of found) problems.push(`${when}: ${p}`);
}

/** Proposals of the reference missing from the resumed run, or with another outcome. */
function compare(kind: Kind, expected: RunSnapshot, got: RunSnapshot, label: string): void {
  const have = new Map(got.proposals.map((p) => [p.id, p]));
  const lost = expected.proposals.filter((p) => !have.has(p.id));
  counts.lostProposals += lost.length;
  if (lost.length > 0) problems.push(`${label}: lost proposals ${lost.map((p) => p.id).join(', ')}`);
  for (const [what, a, b] of [
    ['metrics', expected.metrics, got.metrics],
    ['proposals', expected.proposals, got.proposals],
    ['archive', expected.archive, got.archive],
    ['audit', expected.audit, got.audit],
  ] as const) {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      counts.mismatches++;
      problems.push(`${label} (${kind}): ${what} differ from the uninterrupted run`);
    }
  }
}

describe('random SIGKILLs', () => {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    it(`${kind} runs killed at random moments resume to the uninterrupted run`, async () => {
      const wsRef = path.join(tmp, `${kind}-reference`);
      const t0 = performance.now();
      const ref = await runKilledAfter(runArgs(kind, wsRef), null);
      const duration = performance.now() - t0;
      expect(ref.code, ref.stderr).toBe(0);
      const expected = runSnapshot(wsRef, onlyRun(wsRef).id);
      expect(expected.proposals.length).toBeGreaterThan(0);

      for (let trial = 0; trial < KINDS[kind].trials * SCALE; trial++) {
        const ws = path.join(tmp, `${kind}-${trial}`);
        const label = `${kind} trial ${trial}`;
        let args = runArgs(kind, ws);
        for (let attempt = 0; ; attempt++) {
          // Each kill lands somewhere in the first 60% of a whole run's time (start-up included), so most land before
          // a resumed attempt finishes; the last attempt runs to the end.
          const killAt = attempt < KILLS_PER_RUN ? 300 + rng.next() * duration * 0.6 : null;
          const r = await runKilledAfter(args, killAt);
          if (r.signal === 'SIGKILL') {
            counts.kills++;
            counts.runKills++;
          } else if (r.code !== 0) {
            problems.push(`${label}: exited ${r.code}: ${r.stderr.slice(-400)}`);
            counts.mismatches++;
            break;
          }
          if (!fs.existsSync(path.join(ws, 'evolab.db'))) continue; // killed before the workspace existed
          noteCorruptions(ws, `${label} after attempt ${attempt}`);
          const run = onlyRun(ws);
          if (run.status === 'completed') break;
          args = ['resume', run.id, '--json', '--workspace', ws];
        }
        if (fs.existsSync(path.join(ws, 'evolab.db'))) compare(kind, expected, runSnapshot(ws, onlyRun(ws).id), label);
      }
      expect(problems).toEqual([]);
    }, 1_800_000);
  }

  it('evolab decide killed at random moments: each decision is whole or absent, and none that succeeded is lost', async () => {
    // A governed run whose every proposal waits for a person, without pausing the run.
    const ws = path.join(tmp, 'decide');
    fs.writeFileSync(path.join(tmp, 'ask.policy.json'), JSON.stringify({ ...POLICY_PRESETS.ask, whileWaiting: 'continue' }));
    const r = await runKilledAfter(
      [
        'run',
        '--preset',
        KINDS.governed.preset,
        '--config',
        path.join(tmp, 'governed.config.json'),
        '--policy',
        path.join(tmp, 'ask.policy.json'),
        '--json',
        '--workspace',
        ws,
      ],
      null,
    );
    expect(r.code, r.stderr).toBe(0);
    const runId = onlyRun(ws).id;
    const store = Store.open(ws);
    const pending = store.oversight.listProposals({ runId, status: 'pending' }).map((p) => p.id);
    store.close();
    expect(pending.length).toBeGreaterThan(1);

    const succeeded = new Map<string, 'approved' | 'rejected'>();
    // How long one decide takes here: the kills land in its second half, where it opens the workspace and writes.
    const t0 = performance.now();
    const probe = await runKilledAfter(['proposals', '--workspace', ws], null);
    expect(probe.code, probe.stderr).toBe(0);
    const decideMs = performance.now() - t0;
    for (const [i, id] of pending.entries()) {
      const decision = i % 2 === 0 ? 'approve' : 'reject';
      for (let attempt = 0; attempt < 3 + SCALE * 2 && !succeeded.has(id); attempt++) {
        const killAt = attempt < 2 * SCALE ? decideMs * (0.4 + 0.7 * rng.next()) : null;
        const d = await runKilledAfter(['decide', id, decision, '--reason', `fault trial ${attempt}`, '--as', 'faults', '--workspace', ws], killAt);
        if (d.signal === 'SIGKILL') {
          counts.kills++;
          counts.decideKills++;
        } else if (d.code === 0) succeeded.set(id, decision === 'approve' ? 'approved' : 'rejected');
        else if (!d.stderr.includes('already')) problems.push(`decide ${id}: exited ${d.code}: ${d.stderr.slice(-300)}`);
        noteCorruptions(ws, `decide ${id} attempt ${attempt}`);
        // Whole or absent: a decided proposal has exactly one decision entry; a pending one has none.
        const s = Store.open(ws);
        const p = s.oversight.requireProposal(id);
        const entries = s.oversight.auditEntries(runId).filter((e) => e.proposalId === id && (e.action === 'approved' || e.action === 'rejected'));
        s.close();
        if (p.status === 'pending' ? entries.length !== 0 : entries.length !== 1) {
          counts.corruptions++;
          problems.push(`decide ${id}: status ${p.status} with ${entries.length} decision entries`);
        }
        if (p.status !== 'pending' && !succeeded.has(id)) succeeded.set(id, p.status as 'approved' | 'rejected');
      }
    }
    const s = Store.open(ws);
    for (const [id, status] of succeeded) {
      const p = s.oversight.requireProposal(id);
      if (p.status !== status) {
        counts.lostDecisions++;
        problems.push(`decide ${id}: reported ${status}, stored ${p.status}`);
      }
    }
    const undecided = pending.filter((id) => !succeeded.has(id));
    s.close();
    counts.lostDecisions += undecided.length;
    for (const id of undecided) problems.push(`decide ${id}: never decided`);
    expect(problems).toEqual([]);
  }, 1_800_000);
});

afterAll(() => {
  recordFaults('kills', {
    summary: `${counts.kills} SIGKILLs (${counts.runKills} of governed and archive runs, ${counts.decideKills} of evolab decide) at seeded random moments; every workspace checked after each kill and every resumed run compared with an uninterrupted one`,
    trials: counts.kills,
    failures: { corruptions: counts.corruptions, lostProposals: counts.lostProposals, lostDecisions: counts.lostDecisions, mismatches: counts.mismatches },
    details: { seed: Number(process.env.FAULTS_SEED ?? 1) || 1, scale: SCALE, problems },
  });
});
