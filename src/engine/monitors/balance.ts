/**
 * The B-STaR balance score (Zeng et al. 2024, "B-STaR: Monitoring and Balancing Exploration and Exploitation in
 * Self-Taught Reasoners"). For query i, take the samples whose reward is strictly above the threshold tau (the
 * authors' code compares with `>`: with vote-share rewards, 4 of 8 votes at tau 0.5 is not kept); of those n_i,
 * n_i' are correct; bs_i = min(n_i' / n0, 1) * (n_i' / n_i). The score is the mean over queries that kept any
 * sample (0 when none did). The first factor rewards exploration (enough correct samples), the second
 * exploitation (the reward keeps few wrong ones).
 *
 * The paper dedupes each query's kept samples by output first. With `dedupe` on for a task with exactly one
 * correct answer per query (arithmetic), n_i' <= 1, so the first factor is at most 1/n0 and the score collapses
 * to a precision measure; recipes therefore leave dedupe off for arithmetic (see recipes/star.ts).
 */
export interface ScoredSample {
  output: string;
  reward: number;
  /** Ground truth, used only to compute this monitor, never to train. */
  correct: boolean;
}

export interface BalanceOptions {
  threshold: number;
  n0: number;
  dedupe: boolean;
}

/** The keep rule of STaR/ReST and B-STaR alike: reward strictly above tau. The recipe trains on what this keeps. */
export function passesThreshold(reward: number, threshold: number): boolean {
  return reward > threshold;
}

/** bs_i for one query, or null when it kept no sample. */
export function queryBalance(samples: ScoredSample[], options: BalanceOptions): number | null {
  let kept = samples.filter((s) => passesThreshold(s.reward, options.threshold));
  if (options.dedupe) {
    const seen = new Set<string>();
    kept = kept.filter((s) => {
      const key = s.output.trim();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const n = kept.length;
  if (n === 0) return null;
  const nCorrect = kept.filter((s) => s.correct).length;
  return Math.min(nCorrect / options.n0, 1) * (nCorrect / n);
}

export function balanceScore(queries: ScoredSample[][], options: BalanceOptions): number {
  let sum = 0;
  let count = 0;
  for (const samples of queries) {
    const bs = queryBalance(samples, options);
    if (bs === null) continue;
    sum += bs;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

export interface BalanceChoice {
  temperature: number;
  threshold: number;
  score: number;
}

/**
 * Picks the (temperature, threshold) with the highest balance score from probes already sampled at each
 * temperature. Ties keep the earlier grid point, so the choice is deterministic.
 */
export function chooseBalance(
  probes: Array<{ temperature: number; queries: ScoredSample[][] }>,
  thresholds: number[],
  n0: number,
  dedupe: boolean,
): BalanceChoice {
  let best: BalanceChoice | null = null;
  for (const probe of probes) {
    for (const threshold of thresholds) {
      const score = balanceScore(probe.queries, { threshold, n0, dedupe });
      if (best === null || score > best.score) best = { temperature: probe.temperature, threshold, score };
    }
  }
  if (best === null) throw new RangeError('chooseBalance needs at least one temperature and one threshold');
  return best;
}
