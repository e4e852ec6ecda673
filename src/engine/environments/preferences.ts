/**
 * The preferences environment family (DESIGN.md, "The engine core"): a group of outputs for one prompt and a rater
 * that compares them. What an algorithm of the family gets from it is preference data: pairs (chosen, rejected)
 * for DPO-like losses, or each output's win rate within its group for SPO-like ones.
 *
 * A rater answers "is a better than b?" with a probability (its noise model), and, where it has one, gives each
 * output a score (the verifier's partial credit, a hidden utility): a scoring rater ranks a whole group at once.
 * Raters are part of the protected evaluation: they come from the run config's `rater` (outside the genome), never
 * from the agent, so no proposal can change who judges it.
 */
import type { AgentView, Policy, Problem, Rater, Rng, Task, TrainBatch, Verdict } from '../types';

/** A group of outputs sampled for one prompt. */
export interface OutputGroup {
  problem: Problem;
  outputs: string[];
}

export type { Rater } from '../types';

/** One preference: indices into a group's outputs. */
export type PreferencePair = [chosen: number, rejected: number];

/**
 * The task's verifier as a rater: an output's score is its reward (partial credit where the task gives it), passed
 * through the agent's tools as every text recipe does (its self-verification zeroes an output it rejects, its
 * shaping may change the value). The higher score wins; equal scores tie.
 */
export function verifierRater(
  task: Pick<Task, 'verify'>,
  agent?: AgentView,
): Rater & { score(problem: Problem, output: string): number; verdict(problem: Problem, output: string): Verdict } {
  const verdict = (problem: Problem, output: string) => task.verify(problem, output);
  const score = (problem: Problem, output: string) => {
    const reward = verdict(problem, output).reward;
    if (!agent) return reward;
    return agent.accepts(problem, output) ? agent.shapeReward(problem, output, reward) : 0;
  };
  return {
    kind: 'verifier',
    verdict,
    score,
    probability: (problem, a, b) => {
      const sa = score(problem, a);
      const sb = score(problem, b);
      return sa > sb ? 1 : sa < sb ? 0 : 0.5;
    },
  };
}

/**
 * One comparison as the rater makes it: 1 when a wins, 0 when b wins, 0.5 for no preference. A rater certain
 * either way (probability 0 or 1) or indifferent (0.5) draws nothing from `rng`, so a deterministic rater leaves
 * the run's random stream where it was.
 */
export function compare(rater: Rater, problem: Problem, a: string, b: string, rng: Rng): number {
  const p = rater.probability(problem, a, b);
  if (p >= 1) return 1;
  if (p <= 0) return 0;
  if (p === 0.5) return 0.5;
  return rng.next() < p ? 1 : 0;
}

/**
 * Up to `max` (chosen, rejected) pairs from one group's scores: chosen among the highest, rejected among the
 * lowest, each output in one pair at most, both sets shuffled with `rng` (a seed replays the same pairs). None when
 * every score is the same.
 */
export function extremePairs(scores: number[], max: number, rng: Rng): PreferencePair[] {
  if (scores.length === 0) return [];
  const hi = Math.max(...scores);
  const lo = Math.min(...scores);
  if (hi === lo) return [];
  const chosen = shuffle(
    scores.flatMap((r, i) => (r === hi ? [i] : [])),
    rng,
  );
  const rejected = shuffle(
    scores.flatMap((r, i) => (r === lo ? [i] : [])),
    rng,
  );
  const n = Math.min(max, chosen.length, rejected.length);
  return Array.from({ length: n }, (_, i) => [chosen[i]!, rejected[i]!]);
}

/**
 * Each output's win rate within its group: the mean outcome of its comparisons with every other output (a tie
 * counts a half), each pair compared once by the rater, in index order. A group of one has nothing to compare
 * with: 0.5. This is SPO's reward (Swamy et al. 2024).
 */
export function winRates(group: OutputGroup, rater: Rater, rng: Rng): number[] {
  const n = group.outputs.length;
  const wins = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const outcome = compare(rater, group.problem, group.outputs[i]!, group.outputs[j]!, rng);
      wins[i]! += outcome;
      wins[j]! += 1 - outcome;
    }
  }
  return wins.map((w) => (n < 2 ? 0.5 : w / (n - 1)));
}

/**
 * The rater's preference pairs for one group: a scoring rater ranks the group by its scores; any other rater
 * compares every pair (winRates) and the pairs come from the extremes of the win rates (best against worst, as
 * Self-Rewarding LMs pair its judge's scores). Up to `max` pairs, each output in one pair at most.
 */
export function groupPreferences(group: OutputGroup, rater: Rater, max: number, rng: Rng): PreferencePair[] {
  return extremePairs(groupScores(group, rater, rng), max, rng);
}

/** What ranks a group's outputs: a scoring rater's scores (no draw from `rng`), else each output's win rate. */
export function groupScores(group: OutputGroup, rater: Rater, rng: Rng): number[] {
  const { score } = rater;
  return score ? group.outputs.map((o) => score(group.problem, o)) : winRates(group, rater, rng);
}

function shuffle<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** The policy's exact share of each output class: its probability, at temperature 1, of writing each class name and stopping, averaged over the prompts; `other` is the rest. */
export interface ClassShares {
  names: readonly string[];
  shares: number[];
  other: number;
}

/** The policy's class shares on `problems`; null for a task without output classes. */
export function classShares(policy: Pick<Policy, 'logProbs'>, task: Task, problems: Problem[]): ClassShares | null {
  const classes = task.outputClasses;
  if (!classes || problems.length === 0) return null;
  const names = classes.names;
  const batch: TrainBatch = { sequences: [], targetStart: [] };
  for (const problem of problems) {
    const prompt = [task.tokenizer.bos, ...task.tokenizer.encode(problem.prompt)];
    for (const name of names) {
      batch.sequences.push([...prompt, ...task.tokenizer.encode(name), task.tokenizer.eos]);
      batch.targetStart.push(prompt.length);
    }
  }
  const logProbs = policy.logProbs(batch);
  const shares = names.map(
    (_, k) => problems.reduce((a, _p, i) => a + Math.exp(logProbs[i * names.length + k]!.reduce((x, y) => x + y, 0)), 0) / problems.length,
  );
  return { names, shares, other: Math.max(0, 1 - shares.reduce((a, b) => a + b, 0)) };
}

/**
 * Class shares as metrics: pref/share_<class>, pref/share_other, and pref/minimax_distance, the total variation
 * distance to the uniform mix over the classes (the Minimax Winner of the cyclic rater and of the panel).
 */
export function shareMetrics(c: ClassShares): Record<string, number> {
  const uniform = 1 / c.names.length;
  const metrics: Record<string, number> = {
    'pref/share_other': c.other,
    'pref/minimax_distance': 0.5 * (c.shares.reduce((a, s) => a + Math.abs(s - uniform), 0) + c.other),
  };
  c.names.forEach((name, k) => (metrics[`pref/share_${name}`] = c.shares[k]!));
  return metrics;
}

/**
 * Exploitability under a rater: how much more than half of its comparisons the best single class wins against the
 * policy's mix (0 at a Minimax Winner; an output of no class loses to any class, as raters.ts rules).
 */
export function exploitability(c: ClassShares, rater: Rater, problem: Problem): number {
  const best = Math.max(...c.names.map((a) => c.names.reduce((sum, b, k) => sum + c.shares[k]! * rater.probability(problem, a, b), c.other)));
  return best - 0.5;
}
