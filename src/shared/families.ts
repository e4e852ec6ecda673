/**
 * The engine's families (DESIGN.md, "The engine core"): what an agent sees, what it is. An algorithm names the
 * environment and model family it needs; a run config whose task and policy are of other families is refused.
 * These tables are the one source of each kind's family: the config's checks (isTextRun) read them here, and the
 * engine's algorithm registry takes each algorithm's families from RECIPE_FAMILY, so the two cannot disagree.
 * config.ts checks at compile time that each table names exactly the kinds its schemas allow.
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

/** The families an algorithm needs: its environment's and its model's. */
export interface AlgorithmFamilies {
  readonly environment: EnvironmentFamily;
  readonly model: ModelFamily;
}

/** The families of each algorithm (recipe kind) a run config can name; its registry line takes them from here. */
export const RECIPE_FAMILY = {
  star: { environment: 'text-task', model: 'text-lm' },
  grpo: { environment: 'text-task', model: 'text-lm' },
  dpo: { environment: 'text-task', model: 'text-lm' },
  a2c: { environment: 'episodic', model: 'policy-value' },
  'homeostatic-lr': { environment: 'class-stream', model: 'classifier' },
  'constant-lr': { environment: 'class-stream', model: 'classifier' },
  'random-lr': { environment: 'class-stream', model: 'classifier' },
} as const satisfies Record<string, AlgorithmFamilies>;
