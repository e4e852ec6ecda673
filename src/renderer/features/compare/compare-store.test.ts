import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricSeries, RunSummary } from '../../../shared/run';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import {
  compareActions,
  compareStore,
  curveOf,
  groupRuns,
  labelRuns,
  lastOf,
  REFRESH_DEBOUNCE_MS,
  selectCommonMetrics,
  selectCompared,
  selectIterationRows,
  selectMode,
  selectRows,
} from './compare-store';

function summary(id: string, strategy: string | null, comparison: string | null, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: null,
    preset: null,
    recipe: 'star',
    status: 'completed',
    seed: 1,
    backend: 'cpu',
    iterationsDone: 3,
    iterationsTotal: 3,
    bestScore: null,
    createdAt: `2026-01-01T00:00:0${id.length}.000Z`,
    updatedAt: '2026-01-01T00:01:00.000Z',
    error: null,
    archive: strategy ? { strategy, comparison } : null,
    ...over,
  };
}

const series = (budget: Array<number | null>, best: Array<number | null>, extra: Record<string, Array<number | null>> = {}): MetricSeries => ({
  iterations: budget.map((_, i) => i),
  series: { 'archive/budget_used': budget, 'archive/best_estimate': best, 'archive/size': budget.map((_, i) => i + 1), ...extra },
});

let runs: RunSummary[];
let bridge: FakeBridge;
beforeEach(() => {
  runs = [
    summary('a', 'dgm', 'c1', { createdAt: '2026-01-01T00:00:00.000Z' }),
    summary('b', 'hgm', 'c1', { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:30.000Z' }),
    summary('c', 'hgm', 'c2', { createdAt: '2026-01-02T00:00:00.000Z', status: 'running' }),
    summary('d', 'dgm', null),
    summary('e', null, null),
  ];
  bridge = new FakeBridge()
    .on('runs.list', () => runs)
    .on('runs.metrics', ({ runId }) =>
      runId === 'b'
        ? series([0, 64, null, 200], [0.2, 0.3, 0.35, 0.5], {
            'archive/final_heldout': [null, null, null, 0.42],
            'archive/expansions': [0, 1, 2, 2],
            'archive/kept': [1, 2, 2, 3],
          })
        : series([0, 100], [0.1, 0.2]),
    );
  setBridge(bridge);
});
afterEach(() => {
  compareActions.close();
  vi.useRealTimers();
});

describe('compare store', () => {
  it('groups archive runs by comparison id, newest group first, runs by strategy', () => {
    const groups = groupRuns(runs);
    expect(groups.map((g) => g.id)).toEqual(['c2', 'c1']);
    expect(groups[1].runs.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('draws each curve against the budget spent, skipping iterations that lack either', () => {
    const s = series([0, 64, null, 200], [0.2, null, 0.35, 0.5]);
    const curve = curveOf(s, 'archive/best_estimate');
    expect(Array.from(curve.x.subarray(0, curve.length))).toEqual([0, 200]);
    expect(Array.from(curve.y.subarray(0, curve.length))).toEqual([0.2, 0.5]);
    expect(lastOf(s, 'archive/best_estimate')).toBe(0.5);
    expect(lastOf(s, 'archive/final_heldout')).toBeNull();
  });

  it("loads a group's runs and their metrics into table rows", async () => {
    await compareActions.open({ group: 'c1', runs: [] });
    const rows = selectRows(compareStore.getState());
    expect(rows.map((r) => `${r.label}:${r.run.id}`)).toEqual(['dgm:a', 'hgm:b']);
    const b = rows[1];
    expect(b).toMatchObject({ finalHeldout: 0.42, made: 2, kept: 3, budgetUsed: 200, wallMs: 30_000, error: null });
    expect(b.bestEstimate.length).toBe(3);
    expect(
      bridge.calls
        .filter((c) => c.name === 'runs.metrics')
        .map((c) => (c.input as { runId: string }).runId)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('compares archive runs ticked by hand by budget, naming runs that share a strategy by id', async () => {
    await compareActions.open({ group: null, runs: ['b', 'c'] });
    const s = compareStore.getState();
    expect(selectCompared(s).map((r) => r.id)).toEqual(['b', 'c']);
    expect(selectMode(s)).toBe('archive');
    expect(selectRows(s).map((r) => r.label)).toEqual(['hgm · b', 'hgm · c']);
    expect(selectRows(s)[1].wallMs).toBeNull();
    expect(compareActions.toggle('c')).toBe('#/compare?runs=b');
    expect(compareActions.toggle('d')).toBe('#/compare?runs=b,c,d');
    // Ticking a run while a group is shown starts from the group's runs.
    await compareActions.open({ group: 'c1', runs: [] });
    expect(compareActions.toggle('c')).toBe('#/compare?runs=a,b,c');
  });

  it('refetches once per burst for compared or new runs while open, and not at all once closed', async () => {
    await compareActions.open({ group: 'c1', runs: [] });
    vi.useFakeTimers();
    const lists = () => bridge.calls.filter((c) => c.name === 'runs.list').length;
    const before = lists();
    compareActions.onRunEvent({ runId: 'c' });
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS);
    expect(lists()).toBe(before);
    compareActions.onRunEvent({ runId: 'a' });
    compareActions.onRunEvent({ runId: 'new-run' });
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS);
    expect(lists()).toBe(before + 1);
    compareActions.close();
    compareActions.onRunEvent({ runId: 'a' });
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS);
    expect(lists()).toBe(before + 1);
  });
});

describe('compare store: classic runs by iteration', () => {
  const classic = (heldout: Array<number | null>, reward: Array<number | null>, extra: Record<string, Array<number | null>> = {}): MetricSeries => ({
    iterations: heldout.map((_, i) => i),
    series: { 'heldout/acc_hardest': heldout, 'reward/mean': reward, ...extra },
  });

  beforeEach(() => {
    runs = [
      summary('s1', null, null, { preset: 'addition-star-smoke', recipe: 'star', bestScore: 0.5 }),
      summary('b1', null, null, { preset: 'addition-bstar-smoke', recipe: 'star', seed: 1 }),
      summary('b2', null, null, { preset: 'addition-bstar-smoke', recipe: 'star', seed: 2 }),
      summary('g1', null, null, { recipe: 'a2c', preset: 'gridworld-a2c-smoke' }),
    ];
    bridge
      .on('runs.list', () => runs)
      .on('runs.metrics', ({ runId }) =>
        runId === 'g1'
          ? { iterations: [0, 1], series: { 'eval/success_rate': [0.1, 0.9], 'reward/mean': [0, 0.8], 'train/loss': [null, 1] } }
          : classic([0.2, 0.3, 0.5], [0.1, 0.4, 0.6], { 'train/loss': [2, 1.5, 1], ...(runId === 's1' ? { 'balance/score': [null, 1, 2] } : {}) }),
      );
  });

  it('overlays any runs by iteration, text runs from iteration 1 with the warm-up as their start score', async () => {
    await compareActions.open({ group: null, runs: ['s1', 'b1', 'g1'] });
    const s = compareStore.getState();
    expect(selectMode(s)).toBe('iterations');
    const [star, bstar, grid] = selectIterationRows(s);
    expect([...star.score.x.subarray(0, star.score.length)]).toEqual([1, 2]);
    expect(star).toMatchObject({ scoreMetric: 'heldout/acc_hardest', startScore: 0.2, finalScore: 0.5, finalReward: 0.6 });
    expect(bstar.label).toBe('addition-bstar-smoke');
    // An episodic run has no warm-up: its curve starts at the untrained agent, iteration 0.
    expect(grid).toMatchObject({ scoreMetric: 'eval/success_rate', fromIteration: 0, startScore: 0.1, finalScore: 0.9 });
    expect(selectCommonMetrics(s)).toEqual(['reward/mean', 'train/loss']);
  });

  it('tells two seeds of one preset apart by seed, and by id when even that clashes', () => {
    expect(labelRuns(runs.slice(0, 3))).toEqual(['addition-star-smoke', 'addition-bstar-smoke · seed 1', 'addition-bstar-smoke · seed 2']);
    const twins = [runs[1], { ...runs[1], id: 'b9' }];
    expect(labelRuns(twins)).toEqual(['addition-bstar-smoke · seed 1 · b1', 'addition-bstar-smoke · seed 1 · b9']);
  });
});
