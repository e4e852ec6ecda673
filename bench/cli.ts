/**
 * What the results scripts of bench/ share: reading `--name value` from the command line, and a mean with its 95%
 * Student-t interval over seeds, as docs/results.md prints it.
 */

/** The value after `--name`, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Two-sided 95% Student t quantiles by degrees of freedom. */
const T95 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262];

/**
 * `mean [low, high]`, a 95% Student-t interval (one value alone: its mean). `clamp` bounds the interval to [0, 1]
 * (a rate); `finiteOnly` leaves out values that are not finite (a metric a seed did not report), `–` when none is.
 */
export function interval(xs: number[], options: { digits?: number; clamp?: boolean; finiteOnly?: boolean } = {}): string {
  const digits = options.digits ?? 3;
  const values = options.finiteOnly ? xs.filter(Number.isFinite) : xs;
  const n = values.length;
  if (options.finiteOnly && n === 0) return '–';
  const m = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return m.toFixed(digits);
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  const h = (T95[n - 1] ?? 1.96) * (sd / Math.sqrt(n));
  const low = options.clamp ? Math.max(0, m - h) : m - h;
  const high = options.clamp ? Math.min(1, m + h) : m + h;
  return `${m.toFixed(digits)} [${low.toFixed(digits)}, ${high.toFixed(digits)}]`;
}
