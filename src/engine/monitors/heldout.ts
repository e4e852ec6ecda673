import type { Metrics } from '../../shared/run';
import { evaluate, scorecardMetrics } from '../environments/text-task';
import type { Policy, Task } from '../types';

/** The per-iteration held-out monitor: the text-task environment's evaluation without its probes, as metrics. */
export function evaluateHeldout(policy: Policy, task: Task): Metrics {
  return scorecardMetrics(evaluate(policy, task, { probes: false }), task);
}
