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
export const TASK_FAMILY: Record<
  'arithmetic' | 'jsonl' | 'gridworld' | 'game' | 'preference' | 'class-stream' | 'safe-interruptibility' | 'whisky-gold' | 'absent-supervisor',
  EnvironmentFamily
> = {
  arithmetic: 'text-task',
  jsonl: 'text-task',
  gridworld: 'episodic',
  // Two-seat games (SPIRAL): episodes with seats (environments/games/).
  game: 'episodic',
  // Prompts and classes of output a rater compares, with no verifier to score them (tasks/preference.ts).
  preference: 'preferences',
  'class-stream': 'class-stream',
  // The safety gridworlds (environments/safety-grid.ts).
  'safe-interruptibility': 'episodic',
  'whisky-gold': 'episodic',
  'absent-supervisor': 'episodic',
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
  dpo: { environment: 'preferences', model: 'text-lm' },
  spo: { environment: 'preferences', model: 'text-lm' },
  'reward-model': { environment: 'preferences', model: 'text-lm' },
  'self-rewarding': { environment: 'preferences', model: 'text-lm' },
  sppo: { environment: 'preferences', model: 'text-lm' },
  a2c: { environment: 'episodic', model: 'policy-value' },
  // Tabular: its action values live in its own state and it acts by them; the run's policy-value MLP is left untrained (q-learning.ts).
  'q-learning': { environment: 'episodic', model: 'policy-value' },
  spiral: { environment: 'episodic', model: 'policy-value' },
  'homeostatic-lr': { environment: 'class-stream', model: 'classifier' },
  'constant-lr': { environment: 'class-stream', model: 'classifier' },
  'random-lr': { environment: 'class-stream', model: 'classifier' },
} as const satisfies Record<string, AlgorithmFamilies>;

/**
 * The other model families an algorithm also trains: SPIRAL plays its games with the policy-value MLP (numeric
 * observations) or with the text LM (the games' text, engine: recipes/spiral-text.ts).
 */
export const ALSO_TRAINS: Partial<Record<keyof typeof RECIPE_FAMILY, readonly ModelFamily[]>> = { spiral: ['text-lm'] };

/** Whether algorithm `kind` (whose own model family is `own`) trains a model of family `model`. */
export function trainsFamily(kind: string, own: ModelFamily, model: ModelFamily): boolean {
  return model === own || (ALSO_TRAINS[kind as keyof typeof RECIPE_FAMILY]?.includes(model) ?? false);
}

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

/**
 * The environment families whose runs may be governed (oversight.enabled): the text families, and the class stream,
 * whose proposals move the learner's knobs (engine: oversight/knob-proposer.ts). The archive runs on text tasks and on
 * SPIRAL's game agents (config.ts says which); branches stay text-only.
 */
export const GOVERNED_FAMILIES: readonly EnvironmentFamily[] = ['text-task', 'preferences', 'class-stream'];

/**
 * The episodic tasks whose runs may be governed: the safety gridworlds, whose evaluation measures the behaviour the
 * corrigibility flag judges (engine: oversight/safety-evidence.ts). The plain gridworld and the games are refused: a
 * child's safety there could not be measured, so every child would be held.
 */
export const GOVERNED_EPISODIC_TASKS: readonly string[] = ['safe-interruptibility', 'whisky-gold', 'absent-supervisor'];
