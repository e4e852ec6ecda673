/**
 * Runs grouped by config across seeds, as Aim and W&B group them: runs whose configs are equal but for the seed
 * (and the name) are one group, drawn as the mean of their curves with a band, the bootstrap 95% interval of the
 * mean at each iteration (the interval `evolab sweep` reports for final values).
 */
import type { MetricSeries, RunDetail } from '../../../shared/run';
import { bootstrapMean } from '../../../shared/stats';
import { smooth } from '../../lib/series';

function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
}

/** The config without what differs between seeds of one experiment: the seed and the run's name. */
export function groupKey(config: RunDetail['config']): string {
  const { seed: _seed, name: _name, ...rest } = config as Record<string, unknown>;
  return stable(rest);
}

export interface SeedGroup {
  key: string;
  /** The members' common name without a trailing seed, else the preset, else the recipe. */
  label: string;
  preset: string | null;
  recipe: string;
  runs: Array<{ id: string; seed: number }>;
}

/** Groups of two or more runs with distinct seeds, largest first. */
export function groupBySeed(runs: RunDetail[]): SeedGroup[] {
  const groups = new Map<string, SeedGroup>();
  for (const r of runs) {
    const key = groupKey(r.config);
    const g = groups.get(key) ?? { key, label: r.name ?? r.preset ?? r.recipe, preset: r.preset, recipe: r.recipe, runs: [] };
    if (!g.runs.some((x) => x.seed === r.seed)) g.runs.push({ id: r.id, seed: r.seed });
    groups.set(key, g);
  }
  return [...groups.values()]
    .filter((g) => g.runs.length >= 2)
    .map((g) => ({ ...g, runs: [...g.runs].sort((a, b) => a.seed - b.seed) }))
    .sort((a, b) => b.runs.length - a.runs.length || a.label.localeCompare(b.label));
}

export interface Band {
  x: Float64Array;
  mean: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  /** How many runs had the metric at each iteration. */
  n: Int32Array;
}

/** Metrics every member recorded, sorted; machine metrics last. */
export function commonMetrics(series: MetricSeries[]): string[] {
  if (series.length === 0) return [];
  const names = Object.keys(series[0].series).filter((n) => series.every((s) => n in s.series));
  const machine = (n: string) => /^(perf|time|mem)\//.test(n);
  return names.sort((a, b) => Number(machine(a)) - Number(machine(b)) || a.localeCompare(b));
}

/**
 * Per iteration that at least two runs recorded: the mean over the runs and its bootstrap 95% interval, then each
 * of the three curves smoothed with the run screen's exponential smoothing (weight 0: none).
 */
export function seedBand(series: MetricSeries[], metric: string, smoothing = 0, resamples = 1000): Band {
  const byIteration = new Map<number, number[]>();
  for (const s of series) {
    const column = s.series[metric] ?? [];
    s.iterations.forEach((it, i) => {
      const v = column[i];
      if (v !== null && v !== undefined && Number.isFinite(v)) byIteration.set(it, [...(byIteration.get(it) ?? []), v]);
    });
  }
  const rows = [...byIteration].filter(([, vs]) => vs.length >= 2).sort(([a], [b]) => a - b);
  const band: Band = {
    x: new Float64Array(rows.length),
    mean: new Float64Array(rows.length),
    lo: new Float64Array(rows.length),
    hi: new Float64Array(rows.length),
    n: new Int32Array(rows.length),
  };
  rows.forEach(([it, vs], i) => {
    const ci = bootstrapMean(vs, { resamples, seed: it + 1 })!;
    band.x[i] = it;
    band.mean[i] = ci.mean;
    band.lo[i] = ci.lo;
    band.hi[i] = ci.hi;
    band.n[i] = ci.n;
  });
  if (smoothing > 0) {
    for (const k of ['mean', 'lo', 'hi'] as const) band[k] = Float64Array.from(smooth(band[k], rows.length, smoothing, new Float64Array(rows.length)));
  }
  return band;
}
