/**
 * A run with 2 pool workers, killed (SIGKILL) after a warm-up checkpoint and resumed with `evolab resume`, ends with
 * the same metrics as the same run never interrupted: the checkpoint holds nothing of the workers, and a fixed worker
 * count replays from the seed across processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../shared/run';
import { Store } from '../engine/store/store';
import { finishCli as finish, startCli as start } from './cli-process';

const CONFIG = { workers: 2, backend: 'wasm', warmup: { steps: 250 }, iterations: 1 };
let tmp: string;
let configFile: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-pool-'));
  configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(CONFIG));
});
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

describe('a run with 2 workers', () => {
  it('killed after a warm-up checkpoint, resumes to the metrics of an uninterrupted run', async () => {
    const reference = path.join(tmp, 'reference');
    const ref = await finish(start(runArgs(reference)));
    expect(ref.code, ref.stderr).toBe(0);
    const expected = metricsOf(reference).metrics;
    expect(expected).toHaveLength(2);
    const manifest = JSON.parse(fs.readFileSync(path.join(reference, 'runs', metricsOf(reference).runId, 'manifest.json'), 'utf8')) as { workers: number };
    expect(manifest.workers).toBe(2);

    const ws = path.join(tmp, 'killed');
    const r = await finish(start(runArgs(ws), { EVOLAB_FAULT: 'warmup-checkpointed:1' }));
    expect(r.signal).toBe('SIGKILL');
    const killed = metricsOf(ws);
    expect(killed.status).toBe('interrupted');
    const resumed = await finish(start(['resume', killed.runId, '--workspace', ws]));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('Resuming the warm-up at step 200 of 250');
    expect(metricsOf(ws).metrics).toEqual(expected);
  }, 300_000);
});
