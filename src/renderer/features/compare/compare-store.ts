import { createStore } from 'zustand/vanilla';
import { isFinished, type MetricSeries, type RunSummary } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';
import { appendPoint, createBuffer, type SeriesBuffer } from '../../lib/series';
import {
  ARCHIVE_BEST_ESTIMATE,
  ARCHIVE_BEST_SCORE,
  ARCHIVE_BUDGET_USED,
  ARCHIVE_EXPANSIONS,
  ARCHIVE_FINAL_HELDOUT,
  ARCHIVE_KEPT,
  ARCHIVE_SIZE,
  HELDOUT_HARDEST,
  REWARD_MEAN,
  SCORE_METRICS,
} from '../../../shared/metrics';

/** The x axis of every comparison: search budget spent, so strategies that spend differently line up. */

export interface ComparisonGroup {
  id: string;
  runs: RunSummary[];
}

/** One run of the comparison as the charts and the table read it. */
export interface CompareRow {
  run: RunSummary;
  label: string;
  bestEstimate: SeriesBuffer;
  size: SeriesBuffer;
  made: number | null;
  kept: number | null;
  bestScore: number | null;
  finalHeldout: number | null;
  budgetUsed: number | null;
  wallMs: number | null;
  error: string | null;
}

export interface CompareState {
  active: boolean;
  runs: RunSummary[];
  loaded: boolean;
  error: string | null;
  group: string | null;
  /** Runs ticked by hand when no group is chosen. */
  picked: string[];
  series: Record<string, MetricSeries>;
  seriesErrors: Record<string, string>;
  version: number;
  /** The metric of the extra overlay chart in the iteration view (null: the first the runs share). */
  metric: string | null;
}

const initial: CompareState = {
  active: false,
  runs: [],
  loaded: false,
  error: null,
  group: null,
  picked: [],
  series: {},
  seriesErrors: {},
  version: 0,
  metric: null,
};

export const compareStore = createStore<CompareState>(() => ({ ...initial }));

export const REFRESH_DEBOUNCE_MS = 300;

/** Archive runs with a comparison id, grouped by it; groups newest first, runs by strategy. */
export function groupRuns(runs: readonly RunSummary[]): ComparisonGroup[] {
  const groups = new Map<string, RunSummary[]>();
  for (const run of runs) {
    const id = run.archive?.comparison;
    if (id) groups.set(id, [...(groups.get(id) ?? []), run]);
  }
  const newest = (g: RunSummary[]): string => g.reduce((m, r) => (r.createdAt > m ? r.createdAt : m), '');
  return [...groups.entries()]
    .map(([id, list]) => ({
      id,
      runs: [...list].sort((a, b) => (a.archive?.strategy ?? '').localeCompare(b.archive?.strategy ?? '') || a.createdAt.localeCompare(b.createdAt)),
    }))
    .sort((a, b) => newest(b.runs).localeCompare(newest(a.runs)));
}

export const selectArchiveRuns = (s: CompareState): RunSummary[] =>
  s.runs.filter((r) => r.archive !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));

/** The runs compared: the chosen group's, or the ticked ones. */
export function selectCompared(s: CompareState): RunSummary[] {
  if (s.group !== null) return groupRuns(s.runs).find((g) => g.id === s.group)?.runs ?? [];
  return s.picked.flatMap((id) => s.runs.filter((r) => r.id === id));
}

/**
 * How the compared runs line up: open-ended runs by the search budget they spent (their own comparison); as soon as
 * one classic run is among them, every run by iteration.
 */
export type CompareMode = 'archive' | 'iterations';
export function selectMode(s: CompareState): CompareMode {
  const runs = selectCompared(s);
  return runs.length > 0 && runs.every((r) => r.archive !== null) ? 'archive' : 'iterations';
}

/** A run's score metric (held-out accuracy for a text run, evaluation success for an episodic one), from its series. */
export function scoreMetricOf(series: MetricSeries | undefined): string | null {
  return SCORE_METRICS.find((n) => series?.series[n]?.some((v) => v !== null)) ?? null;
}

/** Where a run's iteration curves start: 1 for a text run (iteration 0 is its warm-up), else 0. */
export function firstIterationOf(series: MetricSeries | undefined): number {
  return scoreMetricOf(series) === HELDOUT_HARDEST ? 1 : 0;
}

/** y against the iteration, from `fromIteration` on. */
export function iterationCurve(series: MetricSeries | undefined, metric: string | null, fromIteration = 0): SeriesBuffer {
  const buffer = createBuffer(metric ?? '');
  const ys = metric ? series?.series[metric] : undefined;
  if (!series || !ys) return buffer;
  series.iterations.forEach((it, i) => {
    const y = ys[i];
    if (it >= fromIteration && y !== null && y !== undefined && Number.isFinite(y)) appendPoint(buffer, it, y);
  });
  return buffer;
}

/** The value of a metric at one iteration, if it was recorded there. */
export function valueAtIteration(series: MetricSeries | undefined, metric: string | null, iteration: number): number | null {
  if (!series || !metric) return null;
  const i = series.iterations.indexOf(iteration);
  const v = i < 0 ? null : series.series[metric]?.[i];
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

/** Metrics every compared run recorded at least once, sorted: what the overlay chart can show. */
export function selectCommonMetrics(s: CompareState): string[] {
  const runs = selectCompared(s);
  const sets = runs.map((r) => new Set(Object.entries(s.series[r.id]?.series ?? {}).flatMap(([n, col]) => (col.some((v) => v !== null) ? [n] : []))));
  if (sets.length === 0) return [];
  return [...sets[0]].filter((n) => sets.every((set) => set.has(n))).sort();
}

/** Labels that tell compared runs apart: name, else preset, else recipe; then the seed, then the id where they still clash. */
export function labelRuns(runs: readonly RunSummary[]): string[] {
  const base = runs.map((r) => r.name ?? r.preset ?? r.recipe);
  const withSeed = base.map((b, i) => (base.filter((x) => x === b).length > 1 ? `${b} · seed ${runs[i].seed}` : b));
  return withSeed.map((b, i) => (withSeed.filter((x) => x === b).length > 1 ? `${b} · ${runs[i].id}` : b));
}

/** One run of an iteration comparison as the charts and the table read it. */
export interface IterationRow {
  run: RunSummary;
  label: string;
  fromIteration: number;
  scoreMetric: string | null;
  score: SeriesBuffer;
  reward: SeriesBuffer;
  /** The score the self-improvement started from (after the warm-up, or the untrained agent's). */
  startScore: number | null;
  finalScore: number | null;
  finalReward: number | null;
  wallMs: number | null;
  error: string | null;
}

export function selectIterationRows(s: CompareState): IterationRow[] {
  const runs = selectCompared(s);
  const labels = labelRuns(runs);
  return runs.map((run, i) => {
    const series = s.series[run.id];
    const fromIteration = firstIterationOf(series);
    const scoreMetric = scoreMetricOf(series);
    const wall = Date.parse(run.updatedAt) - Date.parse(run.createdAt);
    return {
      run,
      label: labels[i],
      fromIteration,
      scoreMetric,
      score: iterationCurve(series, scoreMetric, fromIteration),
      reward: iterationCurve(series, REWARD_MEAN, fromIteration),
      startScore: valueAtIteration(series, scoreMetric, 0),
      finalScore: lastOf(series, scoreMetric ?? ''),
      finalReward: lastOf(series, REWARD_MEAN),
      wallMs: isFinished(run.status) && Number.isFinite(wall) && wall >= 0 ? wall : null,
      error: s.seriesErrors[run.id] ?? null,
    };
  });
}

/** y against the budget spent, at the iterations where both were recorded. */
export function curveOf(series: MetricSeries | undefined, metric: string): SeriesBuffer {
  const buffer = createBuffer(metric);
  const xs = series?.series[ARCHIVE_BUDGET_USED];
  const ys = series?.series[metric];
  if (!series || !xs || !ys) return buffer;
  for (let i = 0; i < series.iterations.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) appendPoint(buffer, x, y);
  }
  return buffer;
}

/** The last recorded value of a metric. */
export function lastOf(series: MetricSeries | undefined, metric: string): number | null {
  const column = series?.series[metric];
  if (!column) return null;
  for (let i = column.length - 1; i >= 0; i--) {
    const v = column[i];
    if (v !== null && Number.isFinite(v)) return v;
  }
  return null;
}

/** Labels are the strategy, with the run id added where two compared runs share one. */
export function selectRows(s: CompareState): CompareRow[] {
  const runs = selectCompared(s);
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.archive?.strategy ?? '?', (counts.get(r.archive?.strategy ?? '?') ?? 0) + 1);
  return runs.map((run) => {
    const strategy = run.archive?.strategy ?? '?';
    const series = s.series[run.id];
    const wall = Date.parse(run.updatedAt) - Date.parse(run.createdAt);
    return {
      run,
      label: (counts.get(strategy) ?? 0) > 1 ? `${strategy} · ${run.id}` : strategy,
      bestEstimate: curveOf(series, ARCHIVE_BEST_ESTIMATE),
      size: curveOf(series, ARCHIVE_SIZE),
      made: lastOf(series, ARCHIVE_EXPANSIONS),
      kept: lastOf(series, ARCHIVE_KEPT),
      bestScore: lastOf(series, ARCHIVE_BEST_SCORE),
      finalHeldout: lastOf(series, ARCHIVE_FINAL_HELDOUT),
      budgetUsed: lastOf(series, ARCHIVE_BUDGET_USED),
      wallMs: isFinished(run.status) && Number.isFinite(wall) && wall >= 0 ? wall : null,
      error: s.seriesErrors[run.id] ?? null,
    };
  });
}

let seq = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

async function loadSeries(runIds: string[], mine: number): Promise<void> {
  const results = await Promise.all(
    runIds.map((runId) =>
      getBridge()
        .request('runs.metrics', { runId })
        .then(
          (series) => ({ runId, series, error: null }),
          (e: unknown) => ({ runId, series: null, error: describeError(e).message }),
        ),
    ),
  );
  if (mine !== seq) return;
  compareStore.setState((s) => {
    const series = { ...s.series };
    const seriesErrors = { ...s.seriesErrors };
    for (const r of results) {
      if (r.series) {
        series[r.runId] = r.series;
        delete seriesErrors[r.runId];
      } else if (r.error) seriesErrors[r.runId] = r.error;
    }
    return { series, seriesErrors, version: s.version + 1 };
  });
}

export const compareActions = {
  /** Opens the screen on a group or on runs picked by hand (from the route). */
  async open(selection: { group: string | null; runs: string[] }): Promise<void> {
    compareStore.setState({ active: true, group: selection.group, picked: selection.group ? [] : selection.runs });
    await compareActions.reload();
  },
  close(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    seq++;
    compareStore.setState({ active: false });
  },
  /** Re-reads the run list and the metrics of the compared runs. */
  async reload(): Promise<void> {
    const mine = ++seq;
    try {
      const runs = await getBridge().request('runs.list', {});
      if (mine !== seq) return;
      compareStore.setState({ runs, loaded: true, error: null });
    } catch (error) {
      if (mine === seq) compareStore.setState({ error: describeError(error).message, loaded: true });
      return;
    }
    await loadSeries(
      selectCompared(compareStore.getState()).map((r) => r.id),
      mine,
    );
  },
  setMetric(metric: string): void {
    compareStore.setState((s) => ({ metric, version: s.version + 1 }));
  },
  /** Ticks or unticks a run, starting from the runs compared now (a group's too); returns the hash that shows it. */
  toggle(runId: string): string {
    const current = selectCompared(compareStore.getState()).map((r) => r.id);
    const picked = current.includes(runId) ? current.filter((id) => id !== runId) : [...current, runId];
    return picked.length ? `#/compare?runs=${picked.map(encodeURIComponent).join(',')}` : '#/compare';
  },
  /** Iterations and status changes of compared runs (or a new run) refetch once per burst, while the screen is open. */
  onRunEvent(p: { runId: string }): void {
    const s = compareStore.getState();
    if (!s.active) return;
    const relevant = !s.runs.some((r) => r.id === p.runId) || selectCompared(s).some((r) => r.id === p.runId);
    if (!relevant) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void compareActions.reload();
    }, REFRESH_DEBOUNCE_MS);
  },
};
