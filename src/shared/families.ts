/**
 * The engine's families (DESIGN.md, "The engine core"): what an agent sees, what it is. An algorithm names the
 * environment and model family it needs; a run config whose task and policy are of other families is refused.
 */
export type EnvironmentFamily = 'text-task' | 'episodic' | 'preferences' | 'class-stream';
export type ModelFamily = 'text-lm' | 'policy-value' | 'classifier';

/** The environment family of each task kind a run config can name. */
export const TASK_FAMILY: Record<'arithmetic' | 'jsonl' | 'gridworld' | 'preference', EnvironmentFamily> = {
  arithmetic: 'text-task',
  jsonl: 'text-task',
  gridworld: 'episodic',
  // Prompts and classes of output a rater compares, with no verifier to score them (tasks/preference.ts).
  preference: 'preferences',
};

/** The model family of each policy kind a run config can name. */
export const POLICY_FAMILY: Record<'transformer' | 'mlp', ModelFamily> = { transformer: 'text-lm', mlp: 'policy-value' };

/**
 * The environment families a task of each family also serves. A preferences environment is a group of outputs for
 * one prompt and a rater that compares them (engine: environments/preferences.ts): a text task serves it, each
 * prompt's samples a group and its verifier the first rater (correct over incorrect, partial credit as a score).
 */
export const ALSO_SERVES: Partial<Record<EnvironmentFamily, readonly EnvironmentFamily[]>> = { 'text-task': ['preferences'] };

/** Whether a task of family `task` can serve an algorithm that needs the `wanted` family. */
export function servesFamily(task: EnvironmentFamily, wanted: EnvironmentFamily): boolean {
  return task === wanted || (ALSO_SERVES[task]?.includes(wanted) ?? false);
}
