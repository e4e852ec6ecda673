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
