/**
 * The warm-up is checkpointed as it goes: a SIGTERM (like Ctrl-C) stops a run inside its warm-up and keeps the
 * warm-up's progress, a SIGKILL loses at most WARMUP_CHECKPOINT_EVERY steps, and either way `evolab resume`
 * continues the warm-up to the same metrics as a run that was never interrupted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../shared/run';
import { Store } from '../engine/store/store';
import { finishCli as finish, startCli as start } from './cli-process';

const CONFIG = { warmup: { steps: 500 }, iterations: 1 };
let tmp: string;
let configFile: string;
let expected: Metrics[];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-warmup-'));
  configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(CONFIG));
  const ws = path.join(tmp, 'reference');
  const ref = await finish(start(runArgs(ws)));
  expect(ref.code, ref.stderr).toBe(0);
  expected = metricsOf(ws).metrics;
}, 300_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const runArgs = (ws: string) => ['run', '--preset', 'addition-star-smoke', '--config', configFile, '--json', '--workspace', ws];

function metricsOf(workspace: string): { runId: string; status: string; metrics: Metrics[] } {
  const store = Store.open(workspace);
  try {
    const [run] = store.listRuns();
    const metrics = store
      .iterationNumbers(run!.id)
      .map((i) => Object.fromEntries(Object.entries(store.iterationMetrics(run!.id, i)).filter(([k]) => !/^(perf|time|mem)\//.test(k))));
    return { runId: run!.id, status: run!.status, metrics };
  } finally {
    store.close();
  }
}

/** The run's warm-up checkpoint, once the engine has written one (the only run of the workspace). */
async function warmupCheckpoint(ws: string, deadlineMs: number): Promise<string> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const runs = path.join(ws, 'runs');
    for (const id of fs.existsSync(runs) ? fs.readdirSync(runs) : []) {
      const file = path.join(runs, id, 'warmup.ckpt');
      if (fs.existsSync(file)) return file;
    }
    if (Date.now() > until) throw new Error('no warm-up checkpoint appeared');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a run stopped or killed inside its warm-up', () => {
  it('SIGTERM stops it at a step boundary (exit 143) and resume continues the warm-up', async () => {
    const ws = path.join(tmp, 'sigterm');
    const child = start(runArgs(ws));
    const done = finish(child);
    await warmupCheckpoint(ws, 120_000);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain('Stopping at the next step boundary on SIGTERM');
    const stopped = metricsOf(ws);
    expect(stopped.status).toBe('stopped');
    expect(stopped.metrics).toEqual([]);

    const resumed = await finish(start(['resume', stopped.runId, '--workspace', ws]));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming the warm-up at step [1-9]\d* of 500/);
    expect(metricsOf(ws).metrics).toEqual(expected);
    expect(fs.existsSync(path.join(ws, 'runs', stopped.runId, 'warmup.ckpt'))).toBe(false);
  }, 300_000);

  it('SIGKILL after a warm-up checkpoint: resume continues from that checkpoint, not from step 0', async () => {
    const ws = path.join(tmp, 'sigkill');
    // The 2nd warm-up checkpoint is at step 400.
    const r = await finish(start(runArgs(ws), { EVOLAB_FAULT: 'warmup-checkpointed:2' }));
    expect(r.signal).toBe('SIGKILL');
    const killed = metricsOf(ws);
    expect(killed.status).toBe('interrupted');
    const resumed = await finish(start(['resume', killed.runId, '--workspace', ws]));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('Resuming the warm-up at step 400 of 500');
    expect(metricsOf(ws).metrics).toEqual(expected);
  }, 300_000);
});
