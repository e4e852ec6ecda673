/**
 * Summaries across seeds: the mean and a bootstrap confidence interval of the mean (the percentile bootstrap:
 * resample the seeds' values with replacement, take the mean of each resample, read the interval off the sorted
 * means). Seeded, so a report is the same every time it is computed from the same values.
 */

export interface MeanInterval {
  n: number;
  mean: number;
  lo: number;
  hi: number;
  /** The interval's coverage, e.g. 0.95. */
  level: number;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** mulberry32: a small, fast, seeded generator (the bootstrap needs reproducible, not cryptographic, draws). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The q-quantile of sorted values, interpolated between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Mean of `values` with its percentile-bootstrap interval. Non-finite values are left out (n counts the rest);
 * with one value the interval is that value, with none the result is null.
 */
export function bootstrapMean(values: readonly number[], options: { level?: number; resamples?: number; seed?: number } = {}): MeanInterval | null {
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? 10_000;
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return null;
  const m = mean(xs);
  if (xs.length === 1) return { n: 1, mean: m, lo: m, hi: m, level };
  const random = generator(options.seed ?? 0x5eed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < xs.length; i++) sum += xs[Math.floor(random() * xs.length)];
    means[r] = sum / xs.length;
  }
  means.sort();
  const sorted = Array.from(means);
  return { n: xs.length, mean: m, lo: quantile(sorted, (1 - level) / 2), hi: quantile(sorted, 1 - (1 - level) / 2), level };
}
