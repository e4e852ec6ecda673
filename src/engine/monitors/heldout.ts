import type { Metrics } from '../../shared/run';
import { classShares, shareMetrics } from '../environments/preferences';
import { evaluate, scorecardMetrics } from '../environments/text-task';
import type { Policy, Task } from '../types';

/** The per-iteration held-out monitor: the text-task environment's evaluation without its probes, as metrics. */
export function evaluateHeldout(policy: Policy, task: Task): Metrics {
  // On a task with output classes, also the policy's share of each class and its distance to the uniform mix.
  const shares = task.outputClasses ? classShares(policy, task, task.heldout(task.levels[0]!)) : null;
  return { ...scorecardMetrics(evaluate(policy, task, { probes: false }), task), ...(shares ? shareMetrics(shares) : {}) };
}
