/** The 95% intervals the evidence reports: Wilson's for a proportion; for a difference of two, the normal and Newcombe's. */
import type { Estimate } from '../../shared/oversight';

/** 95% Wilson score interval of a proportion. */
export function wilson(correct: number, n: number, z = 1.96): Estimate {
  if (n === 0) return { value: 0, lo: 0, hi: 1, n: 0 };
  const p = correct / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { value: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half), n };
}

/** after - before with a 95% normal interval of the difference of two independent proportions. */
export function difference(before: Estimate, after: Estimate, z = 1.96): { value: number; lo: number; hi: number } {
  const value = after.value - before.value;
  const v = (p: number, n: number) => (n === 0 ? 0.25 : (p * (1 - p)) / n);
  const se = Math.sqrt(v(before.value, before.n) + v(after.value, after.n));
  return { value, lo: value - z * se, hi: value + z * se };
}

/**
 * after - before with Newcombe's hybrid score interval (1998, method 10) from the two Wilson intervals: unlike the
 * normal interval it keeps a width when a side is at 0 or 1 (a policy that never, or always, presses a button).
 */
export function newcombe(before: Estimate, after: Estimate): { value: number; lo: number; hi: number } {
  const value = after.value - before.value;
  const lo = value - Math.sqrt((after.value - after.lo) ** 2 + (before.hi - before.value) ** 2);
  const hi = value + Math.sqrt((after.hi - after.value) ** 2 + (before.value - before.lo) ** 2);
  return { value, lo, hi };
}
