/**
 * The engine's families (DESIGN.md, "The engine core"): what an agent sees, what it is. An algorithm names the
 * environment and model family it needs; a run config whose task and policy are of other families is refused.
 */
export type EnvironmentFamily = 'text-task' | 'episodic' | 'preferences' | 'class-stream';
export type ModelFamily = 'text-lm' | 'policy-value' | 'classifier';

/** The environment family of each task kind a run config can name. */
export const TASK_FAMILY: Record<'arithmetic' | 'jsonl' | 'gridworld' | 'class-stream', EnvironmentFamily> = {
  arithmetic: 'text-task',
  jsonl: 'text-task',
  gridworld: 'episodic',
  'class-stream': 'class-stream',
};

/** The model family of each policy kind a run config can name. */
export const POLICY_FAMILY: Record<'transformer' | 'mlp' | 'classifier', ModelFamily> = {
  transformer: 'text-lm',
  mlp: 'policy-value',
  classifier: 'classifier',
};
