/**
 * A governed classifier run killed with SIGKILL mid-round (a child trained, nothing of the round committed) and
 * right after a round commits resumes to the same proposals, decisions, metrics and audit log as an uninterrupted
 * run: the same guarantee as for text runs (governed-resume.test.ts), through the same loop. The kills land in their
 * windows through the engine's named crash points (EVOLAB_FAULT).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../engine/store/store';
import { finishCli as finish, startCli as start } from './cli-process';
import { runSnapshot } from './run-snapshot';

const PRESET = 'shift-governed-smoke';
const CONFIG = { iterations: 3, backend: 'wasm' };

let tmp: string;
let configFile: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-governed-stream-kill-'));
  configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(CONFIG));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The batch policy: auto approval, and what would wait for a person is rejected, so the run never waits.
const runArgs = (ws: string) => ['run', '--preset', PRESET, '--config', configFile, '--policy', 'batch', '--json', '--workspace', ws];

describe('governed classifier run across SIGKILL', () => {
  it('a kill mid-round or right after a round commits resumes to what an uninterrupted run does', async () => {
    const wsRef = path.join(tmp, 'reference');
    const ref = await finish(start(runArgs(wsRef)));
    expect(ref.code, ref.stderr).toBe(0);
    const refRun = JSON.parse(ref.stdout.trim().split('\n').at(-1)!) as { runId: string };
    const expected = runSnapshot(wsRef, refRun.runId);
    expect(expected.proposals.filter((p) => p.kind !== 'model:promote').length).toBeGreaterThanOrEqual(3);

    // Round 2's first trial (round 1 has one), and the commit of round 2 (iteration 0 is the 1st commit).
    for (const [fault, committed] of [
      ['governed-trial:2', [0, 1]],
      ['iteration-committed:3', [0, 1, 2]],
    ] as const) {
      const ws = path.join(tmp, fault.replace(':', '-'));
      const killed = await finish(start(runArgs(ws), { EVOLAB_FAULT: fault }));
      expect(killed.signal, fault).toBe('SIGKILL');
      const store = Store.open(ws);
      const [run] = store.listRuns();
      expect(run!.status).toBe('interrupted');
      expect(store.iterationNumbers(run!.id)).toEqual(committed);
      store.close();
      const resumed = await finish(start(['resume', run!.id, '--json', '--workspace', ws]));
      expect(resumed.code, resumed.stderr).toBe(0);
      const got = runSnapshot(ws, run!.id);
      expect(got.proposals, fault).toEqual(expected.proposals);
      expect(got.metrics, fault).toEqual(expected.metrics);
      expect(got.audit, fault).toEqual(expected.audit);
      expect(got.audit.ok).toBe(true);
    }
  }, 400_000);
});
