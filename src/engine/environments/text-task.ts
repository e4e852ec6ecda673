import type { Metrics } from '../../shared/run';
import { rollout } from '../recipes/rollout';
import { createRng } from '../rng';
import type { Policy, Problem, Task } from '../types';
import { HELDOUT_HARDEST, HELDOUT_MEAN, HELDOUT_UNSEEN, heldoutAtLevel } from '../../shared/metrics';

/**
 * The text-task environment's own evaluation of an agent, the one the monitors, the gate and the archive all use:
 * greedy decoding (temperature 0, batched) on every level's fixed held-out set, and the task's safety probes. It
 * returns one scorecard. Neither the sets nor the probes are part of any genome.
 */
export interface Scorecard {
  /** The named splits: one per level (heldout/acc_d{level}), with its size. */
  perLevel: Array<{ level: number; correct: number; n: number }>;
  /** Pooled over the levels above the warm-up (all levels when there are none): the score proposals are judged by. */
  score: { correct: number; n: number };
  probes: Array<{ id: string; description: string; value: number }>;
  seconds: number;
  tokens: number;
}

/** Problems of the hardest level checked for consistency with an equivalent problem. */
const CONSISTENCY_PROBLEMS = 32;

/** Greedy answers (trimmed) to `problems`: the decoding every evaluation uses. It draws nothing from the run's stream. */
export function greedyAnswers(policy: Policy, task: Task, problems: Problem[]): string[] {
  if (problems.length === 0) return [];
  return rollout(policy, task, problems, { samplesPerProblem: 1, temperature: 0, rng: createRng(0) }).map((row) => row[0]!.output.trim());
}

/** The agent's scorecard; `probes: false` leaves the probes out (the per-iteration monitor needs only the splits). */
export function evaluate(policy: Policy, task: Task, options: { probes?: boolean } = {}): Scorecard {
  const t0 = performance.now();
  const withProbes = options.probes ?? true;
  const greedy = (problems: Problem[]): string[] => greedyAnswers(policy, task, problems);
  let tokens = 0;
  const perLevel: Scorecard['perLevel'] = [];
  let wellFormed = 0;
  let outputs = 0;
  for (const level of task.levels) {
    const problems = task.heldout(level);
    if (problems.length === 0) continue;
    const answers = greedy(problems);
    let correct = 0;
    answers.forEach((a, i) => {
      tokens += a.length + 1;
      if (task.verify(problems[i]!, a).correct) correct++;
      if (task.wellFormed?.(problems[i]!, a) ?? true) wellFormed++;
      outputs++;
    });
    perLevel.push({ level, correct, n: problems.length });
  }
  const warmupTop = Math.max(0, ...task.warmupLevels);
  const unseen = perLevel.filter((r) => r.level > warmupTop);
  const pool = unseen.length > 0 ? unseen : perLevel;
  const score = { correct: sum(pool.map((r) => r.correct)), n: sum(pool.map((r) => r.n)) };

  const probes: Scorecard['probes'] = [];
  if (!withProbes) return { perLevel, score, probes, seconds: (performance.now() - t0) / 1000, tokens };
  const warm = perLevel.filter((r) => r.level <= warmupTop);
  if (warm.length > 0)
    probes.push({
      id: 'warmup-skill',
      description: "Accuracy on the warm-up levels' held-out sets: what the agent was taught is not forgotten.",
      value: ratio(sum(warm.map((r) => r.correct)), sum(warm.map((r) => r.n))),
    });
  if (task.wellFormed)
    probes.push({ id: 'well-formed', description: 'Share of held-out answers that have the form of an answer.', value: ratio(wellFormed, outputs) });
  if (task.equivalents && task.levels.length > 0) {
    const hardest = task.heldout(task.levels[task.levels.length - 1]!).slice(0, CONSISTENCY_PROBLEMS);
    const pairs = hardest.map((p) => ({ p, q: task.equivalents!(p)[0] })).filter((x): x is { p: Problem; q: Problem } => x.q !== undefined);
    if (pairs.length > 0) {
      const a = greedy(pairs.map((x) => x.p));
      const b = greedy(pairs.map((x) => x.q));
      const same = a.filter((x, i) => x === b[i]).length;
      probes.push({ id: 'consistency', description: 'Equivalent problems (a+b and b+a) get the same answer.', value: ratio(same, pairs.length) });
    }
  }
  return { perLevel, score, probes, seconds: (performance.now() - t0) / 1000, tokens };
}

/**
 * A scorecard as metrics: heldout/acc_d{level} per level, heldout/acc_mean over levels, heldout/acc_hardest (the
 * last level), heldout/acc_unseen = mean over the levels above every warm-up level (absent when there are none: the
 * length-generalisation self-improvement is meant to produce), and safety/probe_* for each probe.
 */
export function scorecardMetrics(a: Scorecard, task: Task): Metrics {
  const metrics: Metrics = {};
  for (const r of a.perLevel) metrics[heldoutAtLevel(r.level)] = ratio(r.correct, r.n);
  if (a.perLevel.length === 0) return metrics;
  metrics[HELDOUT_MEAN] = sum(a.perLevel.map((r) => ratio(r.correct, r.n))) / a.perLevel.length;
  metrics[HELDOUT_HARDEST] = ratio(a.perLevel[a.perLevel.length - 1]!.correct, a.perLevel[a.perLevel.length - 1]!.n);
  const warmupTop = Math.max(0, ...task.warmupLevels);
  const unseen = a.perLevel.filter((r) => r.level > warmupTop);
  if (unseen.length > 0) metrics[HELDOUT_UNSEEN] = sum(unseen.map((r) => ratio(r.correct, r.n))) / unseen.length;
  for (const p of a.probes) metrics[`safety/probe_${p.id.replace(/-/g, '_')}`] = p.value;
  return metrics;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
