/**
 * A group of runs (one config, several seeds) summarised per metric: each run's final value (its last iteration
 * that recorded the metric), their mean and a bootstrap 95% interval of the mean. Metrics that measure the
 * machine (perf/, time/, mem/) are left out.
 */
import type { MetricSeries } from '../../shared/run';
import { bootstrapMean, type MeanInterval } from '../../shared/stats';
import { formatNumber, table } from '../commands/common';
import { measuresMachine } from '../reproduce/metric-match';

export interface MetricSummary extends MeanInterval {
  metric: string;
  /** Each run's final value, in the group's run order (null: the run never recorded it). */
  values: Array<number | null>;
}

export function finalValue(series: MetricSeries, metric: string): number | null {
  const column = series.series[metric];
  if (!column) return null;
  for (let i = column.length - 1; i >= 0; i--) if (column[i] !== null) return column[i];
  return null;
}

export function summarise(runs: MetricSeries[]): MetricSummary[] {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.series)))].filter((n) => !measuresMachine(n)).sort();
  return names.flatMap((metric) => {
    const values = runs.map((r) => finalValue(r, metric));
    const ci = bootstrapMean(values.filter((v): v is number => v !== null));
    return ci ? [{ metric, values, ...ci }] : [];
  });
}

export interface GroupReport {
  label: string;
  runs: Array<{ seed: number; runId: string | null; status: string }>;
  metrics: MetricSummary[];
}

/** One table per group: metric, n, mean, 95% interval, and the per-seed values. */
export function groupLines(groups: GroupReport[]): string[] {
  const lines: string[] = [];
  for (const g of groups) {
    const done = g.runs.filter((r) => r.status === 'completed').length;
    lines.push('', `${g.label}: ${done} of ${g.runs.length} runs completed (seeds ${g.runs.map((r) => r.seed).join(', ')})`);
    if (g.metrics.length === 0) {
      lines.push('  (no metrics)');
      continue;
    }
    const rows = g.metrics.map((m) => [
      `  ${m.metric}`,
      String(m.n),
      formatNumber(m.mean),
      `[${formatNumber(m.lo)}, ${formatNumber(m.hi)}]`,
      m.values.map((v) => (v === null ? '-' : formatNumber(v))).join(' '),
    ]);
    lines.push(...table([['  metric (final value)', 'n', 'mean', '95% CI (bootstrap)', 'per seed'], ...rows]));
  }
  return lines;
}
