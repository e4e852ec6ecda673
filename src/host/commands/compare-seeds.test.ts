import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPreset } from '../../shared/presets';
import { Store } from '../../engine/store/store';
import type { CommandContext } from './common';
import { compareSeeds, oneAtATime, type SeededComparison } from './compare-seeds';
import type { ComparedRun } from './compare-report';

let ws: string;
beforeEach(() => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-compare-seeds-'));
});
afterEach(() => {
  fs.rmSync(ws, { recursive: true, force: true });
});

function context(values: CommandContext['values'] = {}): CommandContext & { stdout: string[] } {
  const stdout: string[] = [];
  return { values, positionals: [], workspace: ws, out: (l) => stdout.push(l), err: () => {}, tty: false, stdout };
}

/** A finished run in the workspace whose last iteration recorded `final` as its held-out score. */
function storedRun(store: Store, final: number): string {
  const run = store.createRun(findPreset('addition-archive-smoke')!.config);
  for (const [iteration, value] of [
    [0, 0.1],
    [1, final],
  ]) {
    store.commitIteration(run.id, {
      iteration,
      startedAt: '',
      endedAt: '',
      checkpoint: null,
      metrics: { 'archive/final_heldout': value, 'time/iteration_s': 9 },
      trajectories: [],
    });
  }
  store.setStatus(run.id, 'completed');
  return run.id;
}

describe('evolab compare --seeds', () => {
  it('runs one comparison per seed and reports each strategy over the seeds with mean and interval', async () => {
    const store = Store.open(ws);
    const finals: Record<string, number[]> = { dgm: [0.5, 0.7, 0.6], hgm: [0.4, 0.4, 0.5] };
    const seen: number[] = [];
    const fakeComparison = async (_ctx: CommandContext, o: SeededComparison) => {
      seen.push(o.seed);
      const i = seen.length - 1;
      const runs = o.strategies.map((strategy) => ({ strategy, runId: storedRun(store, finals[strategy][i]), status: 'completed' }) as ComparedRun);
      o.onReport?.({ comparison: `cmp-${i}`, seed: o.seed, preset: o.preset.id, policy: o.policyLabel, runs });
      expect(o.print).toBe(false);
      return 0;
    };
    const ctx = context();
    const options = { preset: { id: 'addition-archive-smoke' }, strategies: ['dgm', 'hgm'], seed: 1, policyLabel: 'archive', json: true };
    expect(await compareSeeds(ctx, options, [1, 2, 3], oneAtATime(fakeComparison))).toBe(0);
    store.close();
    expect(seen).toEqual([1, 2, 3]);
    const report = JSON.parse(ctx.stdout.join('\n')) as {
      groups: Array<{ label: string; metrics: Array<{ metric: string; n: number; mean: number; lo: number; hi: number; values: number[] }> }>;
    };
    expect(report.groups.map((g) => g.label)).toEqual(['dgm', 'hgm']);
    const [dgm] = report.groups[0].metrics;
    expect(report.groups[0].metrics).toHaveLength(1);
    expect(dgm).toMatchObject({ metric: 'archive/final_heldout', n: 3, values: [0.5, 0.7, 0.6] });
    expect(dgm.mean).toBeCloseTo(0.6, 12);
    expect(dgm.lo).toBeGreaterThanOrEqual(0.5);
    expect(dgm.hi).toBeLessThanOrEqual(0.7);
    expect(dgm.lo).toBeLessThan(dgm.hi);
  });

  it('refuses --seed together with --seeds', async () => {
    const run = async () => 0;
    const options = { preset: { id: 'p' }, strategies: ['dgm'], seed: 1, policyLabel: 'archive', json: false };
    await expect(compareSeeds(context({ seed: '1' }), options, [1, 2], oneAtATime(run))).rejects.toThrow('Give --seed N or --seeds S, not both.');
  });
});
