/**
 * How the bench times a call: best and median milliseconds over at least `minMs` and `minReps` calls, after one
 * warm-up call. The best is the least disturbed estimate on a shared machine; the median is what a run sees, and
 * with several pool workers the two differ (each worker's step time varies by 20-50% when both cores compute,
 * against a few percent for one thread), so tables that compare worker counts report both.
 */
export function timeIt(fn: () => void, minMs: number, minReps: number): { best: number; median: number } {
  fn();
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < minReps || performance.now() - t0 < minMs) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { best: times[0]!, median: times[Math.floor(times.length / 2)]! };
}
