/**
 * Exploration and exploitation monitors (B-STaR, Zeng et al. 2024): pass@k, answer diversity, and how precisely
 * the reward selects correct samples. Pure functions over plain arrays so they are tested with hand-computed values.
 */

/**
 * Unbiased pass@k from n samples of which c are correct (Chen et al. 2021): 1 - C(n-c, k) / C(n, k), computed as a
 * product to stay exact for large n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k < 1 || k > n) throw new RangeError(`pass@k needs 1 <= k <= n, got k=${k}, n=${n}`);
  if (c < 0 || c > n) throw new RangeError(`pass@k needs 0 <= c <= n, got c=${c}, n=${n}`);
  if (n - c < k) return 1;
  let allWrong = 1;
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}

/** Mean pass@k over queries, each given as its list of per-sample correctness. */
export function meanPassAtK(correctPerQuery: boolean[][], k: number): number {
  if (correctPerQuery.length === 0) return 0;
  let sum = 0;
  for (const row of correctPerQuery) sum += passAtK(row.length, row.filter(Boolean).length, Math.min(k, row.length));
  return sum / correctPerQuery.length;
}

/** Mean number of distinct outputs per query. */
export function distinctAnswers(outputsPerQuery: string[][]): number {
  if (outputsPerQuery.length === 0) return 0;
  let sum = 0;
  for (const outputs of outputsPerQuery) sum += new Set(outputs.map((o) => o.trim())).size;
  return sum / outputsPerQuery.length;
}

/** Distinct-n: distinct character n-grams / total n-grams over all outputs (0 when there are none). */
export function distinctN(outputs: string[], n = 2): number {
  const seen = new Set<string>();
  let total = 0;
  for (const output of outputs) {
    const chars = [...output];
    for (let i = 0; i + n <= chars.length; i++) {
      seen.add(chars.slice(i, i + n).join(''));
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}

/** Share of kept samples that are correct (0 when nothing was kept: nothing correct was selected). */
export function rewardPrecision(samples: Array<{ kept: boolean; correct: boolean }>): number {
  const kept = samples.filter((s) => s.kept);
  return kept.length === 0 ? 0 : kept.filter((s) => s.correct).length / kept.length;
}
