import type { Metrics } from '../../shared/run';
import { rollout } from '../recipes/rollout';
import { createRng } from '../rng';
import type { Policy, Task } from '../types';
import { HELDOUT_HARDEST, HELDOUT_MEAN, HELDOUT_UNSEEN, heldoutAtLevel } from '../../shared/metrics';

/**
 * Held-out evaluation: greedy decoding on every level's fixed held-out set, batched.
 * heldout/acc_d{level} per level, heldout/acc_mean over levels, heldout/acc_hardest (the last level), and
 * heldout/acc_unseen = mean over levels above every warm-up level (absent when there are none): the
 * length-generalisation the self-improvement loop is meant to produce.
 */
export function evaluateHeldout(policy: Policy, task: Task): Metrics {
  const metrics: Metrics = {};
  // Greedy decoding draws nothing; a private rng keeps the run's stream untouched by evaluation.
  const rng = createRng(0);
  const accuracies = new Map<number, number>();
  for (const level of task.levels) {
    const problems = task.heldout(level);
    if (problems.length === 0) continue;
    const samples = rollout(policy, task, problems, { samplesPerProblem: 1, temperature: 0, rng });
    let correct = 0;
    samples.forEach((row, i) => {
      if (task.verify(problems[i]!, row[0]!.output).correct) correct++;
    });
    const acc = correct / problems.length;
    accuracies.set(level, acc);
    metrics[heldoutAtLevel(level)] = acc;
  }
  const values = [...accuracies.values()];
  if (values.length === 0) return metrics;
  metrics[HELDOUT_MEAN] = mean(values);
  metrics[HELDOUT_HARDEST] = accuracies.get(Math.max(...accuracies.keys()))!;
  const warmupTop = Math.max(0, ...task.warmupLevels);
  const unseen = [...accuracies].filter(([level]) => level > warmupTop).map(([, acc]) => acc);
  if (unseen.length > 0) metrics[HELDOUT_UNSEEN] = mean(unseen);
  return metrics;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
