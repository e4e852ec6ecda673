import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../engine/store/store';
import { runCli as cli } from './cli-process';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-sweep-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface SweepJson {
  id: string;
  seeds: number[];
  groups: Array<{
    label: string;
    runs: Array<{ seed: number; runId: string; status: string }>;
    metrics: Array<{ metric: string; n: number; mean: number; lo: number; hi: number; values: number[] }>;
  }>;
}

describe('evolab sweep', () => {
  it('runs a smoke preset over 3 seeds in parallel processes and reports each metric with its mean and interval', async () => {
    const ws = path.join(tmp, 'ws');
    const r = await cli([
      'sweep',
      '--preset',
      'gridworld-a2c-smoke',
      '--seeds',
      '1-3',
      '--set',
      'iterations=4',
      '--parallel',
      '2',
      '--backend',
      'cpu',
      '--json',
      '--workspace',
      ws,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as SweepJson;
    expect(report.seeds).toEqual([1, 2, 3]);
    expect(report.groups).toHaveLength(1);
    const [group] = report.groups;
    expect(group.label).toBe('iterations=4');
    expect(group.runs.map((x) => [x.seed, x.status])).toEqual([
      [1, 'completed'],
      [2, 'completed'],
      [3, 'completed'],
    ]);
    expect(new Set(group.runs.map((x) => x.runId)).size).toBe(3);
    const store = Store.open(ws);
    try {
      // Each run is its seed's run of the preset with the override, and the summary is of their final values.
      for (const run of group.runs) {
        const config = store.runConfig(run.runId);
        expect([config.seed, config.iterations, config.preset]).toEqual([run.seed, 4, 'gridworld-a2c-smoke']);
      }
      const names = group.metrics.map((m) => m.metric);
      expect(names).toContain('eval/success_rate');
      expect(names).toContain('reward/mean');
      expect(names.some((n) => n.startsWith('time/'))).toBe(false);
      for (const m of group.metrics) {
        const finals = group.runs.map((run) => store.lastMetrics(run.runId)![m.metric]);
        if (finals.every((v) => v !== undefined)) expect(m.values).toEqual(finals);
        expect(m.n).toBe(3);
        expect(m.mean).toBeCloseTo(m.values.reduce((a, b) => a + b, 0) / 3, 12);
        expect(m.lo).toBeLessThanOrEqual(m.mean);
        expect(m.hi).toBeGreaterThanOrEqual(m.mean);
        expect(m.lo).toBeGreaterThanOrEqual(Math.min(...m.values));
        expect(m.hi).toBeLessThanOrEqual(Math.max(...m.values));
      }
      // Seeds that disagree give an interval, not a point.
      const reward = group.metrics.find((m) => m.metric === 'reward/mean')!;
      expect(reward.hi).toBeGreaterThan(reward.lo);
    } finally {
      store.close();
    }
    expect(JSON.parse(fs.readFileSync(path.join(ws, 'sweeps', `${report.id}.json`), 'utf8'))).toMatchObject({ id: report.id, format: 'evolab-sweep/1' });
  });

  it('refuses a bad --set before any run starts, naming the field', async () => {
    const ws = path.join(tmp, 'refused');
    const r = await cli(['sweep', '--preset', 'gridworld-a2c-smoke', '--seeds', '1-3', '--set', 'optim.learningRat=0.1', '--workspace', ws]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('learningRat');
    expect(fs.existsSync(path.join(ws, 'runs'))).toBe(false);
  });
});
