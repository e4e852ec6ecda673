/**
 * A governed run killed with SIGKILL right after a round commits (before the round's proposals are announced)
 * resumes to the same proposals, decisions, metrics and audit log as an uninterrupted run. The kill lands in that
 * window deterministically through the engine's named crash point (EVOLAB_FAULT).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_PRESETS } from '../shared/oversight';
import { Store } from '../engine/store/store';
import { finishCli as finish, startCli as start } from './cli-process';
import { runSnapshot } from './run-snapshot';

const PRESET = 'addition-oversight-smoke';
// Short: the test is about the kill window, not about what the agent learns.
const CONFIG = { warmup: { steps: 200 }, iterations: 2 };
// Approves what it may and holds flagged children without pausing, so the run never waits on a person.
const POLICY = { ...POLICY_PRESETS.auto, whileWaiting: 'continue' };

let tmp: string;
let configFile: string;
let policyFile: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-governed-kill-'));
  configFile = path.join(tmp, 'config.json');
  policyFile = path.join(tmp, 'policy.json');
  fs.writeFileSync(configFile, JSON.stringify(CONFIG));
  fs.writeFileSync(policyFile, JSON.stringify(POLICY));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const runArgs = (ws: string) => ['run', '--preset', PRESET, '--config', configFile, '--policy', policyFile, '--json', '--workspace', ws];

describe('governed run across SIGKILL', () => {
  it("a kill right after a round commits keeps that round's proposals; resume matches an uninterrupted run", async () => {
    const wsRef = path.join(tmp, 'reference');
    const ref = await finish(start(runArgs(wsRef)));
    expect(ref.code, ref.stderr).toBe(0);
    const refRun = JSON.parse(ref.stdout.trim().split('\n').at(-1)!) as { runId: string };
    const expected = runSnapshot(wsRef, refRun.runId);
    expect(expected.proposals.filter((p) => p.iteration === 1).length).toBeGreaterThan(0);

    const ws = path.join(tmp, 'killed');
    // The 2nd commit is round 1 (iteration 0 is the warm-up): killed after it, before its proposals are announced.
    const killed = await finish(start(runArgs(ws), { EVOLAB_FAULT: 'iteration-committed:2' }));
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).not.toContain('"event":"proposal"');
    const store = Store.open(ws);
    const [run] = store.listRuns();
    expect(run.status).toBe('interrupted');
    expect(store.iterationNumbers(run.id)).toEqual([0, 1]);
    // The round and its proposals were committed together.
    const round1 = store.oversight.listProposals({ runId: run.id, limit: 1000 });
    store.close();
    expect(round1.map((p) => p.id.slice(run.id.length + 1)).sort()).toEqual(expected.proposals.filter((p) => p.iteration === 1).map((p) => p.id));

    const resumed = await finish(start(['resume', run.id, '--json', '--workspace', ws]));
    expect(resumed.code, resumed.stderr).toBe(0);
    const got = runSnapshot(ws, run.id);
    expect(got.proposals).toEqual(expected.proposals);
    expect(got.metrics).toEqual(expected.metrics);
    expect(got.audit).toEqual(expected.audit);
    expect(got.audit.ok).toBe(true);
  }, 400_000);
});
