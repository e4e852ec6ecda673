import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../shared/run';
import { Store } from '../engine/store/store';
import { findPreset } from '../shared/presets';
import { finishCli as finish, repoRoot as root, runCli as cli, startCli as start } from './cli-process';

const PRESET = 'addition-star-smoke';
/** Iteration 0 (the warm-up) and every self-improvement iteration of the preset. */
const ALL_ITERATIONS = Array.from({ length: findPreset(PRESET)!.config.iterations + 1 }, (_, i) => i);
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-cli-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function jsonLines(stdout: string): Array<{ event: string; iteration?: number; runId?: string; status?: string; metrics: Metrics }> {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { event: string; metrics: Metrics });
}

/** Per-iteration metrics from the workspace, without those that measure the machine rather than the run. */
function storedMetrics(workspace: string, runId: string): Metrics[] {
  const store = Store.open(workspace);
  try {
    return store
      .iterationNumbers(runId)
      .map((i) => Object.fromEntries(Object.entries(store.iterationMetrics(runId, i)).filter(([k]) => !/^(perf|time|mem)\//.test(k))));
  } finally {
    store.close();
  }
}

describe('evolab CLI', () => {
  it('survives a SIGKILL mid-run and resumes to the same metrics as an uninterrupted run', async () => {
    const wsRef = path.join(tmp, 'reference');
    const ref = await cli(['run', '--preset', PRESET, '--json', '--workspace', wsRef]);
    expect(ref.code, ref.stderr).toBe(0);
    const refLines = jsonLines(ref.stdout);
    const refDone = refLines.at(-1)!;
    expect(refDone).toMatchObject({ event: 'done', status: 'completed' });
    expect(refLines.filter((l) => l.event === 'iteration').map((l) => l.iteration)).toEqual(ALL_ITERATIONS);

    // Determinism: a second uninterrupted run with the same config and seed, iteration by iteration.
    const wsTwin = path.join(tmp, 'twin');
    const twin = await cli(['run', '--preset', PRESET, '--json', '--workspace', wsTwin]);
    expect(twin.code, twin.stderr).toBe(0);
    expect(storedMetrics(wsTwin, jsonLines(twin.stdout).at(-1)!.runId!)).toEqual(storedMetrics(wsRef, refDone.runId!));

    const ws = path.join(tmp, 'killed');
    const child = start(['run', '--preset', PRESET, '--json', '--workspace', ws]);
    let iterationsSeen = 0;
    const killed = await finish(child, (line) => {
      if (line.includes('"event":"iteration"') && ++iterationsSeen === 2) child.kill('SIGKILL');
    });
    expect(killed.signal).toBe('SIGKILL');

    const store = Store.open(ws);
    const [run] = store.listRuns();
    expect(run.status).toBe('interrupted');
    expect(store.iterationNumbers(run.id).slice(0, 2)).toEqual([0, 1]);
    store.close();

    const resumed = await cli(['resume', run.id, '--json', '--workspace', ws]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedLines = jsonLines(resumed.stdout);
    // It continued after the last committed iteration rather than starting over.
    expect(resumedLines[0].iteration).toBeGreaterThanOrEqual(2);
    const done = resumedLines.at(-1)!;
    expect(done).toMatchObject({ event: 'done', runId: run.id, status: 'completed' });

    const check = Store.open(ws);
    expect(check.iterationNumbers(run.id)).toEqual(ALL_ITERATIONS);
    check.close();
    expect(storedMetrics(ws, run.id)).toEqual(storedMetrics(wsRef, refDone.runId!));
  }, 600_000);

  it('Ctrl-C once stops the run at its last checkpoint; resume finishes it', async () => {
    const ws = path.join(tmp, 'sigint');
    const child = start(['run', '--preset', PRESET, '--iterations', '2', '--json', '--workspace', ws]);
    let sent = false;
    const r = await finish(child, (line) => {
      if (!sent && line.includes('"event":"iteration"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(r.code, r.stderr).toBe(130);
    const done = jsonLines(r.stdout).at(-1)!;
    expect(done).toMatchObject({ event: 'done', status: 'stopped' });
    expect(r.stderr).toContain('Stopping at the next step boundary');
    const store = Store.open(ws);
    const run = store.requireRun(done.runId!);
    expect(run.status).toBe('stopped');
    const last = store.lastCheckpoint(run.id)!.iteration;
    expect(store.iterationNumbers(run.id)).toEqual([...Array(last + 1).keys()]);
    store.close();
    const resumed = await cli(['resume', run.id, '--json', '--workspace', ws]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonLines(resumed.stdout)[0].iteration).toBe(last + 1);
  }, 300_000);

  it('runs as `npx evolab` from the repository root', async () => {
    const npx = spawn(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--offline', 'evolab', 'presets'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const r = await finish(npx);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^addition-star-smoke\s+star\s+/m);
  }, 120_000);

  it('names the unknown preset and lists the valid ones, writing nothing', async () => {
    const ws = path.join(tmp, 'bad-preset');
    const r = await cli(['run', '--preset', 'nope', '--workspace', ws]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Unknown preset "nope"');
    expect(r.stderr).toContain('addition-star-smoke');
    expect(fs.existsSync(path.join(ws, 'evolab.db'))).toBe(false);
  });

  it('names each bad config field and what is allowed; a missing file is named by its path', async () => {
    const ws = path.join(tmp, 'bad-config');
    const file = path.join(tmp, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ task: { kind: 'arithmetic', maxDigits: 40 }, recipe: { kind: 'star', samplesPerPrompt: 0 }, colour: 'red' }));
    const r = await cli(['run', '--config', file, '--workspace', ws]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('task.maxDigits: must be at most 12');
    expect(r.stderr).toContain('recipe.samplesPerPrompt: must be at least 1');
    expect(r.stderr).toContain('unknown field "colour"');
    expect(fs.existsSync(path.join(ws, 'evolab.db'))).toBe(false);

    const missing = path.join(tmp, 'does-not-exist.json');
    const m = await cli(['run', '--config', missing, '--workspace', ws]);
    expect(m.code).not.toBe(0);
    expect(m.stderr).toContain(`Config file not found: ${missing}`);

    const seed = await cli(['run', '--preset', PRESET, '--seed', 'abc', '--workspace', ws]);
    expect(seed.code).not.toBe(0);
    expect(seed.stderr).toContain('--seed must be a whole number');
  });

  it('says which workspace is not writable and how to fix it', async () => {
    const file = path.join(tmp, 'plain-file');
    fs.writeFileSync(file, '');
    const ws = path.join(file, 'workspace');
    const r = await cli(['runs', '--workspace', ws]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`The workspace folder ${ws} is not writable`);
    expect(r.stderr).toContain('--workspace DIR');
  });

  it('exports a run with its iterations and trajectory counts', async () => {
    const ws = path.join(tmp, 'reference');
    const store = Store.open(ws);
    const [run] = store.listRuns();
    store.close();
    const out = path.join(tmp, 'export', 'run.json');
    const r = await cli(['export', run.id, '--out', out, '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      status: string;
      config: { preset: string };
      iterations: Array<{ iteration: number; metrics: Metrics; trajectories: { count: number; kept: number; correct: number } }>;
    };
    expect(data.status).toBe('completed');
    expect(data.config.preset).toBe(PRESET);
    expect(data.iterations.map((i) => i.iteration)).toEqual(ALL_ITERATIONS);
    expect(data.iterations[1].trajectories.count).toBeGreaterThan(0);
    expect(data.iterations[1].trajectories.kept).toBeLessThanOrEqual(data.iterations[1].trajectories.count);
    expect(typeof data.iterations.at(-1)!.metrics['heldout/acc_hardest']).toBe('number');

    // The same run as CSV: a header of metric columns and one row per iteration.
    const csvOut = path.join(tmp, 'export', 'run.csv');
    expect((await cli(['export', run.id, '--out', csvOut, '--workspace', ws])).code).toBe(0);
    const [header, ...rows] = fs.readFileSync(csvOut, 'utf8').trimEnd().split('\n');
    const columns = header.split(',');
    expect(columns[0]).toBe('iteration');
    expect(columns).toContain('heldout/acc_hardest');
    expect(rows.map((r) => Number(r.split(',')[0]))).toEqual(ALL_ITERATIONS);
    const bad = await cli(['export', run.id, '--out', csvOut, '--format', 'xml', '--workspace', ws]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown export format "xml" in --format');
    expect(bad.stderr).toContain('the formats are json, csv, tensorboard, mlflow');

    const unknown = await cli(['export', 'no-such-run', '--out', path.join(tmp, 'x.json'), '--workspace', ws]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No run with id "no-such-run"');
    expect(fs.existsSync(path.join(tmp, 'x.json'))).toBe(false);
  });
});
