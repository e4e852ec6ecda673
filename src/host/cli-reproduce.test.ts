import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunManifest } from '../shared/manifest';
import { repoRoot, runCli as cli } from './cli-process';

let tmp: string;
let ws: string;
let runId: string;
let manifestFile: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-reproduce-'));
  ws = path.join(tmp, 'ws');
  const r = await cli(['run', '--preset', 'gridworld-a2c-smoke', '--iterations', '5', '--backend', 'cpu', '--json', '--workspace', ws]);
  expect(r.code, r.stderr).toBe(0);
  runId = JSON.parse(r.stdout.trim().split('\n').at(-1)!).runId;
  manifestFile = path.join(ws, 'runs', runId, 'manifest.json');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the run manifest and evolab reproduce', () => {
  it('writes a manifest with the config and its hash, seed, backend, versions, hashes and results', () => {
    const m = RunManifest.parse(JSON.parse(fs.readFileSync(manifestFile, 'utf8')));
    expect(m.runId).toBe(runId);
    expect(m.seed).toBe(1);
    expect(m.backend).toMatchObject({ requested: 'cpu', active: 'cpu' });
    expect(m.workers).toBe(1);
    expect(m.evolab.lockfileHash).toBe(
      createHash('sha256')
        .update(fs.readFileSync(path.join(repoRoot, 'package-lock.json')))
        .digest('hex'),
    );
    expect(m.evaluator.items).toBe(32);
    expect(m.results?.status).toBe('completed');
    expect(m.results?.metrics.iterations).toEqual([0, 1, 2, 3, 4, 5]);
    expect(m.results?.metrics.series['reward/mean']?.filter((v) => v !== null)).toHaveLength(5);
  });

  it('reruns a smoke run on the same backend and worker count and reports an exact match, metric by metric', async () => {
    const r = await cli(['reproduce', manifestFile, '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^reward\/mean\s+5\s+exact$/m);
    expect(r.stdout).toMatch(/^train\/loss\s+5\s+exact$/m);
    expect(r.stdout).toMatch(/^time\/iteration_s\s+-\s+not compared/m);
    expect(r.stdout).toMatch(/Exact match: \d+ metrics over 6 iterations\./);
  });

  it('says which metric differs, from which iteration, when the results do not match', async () => {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as RunManifest;
    const series = m.results!.metrics.series['reward/mean'];
    series[3] = (series[3] ?? 0) + 0.5;
    const edited = path.join(tmp, 'edited.json');
    fs.writeFileSync(edited, JSON.stringify(m));
    const r = await cli(['reproduce', edited, '--json', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { exact: boolean; metrics: Array<{ metric: string; verdict: string; firstDiff: number | null }> };
    expect(report.exact).toBe(false);
    expect(report.metrics.filter((x) => x.verdict === 'differs')).toEqual([expect.objectContaining({ metric: 'reward/mean', firstDiff: 3 })]);
  });

  it('refuses a manifest whose config was edited, before running anything', async () => {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as RunManifest & { config: { seed: number } };
    m.config.seed = 2;
    const edited = path.join(tmp, 'edited-config.json');
    fs.writeFileSync(edited, JSON.stringify(m));
    const r = await cli(['reproduce', edited, '--workspace', ws]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not match its configHash');
  });
});
