import type { MetricSeries, Metrics } from '../../shared/run';

/**
 * View types for charts: one growable pair of typed arrays per monitor, holding only the iterations where it
 * was measured (so held-out metrics evaluated every N iterations draw as lines, not gaps). Buffers grow by
 * doubling and are mutated in place; the owning store bumps a version number so charts redraw once per frame.
 */
export interface SeriesBuffer {
  name: string;
  x: Float64Array;
  y: Float64Array;
  length: number;
}

export function createBuffer(name: string, capacity = 64): SeriesBuffer {
  return { name, x: new Float64Array(capacity), y: new Float64Array(capacity), length: 0 };
}

export function appendPoint(buffer: SeriesBuffer, x: number, y: number): void {
  if (buffer.length === buffer.x.length) {
    const capacity = Math.max(64, buffer.x.length * 2);
    const nx = new Float64Array(capacity);
    const ny = new Float64Array(capacity);
    nx.set(buffer.x);
    ny.set(buffer.y);
    buffer.x = nx;
    buffer.y = ny;
  }
  // An iteration that arrives twice (a refetch racing an event) replaces the point rather than duplicating it.
  if (buffer.length > 0 && buffer.x[buffer.length - 1] === x) {
    buffer.y[buffer.length - 1] = y;
    return;
  }
  buffer.x[buffer.length] = x;
  buffer.y[buffer.length] = y;
  buffer.length += 1;
}

/** Wire columns (null where a monitor was absent) to per-monitor buffers. */
export function fromMetricSeries(series: MetricSeries): Map<string, SeriesBuffer> {
  const out = new Map<string, SeriesBuffer>();
  for (const [name, column] of Object.entries(series.series)) {
    const buffer = createBuffer(name, Math.max(64, column.length));
    column.forEach((value, i) => {
      if (value !== null && Number.isFinite(value)) appendPoint(buffer, series.iterations[i], value);
    });
    out.set(name, buffer);
  }
  return out;
}

/** Adds one iteration's metrics; returns whether a new monitor appeared (the chart list changes then). */
export function appendMetrics(buffers: Map<string, SeriesBuffer>, iteration: number, metrics: Metrics): boolean {
  let added = false;
  for (const [name, value] of Object.entries(metrics)) {
    if (!Number.isFinite(value)) continue;
    let buffer = buffers.get(name);
    if (!buffer) {
      buffer = createBuffer(name);
      buffers.set(name, buffer);
      added = true;
    }
    appendPoint(buffer, iteration, value);
  }
  return added;
}

export function namespaceOf(name: string): string {
  const slash = name.indexOf('/');
  return slash < 0 ? 'other' : name.slice(0, slash);
}

/** Monitor names grouped by namespace, namespaces and names sorted, for a stable chart layout. */
export function groupByNamespace(names: Iterable<string>, first: readonly string[] = []): Array<{ namespace: string; names: string[] }> {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const ns = namespaceOf(name);
    groups.set(ns, [...(groups.get(ns) ?? []), name]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => rank(first, a) - rank(first, b) || a.localeCompare(b))
    .map(([namespace, list]) => ({ namespace, names: list.sort() }));
}

/**
 * Exponential moving average with TensorBoard's debiasing, so the first points are not pulled towards zero.
 * `weight` 0 returns the input unchanged.
 */
export function smooth(y: Float64Array, length: number, weight: number, out: Float64Array): Float64Array {
  if (weight <= 0) {
    out.set(y.subarray(0, length));
    return out.subarray(0, length);
  }
  let last = 0;
  let debias = 0;
  for (let i = 0; i < length; i++) {
    last = last * weight + (1 - weight) * y[i];
    debias = debias * weight + (1 - weight);
    out[i] = last / debias;
  }
  return out.subarray(0, length);
}

/** For a log scale: keeps only positive values, which a logarithm can draw. */
export function positiveOnly(x: Float64Array, y: Float64Array, length: number): [Float64Array, Float64Array] {
  let n = 0;
  for (let i = 0; i < length; i++) if (y[i] > 0) n++;
  const nx = new Float64Array(n);
  const ny = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < length; i++) {
    if (y[i] > 0) {
      nx[j] = x[i];
      ny[j] = y[i];
      j++;
    }
  }
  return [nx, ny];
}

/** Position of `namespace` in `first`, the rest after them. */
function rank(first: readonly string[], namespace: string): number {
  const i = first.indexOf(namespace);
  return i === -1 ? first.length : i;
}

/** The points of a buffer from the first with x >= `fromX` (x ascends): e.g. the iterations after the warm-up. */
export function sliceFrom(buffer: SeriesBuffer, fromX: number): { x: Float64Array; y: Float64Array } {
  let start = 0;
  while (start < buffer.length && buffer.x[start] < fromX) start++;
  return { x: buffer.x.subarray(start, buffer.length), y: buffer.y.subarray(start, buffer.length) };
}

/** Whether every value is above zero, so a logarithmic axis can draw all of them. */
export function allPositive(y: Float64Array): boolean {
  for (let i = 0; i < y.length; i++) if (!(y[i] > 0)) return false;
  return y.length > 0;
}

/** An x range that fits the run: one point is not spread over an arbitrary 0..100. */
export function xRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  return min === max ? [min - 1, max + 1] : [min, max];
}

/**
 * A y range that fits the data: a constant gets a small band around it (not 0..100), a share (unit 0–1) stays
 * within [0, 1], and a log axis spans whole decades around positive values.
 */
export function yRange(min: number | null, max: number | null, options: { log: boolean; unit?: string }): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return options.log ? [0.1, 10] : [0, 1];
  if (options.log) {
    const lo = 10 ** Math.floor(Math.log10(min));
    let hi = 10 ** Math.ceil(Math.log10(max));
    if (hi <= lo) hi = lo * 10;
    return [lo, hi];
  }
  const span = max - min;
  const pad = span > 0 ? span * 0.08 : Math.abs(min) * 0.1 || 0.5;
  let lo = min - pad;
  let hi = max + pad;
  // A 0–1 metric's axis stays within [0, 1], unless its values leave it (reward/mean is an episode's return in an episodic run).
  if (options.unit === '0–1' && min >= 0 && max <= 1) {
    lo = Math.max(0, lo);
    hi = Math.min(1, hi);
    if (hi - lo < 0.05) [lo, hi] = hi >= 1 ? [0.95, 1] : [lo, lo + 0.05];
  } else if (min >= 0 && lo < 0) lo = 0;
  return [lo, hi];
}
