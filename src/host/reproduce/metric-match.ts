/**
 * Whether a rerun gave the same metrics as the run it reproduces, metric by metric over every iteration. Metrics
 * that measure the machine rather than the run (throughput, seconds, memory) are listed but not compared.
 */
import { MEM_PREFIX, PERF_PREFIX, TIME_PREFIX } from '../../shared/metrics';
import type { MetricSeries } from '../../shared/run';

export function measuresMachine(name: string): boolean {
  return name.startsWith(PERF_PREFIX) || name.startsWith(TIME_PREFIX) || name.startsWith(MEM_PREFIX);
}

export interface MetricMatch {
  metric: string;
  verdict: 'exact' | 'differs' | 'missing' | 'extra' | 'not compared';
  /** Iterations where both have a value. */
  compared: number;
  /** The first iteration where they differ, and the largest absolute difference (NaN equals NaN). */
  firstDiff: number | null;
  maxAbsDiff: number;
}

export interface MatchReport {
  iterationsMatch: boolean;
  expectedIterations: number[];
  actualIterations: number[];
  metrics: MetricMatch[];
  /** Every compared metric exact over the same iterations. */
  exact: boolean;
}

function same(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

export function matchMetrics(expected: MetricSeries, actual: MetricSeries): MatchReport {
  const names = [...new Set([...Object.keys(expected.series), ...Object.keys(actual.series)])].sort();
  const at = (s: MetricSeries) => new Map(s.iterations.map((it, i) => [it, i]));
  const e = at(expected);
  const a = at(actual);
  const metrics = names.map((metric): MetricMatch => {
    const base = { metric, compared: 0, firstDiff: null, maxAbsDiff: 0 };
    if (measuresMachine(metric)) return { ...base, verdict: 'not compared' };
    if (!actual.series[metric]) return { ...base, verdict: 'missing' };
    if (!expected.series[metric]) return { ...base, verdict: 'extra' };
    let compared = 0;
    let firstDiff: number | null = null;
    let maxAbsDiff = 0;
    for (const iteration of expected.iterations) {
      const x = expected.series[metric][e.get(iteration)!] ?? null;
      const j = a.get(iteration);
      const y = j === undefined ? null : (actual.series[metric][j] ?? null);
      if (x !== null && y !== null) compared++;
      if (!same(x, y)) {
        firstDiff ??= iteration;
        if (x !== null && y !== null) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y));
        else maxAbsDiff = Infinity;
      }
    }
    for (const iteration of actual.iterations) if (!e.has(iteration) && actual.series[metric][a.get(iteration)!] !== null) firstDiff ??= iteration;
    return { metric, verdict: firstDiff === null ? 'exact' : 'differs', compared, firstDiff, maxAbsDiff };
  });
  const iterationsMatch = expected.iterations.length === actual.iterations.length && expected.iterations.every((it, i) => actual.iterations[i] === it);
  const exact = iterationsMatch && metrics.every((m) => m.verdict === 'exact' || m.verdict === 'not compared');
  return { iterationsMatch, expectedIterations: expected.iterations, actualIterations: actual.iterations, metrics, exact };
}
