import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPreset } from '../../shared/presets';
import { FakeSession } from '../../engine/fake-session';
import { EngineService } from '../../engine/service';
import { readEventFile } from '../../engine/store/test-fixtures/tfrecord-reader';
import { main, type CliIo } from '../cli';
import { mlflowKey, mlflowRunId } from './mlflow';

let tmp: string;
let ws: string;
let runId: string;
/** iteration -> metric -> value, as the store has them. */
let stored: Map<number, Record<string, number>>;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-export-'));
  ws = path.join(tmp, 'ws');
  const service = new EngineService({ workspace: ws, emit: () => {}, createSession: FakeSession.factory(), initBackend: async () => ({ active: 'cpu' }) });
  runId = service.start({ config: { ...findPreset('addition-star-smoke')!.config, iterations: 3 } });
  expect(await service.waitForRun(runId)).toBe('completed');
  stored = new Map(service.store.iterationNumbers(runId).map((i) => [i, service.store.iterationMetrics(runId, i)]));
  await service.close();
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: CliIo = { out: () => {}, err: (t) => (stderr += t), tty: false };
  const code = await main([...args, '--workspace', ws], io);
  return { code, stderr };
}

describe('evolab export --format', () => {
  it('csv: a row per iteration and a column per metric, with every stored value', async () => {
    const out = path.join(tmp, 'run.csv');
    expect((await cli(['export', runId, '--format', 'csv', '--out', out])).code).toBe(0);
    const [header, ...rows] = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    const names = header.split(',');
    expect(names[0]).toBe('iteration');
    expect(rows).toHaveLength(stored.size);
    for (const row of rows) {
      const cells = row.split(',');
      const metrics = stored.get(Number(cells[0]))!;
      for (const [name, value] of Object.entries(metrics)) expect(Number(cells[names.indexOf(name)])).toBe(value);
    }
  });

  it('tensorboard: PATH/<run-id>/ holds an event file with every scalar at its step', async () => {
    const out = path.join(tmp, 'tb');
    const r = await cli(['export', runId, '--format', 'tensorboard', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`tensorboard --logdir ${out}`);
    const [file] = fs.readdirSync(path.join(out, runId));
    const events = readEventFile(path.join(out, runId, file));
    for (const [i, metrics] of stored) {
      const at = events.find((e) => e.step === i && Object.keys(e.scalars).length > 0)!;
      for (const [name, value] of Object.entries(metrics)) expect(at.scalars[name]).toBe(Math.fround(value));
    }
  });

  it("mlflow: the file store's layout, with every metric at its step, the config as params and the run's tags", async () => {
    const out = path.join(tmp, 'mlruns');
    const r = await cli(['export', runId, '--format', 'mlflow', '--out', out, '--experiment', 'smoke tests']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, '0', 'meta.yaml'), 'utf8')).toContain("name: 'Default'");
    const experiments = fs.readdirSync(out).filter((d) => d !== '0');
    expect(experiments).toHaveLength(1);
    const [exp] = experiments;
    expect(exp).toMatch(/^\d+$/);
    const expMeta = fs.readFileSync(path.join(out, exp, 'meta.yaml'), 'utf8');
    expect(expMeta).toContain(`experiment_id: '${exp}'`);
    expect(expMeta).toContain("name: 'smoke tests'");
    expect(expMeta).toContain("lifecycle_stage: 'active'");

    const id = mlflowRunId(runId);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const runDir = path.join(out, exp, id);
    const meta = fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8');
    for (const line of [`run_id: '${id}'`, `run_uuid: '${id}'`, `experiment_id: '${exp}'`, 'status: 3', 'source_type: 4', 'tags: []'])
      expect(meta).toContain(line);
    expect(meta).toMatch(/^start_time: \d+$/m);
    expect(meta).toMatch(/^end_time: \d+$/m);

    const names = new Set([...stored.values()].flatMap((m) => Object.keys(m)));
    for (const name of names) {
      const lines = fs
        .readFileSync(path.join(runDir, 'metrics', mlflowKey(name)), 'utf8')
        .trimEnd()
        .split('\n');
      const expected = [...stored].filter(([, m]) => name in m).map(([i, m]) => [i, m[name]]);
      expect(lines.map((l) => l.split(' ')).map(([, v, step]) => [Number(step), Number(v)])).toEqual(expected);
      for (const l of lines) expect(l).toMatch(/^\d+ \S+ \d+$/);
    }
    expect(fs.readFileSync(path.join(runDir, 'params', 'recipe.kind'), 'utf8')).toBe('star');
    expect(fs.readFileSync(path.join(runDir, 'params', 'seed'), 'utf8')).toBe(String(findPreset('addition-star-smoke')!.config.seed));
    expect(fs.readFileSync(path.join(runDir, 'tags', 'evolab.run_id'), 'utf8')).toBe(runId);
    expect(fs.readFileSync(path.join(runDir, 'tags', 'mlflow.runName'), 'utf8')).toContain(runId);
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'artifacts', 'evolab-run.json'), 'utf8')).run.id).toBe(runId);

    // Exporting again replaces the run rather than adding a second one, and leaves no temp folder.
    expect((await cli(['export', runId, '--format', 'mlflow', '--out', out, '--experiment', 'smoke tests'])).code).toBe(0);
    expect(fs.readdirSync(path.join(out, exp)).sort()).toEqual([id, 'meta.yaml'].sort());
  });

  it('names the flag and the formats for an unknown format, and needs --out', async () => {
    const r = await cli(['export', runId, '--format', 'tensorbord', '--out', path.join(tmp, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown export format "tensorbord" in --format');
    expect(r.stderr).toContain('"tensorboard"');
    const missing = await cli(['export', runId, '--format', 'mlflow']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--out DIR');
  });
});

describe('mlflowKey', () => {
  it("keeps MLflow's allowed characters and slashes, replaces the rest", () => {
    expect(mlflowKey('reward/mean')).toBe('reward/mean');
    expect(mlflowKey('explore/pass@k')).toBe('explore/pass_k');
    expect(mlflowKey('a/../b')).toBe('a/_/b');
  });
});
