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
}

const initial: CompareState = { active: false, runs: [], loaded: false, error: null, group: null, picked: [], series: {}, seriesErrors: {}, version: 0 };

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
  return s.picked.flatMap((id) => s.runs.filter((r) => r.id === id && r.archive !== null));
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
