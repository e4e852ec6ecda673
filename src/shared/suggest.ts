/**
 * "Did you mean ...?" for names a person typed: config fields, CLI flags, commands, presets. Pure, no imports.
 */

/**
 * Levenshtein edit distance (insert, delete, substitute each cost 1) with adjacent transpositions counted as one
 * edit too (optimal string alignment), since "wsam" for "wasm" is one slip of the fingers, not two.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `input` (case-insensitive), or null when none is close enough to be a likely typo:
 * at most a third of the input's length in edits (at least 1, at most 3), so "colour" does not suggest "seed".
 * Ties go to the earlier candidate, so callers list the common names first.
 */
export function nearest(input: string, candidates: readonly string[]): string | null {
  const needle = input.toLowerCase();
  const allowed = Math.min(3, Math.max(1, Math.floor(needle.length / 3)));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) return null;
    const d = editDistance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= allowed ? best : null;
}

/** "; did you mean `x`?" when a near name exists, else "". */
export function didYouMean(input: string, candidates: readonly string[], quote: (s: string) => string = (s) => `\`${s}\``): string {
  const match = nearest(input, candidates);
  return match === null ? '' : `; did you mean ${quote(match)}?`;
}
