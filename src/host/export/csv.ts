/**
 * A run's metrics as one CSV table: a row per iteration, a column per metric (sorted by name), an empty cell where
 * an iteration did not record a metric. Spreadsheets, pandas (`pd.read_csv`) and R read it as it is.
 */
import type { MetricSeries } from '../../shared/run';

/** RFC 4180 quoting: a cell with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function number(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  // NaN and the infinities are written the way pandas and R read them back.
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}

export function metricsCsv(series: MetricSeries): string {
  const names = Object.keys(series.series).sort();
  const lines = [['iteration', ...names].map(csvCell).join(',')];
  series.iterations.forEach((iteration, i) => {
    lines.push([String(iteration), ...names.map((n) => number(series.series[n][i]))].join(','));
  });
  return `${lines.join('\n')}\n`;
}
