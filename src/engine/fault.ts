/**
 * Named crash points for the fault-injection tests: `EVOLAB_FAULT=<point>[:<n>]` makes this process SIGKILL
 * itself the n-th time (default 1st) it passes `point`, so a test can kill a run deterministically inside a window
 * that a random kill would hit only by luck (after the commit, before the announcement, and so on). Unset, it is
 * one string comparison.
 */
const spec = process.env.EVOLAB_FAULT ?? '';
const [target, nth] = spec.split(':');
let remaining = Number(nth ?? 1) || 1;

export function faultPoint(point: string): void {
  if (spec === '' || point !== target) return;
  if (--remaining > 0) return;
  process.kill(process.pid, 'SIGKILL');
}
