import type { RequestOutput } from '../shared/contract';
import type { Store } from './store/store';

/** Everything needed to compare or re-run a run elsewhere, without the checkpoints (format `evolab-run/1`). */
export function exportRun(store: Store, runId: string) {
  const detail = store.runDetail(runId);
  const summary = new Map(store.trajectorySummary(runId).map((s) => [s.iteration, s]));
  return {
    format: 'evolab-run/1',
    run: {
      id: detail.id,
      name: detail.name,
      preset: detail.preset,
      recipe: detail.recipe,
      seed: detail.seed,
      backend: detail.backend,
      createdAt: detail.createdAt,
      updatedAt: detail.updatedAt,
      error: detail.error,
    },
    config: detail.config,
    status: detail.status,
    bestScore: detail.bestScore,
    iterations: store.iterationNumbers(runId).map((iteration) => {
      const t = summary.get(iteration);
      return {
        iteration,
        metrics: store.iterationMetrics(runId, iteration),
        trajectories: { count: t?.count ?? 0, kept: t?.kept ?? 0, correct: t?.correct ?? 0 },
      };
    }),
  };
}
export type RunExport = ReturnType<typeof exportRun>;

export type RunExportFormat = 'json' | 'csv';

/** RFC 4180 quoting; NaN and the infinities written the way pandas and R read them back. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'inf' : '-inf';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per iteration (iteration 0 is the warm-up, or an episodic run's untrained agent), one column per metric,
 * then the trajectory counts; an empty cell where a metric was not recorded (e.g. held-out between evaluations).
 */
export function runToCsv(data: RunExport): string {
  const names = [...new Set(data.iterations.flatMap((it) => Object.keys(it.metrics)))].sort();
  const header = ['iteration', ...names, 'trajectories', 'kept', 'correct'];
  const rows = data.iterations.map((it) => [
    it.iteration,
    ...names.map((n) => it.metrics[n] ?? null),
    it.trajectories.count,
    it.trajectories.kept,
    it.trajectories.correct,
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

/** The contract's `runs.export` answer: the run as a file, named after it. */
export function exportRunFile(store: Store, runId: string, format: RunExportFormat): RequestOutput<'runs.export'> {
  const data = exportRun(store, runId);
  const base = `evolab-run-${data.run.id}`;
  return format === 'csv'
    ? { fileName: `${base}.csv`, mediaType: 'text/csv', content: runToCsv(data) }
    : { fileName: `${base}.json`, mediaType: 'application/json', content: `${JSON.stringify(data, null, 2)}\n` };
}
