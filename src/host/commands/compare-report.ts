import type { MetricSeries, Metrics, RunStatus } from '../../shared/run';
import { formatNumber, table } from './common';
import {
  ARCHIVE_BEST_ESTIMATE,
  ARCHIVE_BEST_SCORE,
  ARCHIVE_BUDGET_USED,
  ARCHIVE_EXPANSIONS,
  ARCHIVE_FINAL_HELDOUT,
  ARCHIVE_KEPT,
  ARCHIVE_MAX_GENERATION,
} from '../../shared/metrics';

/** One strategy's run of a comparison, as `evolab compare` reports it. */
export interface ComparedRun {
  strategy: string;
  runId: string;
  status: RunStatus;
  /** The run's metrics at its last committed iteration. */
  metrics: Metrics;
  /** archive/root_heldout at iteration 0: the initial agent's held-out accuracy (the same agent in every run). */
  rootHeldout: number | null;
  /** [archive/budget_used, archive/best_estimate] per committed iteration, in order. */
  curve: Array<[number, number]>;
  budgetTotal: number;
  seconds: number;
}

export interface ComparisonReport {
  comparison: string;
  seed: number;
  preset: string;
  policy: string;
  runs: ComparedRun[];
}

/** The best-estimate curve against budget used, from a run's stored series (iterations lacking either are skipped). */
export function budgetCurve(series: MetricSeries): Array<[number, number]> {
  const used = series.series[ARCHIVE_BUDGET_USED] ?? [];
  const best = series.series[ARCHIVE_BEST_ESTIMATE] ?? [];
  const curve: Array<[number, number]> = [];
  for (let i = 0; i < series.iterations.length; i++) {
    const u = used[i];
    const b = best[i];
    if (u !== null && u !== undefined && b !== null && b !== undefined) curve.push([u, b]);
  }
  return curve;
}

function metric(m: Metrics, name: string, digits = 3): string {
  return formatNumber(m[name], digits);
}

function count(m: Metrics, name: string): string {
  const v = m[name];
  return v === undefined ? '-' : String(Math.round(v));
}

/** The end-of-comparison table and the lines under it. */
export function comparisonTable(report: ComparisonReport): string[] {
  const header = [
    'strategy',
    'run',
    'status',
    'children',
    'kept',
    'max gen',
    'best score',
    'best est.',
    'final held-out',
    'root held-out',
    'budget',
    'seconds',
  ];
  const rows = report.runs.map((r) => [
    r.strategy,
    r.runId,
    r.status,
    count(r.metrics, ARCHIVE_EXPANSIONS),
    count(r.metrics, ARCHIVE_KEPT),
    count(r.metrics, ARCHIVE_MAX_GENERATION),
    metric(r.metrics, ARCHIVE_BEST_SCORE),
    metric(r.metrics, ARCHIVE_BEST_ESTIMATE),
    metric(r.metrics, ARCHIVE_FINAL_HELDOUT),
    r.rootHeldout === null ? '-' : formatNumber(r.rootHeldout),
    `${count(r.metrics, ARCHIVE_BUDGET_USED)}/${r.budgetTotal}`,
    r.seconds.toFixed(1),
  ]);
  const lines = [`Comparison ${report.comparison}: preset ${report.preset}, seed ${report.seed}, policy ${report.policy}`, '', ...table([header, ...rows])];
  const roots = new Set(report.runs.map((r) => r.rootHeldout).filter((v) => v !== null));
  // Every run starts from the same initial agent, so their root held-out scores must agree; say so when they do not.
  if (roots.size > 1) lines.push('', "warning: the runs' root held-out scores differ, so they did not start from the same agent.");
  lines.push('', 'Open the Compare view in the app (evolab serve) to see the curves.');
  return lines;
}

/** The --json document: one object, the runs in the order they ran. */
export function comparisonJson(report: ComparisonReport): string {
  return JSON.stringify({
    comparison: report.comparison,
    seed: report.seed,
    preset: report.preset,
    policy: report.policy,
    runs: report.runs.map((r) => ({
      strategy: r.strategy,
      runId: r.runId,
      status: r.status,
      metrics: r.metrics,
      rootHeldout: r.rootHeldout,
      curve: r.curve,
      budget: { used: r.metrics[ARCHIVE_BUDGET_USED] ?? 0, total: r.budgetTotal },
      seconds: Math.round(r.seconds * 10) / 10,
    })),
  });
}
