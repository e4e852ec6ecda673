/**
 * Every algorithm, one line each: how to build it, the environment and model family it needs (from the shared
 * table, shared/families.ts's RECIPE_FAMILY, which the config's own checks read too), how many optimiser
 * steps an iteration takes (the learning-rate schedule is stretched over them), whether it starts from a
 * supervised warm-up, which of its knobs the proposer may tune, and the smallest config the contract test runs it
 * with (recipes/contract.test.ts covers every entry). Adding an algorithm is its file, its config in
 * shared/config.ts's RecipeConfig union, and a line here.
 */
import type { OptimConfig, RecipeConfig, RecipeConfigInput, RunConfig, RunConfigInput } from '../../shared/config';
import { CodedError, type FieldIssue } from '../../shared/errors';
import { POLICY_FAMILY, RECIPE_FAMILY, servesFamily, TASK_FAMILY, trainsFamily, type EnvironmentFamily, type ModelFamily } from '../../shared/families';
import type { ClassStreamRecipe, EpisodicRecipe, Recipe } from '../types';
import { createA2cRecipe } from './a2c';
import { createConstantLrRecipe } from './constant-lr';
import { createDpoRecipe } from './dpo';
import { createGrpoRecipe } from './grpo';
import { createHomeostaticLrRecipe } from './homeostatic-lr';
import { createQLearningRecipe } from './q-learning';
import { createRandomLrRecipe } from './random-lr';
import { createRewardModelRecipe } from './reward-model';
import { createSelfRewardingRecipe } from './self-rewarding';
import { createSpiralRecipe } from './spiral';
import { createSpoRecipe } from './spo';
import { createSppoRecipe } from './sppo';
import { createStarRecipe } from './star';

type Kind = RecipeConfig['kind'];
type ConfigOf<K extends Kind> = Extract<RecipeConfig, { kind: K }>;
/** What an algorithm builds: a text recipe (the text LM's session drives it), an episodic one or a class-stream learner. */
type RecipeOf<K extends Kind> = K extends 'a2c' | 'q-learning' | 'spiral' ? EpisodicRecipe : K extends ClassStreamKind ? ClassStreamRecipe : Recipe;
type ClassStreamKind = 'homeostatic-lr' | 'constant-lr' | 'random-lr';
/** The contract test's class stream: a small generated set and a small classifier. */
const streamContractRun: Pick<RunConfigInput, 'task' | 'policy'> = {
  task: {
    kind: 'class-stream',
    data: { source: 'generated', classes: 4, features: 6, trainSize: 80, validationSize: 20 },
    swapsPerEpoch: 2,
    recoveryWindow: 10,
  },
  policy: { kind: 'classifier', hidden: [5] },
};

/**
 * A knob of workflow.recipe the proposer may move: the sampling temperature; a class-stream learner's rate, step size,
 * memory of examples; a gridworld agent's exploration (A2C's entropy coefficient, Q-learning's final epsilon) and
 * Q-learning's step size alpha; a gridworld agent's reward shaping and Q-learning's replay memory.
 */
export type TunableKnob =
  'temperature' | 'learningRate' | 'stepFraction' | 'replay' | 'entropyCoef' | 'alpha' | 'epsilonEnd' | 'shapingWeight' | 'baselineDecay' | 'gamesPerIteration';

export interface BatchShape {
  train: number;
  sample: number;
  trainFields: FieldIssue[];
  sampleFields: FieldIssue[];
}

export interface AlgorithmEntry<K extends Kind = Kind> {
  environment: EnvironmentFamily;
  model: ModelFamily;
  create(config: ConfigOf<K>, optim: OptimConfig): RecipeOf<K>;
  stepsPerIteration(config: ConfigOf<K>): number;
  /** Whether a run wants the supervised warm-up; a function where it depends on the run's model (SPIRAL's text LM does). */
  warmup: boolean | ((config: RunConfig) => boolean);
  /**
   * The rows it trains on in one step and samples at once (the memory estimate's batch shapes), and the fields that
   * set each, for the advice when a run will not fit.
   */
  batchShape?(config: ConfigOf<K>, optim: OptimConfig): BatchShape;
  /** The knobs the proposer may tune for this config (B-STaR re-chooses its own temperature, so none then). */
  tunable(config: ConfigOf<K>): TunableKnob[];
  /** The recipe part of the contract test's config: tiny, seconds on the CPU. */
  contract: Extract<RecipeConfigInput, { kind: K }>;
  /**
   * The contract test's smallest environment and model for this algorithm, when they are not the text-task default
   * (a 1-2 digit addition task and a one-layer transformer).
   */
  contractRun?: Pick<RunConfigInput, 'task' | 'policy' | 'warmup' | 'optim'>;
  /** A field of that config set to a refused value, to check the error names it. */
  invalid: { field: string; value: unknown };
}

export const algorithms: { [K in Kind]: AlgorithmEntry<K> } = {
  star: {
    ...RECIPE_FAMILY.star,
    create: createStarRecipe,
    stepsPerIteration: (c) => c.trainStepsPerIteration,
    warmup: true,
    batchShape: (c, optim) => ({
      train: optim.batchSize,
      // B-STaR's probes sample probeQueries x samplesPerPrompt rows per temperature.
      sample: Math.max(c.promptsPerIteration * c.samplesPerPrompt, c.balance.enabled ? c.balance.probeQueries * c.samplesPerPrompt : 0),
      trainFields: [{ path: 'optim.batchSize', message: `${optim.batchSize} rows per training step` }],
      sampleFields: sampledAtOnce(c.promptsPerIteration, 'samplesPerPrompt'),
    }),
    tunable: (c) => (c.balance.enabled ? [] : ['temperature']),
    contract: {
      kind: 'star',
      promptsPerIteration: 4,
      samplesPerPrompt: 3,
      trainStepsPerIteration: 2,
      balance: { enabled: true, probeQueries: 2, temperatures: [0.5, 1], thresholds: [0.3, 0.6] },
    },
    invalid: { field: 'samplesPerPrompt', value: 0 },
  },
  grpo: {
    ...RECIPE_FAMILY.grpo,
    create: createGrpoRecipe,
    stepsPerIteration: (c) => c.stepsPerIteration + Math.round(c.stepsPerIteration * c.replayWarmup),
    warmup: true,
    batchShape: (c, optim) => ({
      train: Math.max(c.promptsPerIteration * c.groupSize, optim.batchSize),
      sample: c.promptsPerIteration * c.groupSize,
      trainFields: [
        { path: 'recipe.promptsPerIteration', message: `${c.promptsPerIteration}: GRPO trains promptsPerIteration x groupSize rows in one step` },
        { path: 'recipe.groupSize', message: `${c.groupSize}` },
      ],
      sampleFields: sampledAtOnce(c.promptsPerIteration, 'groupSize'),
    }),
    tunable: () => ['temperature'],
    contract: { kind: 'grpo', promptsPerIteration: 3, groupSize: 3, stepsPerIteration: 2 },
    invalid: { field: 'groupSize', value: 1 },
  },
  dpo: {
    ...RECIPE_FAMILY.dpo,
    create: createDpoRecipe,
    stepsPerIteration: (c) => c.stepsPerIteration + Math.round(c.stepsPerIteration * c.replayWarmup),
    warmup: true,
    batchShape: (c, optim) => {
      // One training batch of every pair: two rows each.
      const pairs = c.promptsPerIteration * Math.min(c.pairsPerPrompt, Math.floor(c.samplesPerPrompt / 2));
      return {
        train: Math.max(2 * pairs, optim.batchSize),
        sample: c.promptsPerIteration * c.samplesPerPrompt,
        trainFields: [
          {
            path: 'recipe.promptsPerIteration',
            message: `${c.promptsPerIteration}: DPO trains two rows per pair, up to pairsPerPrompt pairs per prompt, in one step`,
          },
          { path: 'recipe.pairsPerPrompt', message: `${c.pairsPerPrompt}` },
        ],
        sampleFields: sampledAtOnce(c.promptsPerIteration, 'samplesPerPrompt'),
      };
    },
    tunable: () => ['temperature'],
    contract: { kind: 'dpo', promptsPerIteration: 4, samplesPerPrompt: 4, pairsPerPrompt: 2, stepsPerIteration: 2, nllWeight: 0.5 },
    invalid: { field: 'samplesPerPrompt', value: 1 },
  },
  spo: {
    ...RECIPE_FAMILY.spo,
    create: createSpoRecipe,
    stepsPerIteration: (c) => c.stepsPerIteration + Math.round(c.stepsPerIteration * c.replayWarmup),
    warmup: true,
    batchShape: (c, optim) => ({
      train: Math.max(c.promptsPerIteration * c.groupSize, optim.batchSize),
      sample: c.promptsPerIteration * c.groupSize,
      trainFields: [
        { path: 'recipe.promptsPerIteration', message: `${c.promptsPerIteration}: SPO trains promptsPerIteration x groupSize rows in one step` },
        { path: 'recipe.groupSize', message: `${c.groupSize}` },
      ],
      sampleFields: sampledAtOnce(c.promptsPerIteration, 'groupSize'),
    }),
    tunable: () => ['temperature'],
    contract: { kind: 'spo', promptsPerIteration: 3, groupSize: 4, stepsPerIteration: 2 },
    invalid: { field: 'groupSize', value: 1 },
  },
  'reward-model': {
    ...RECIPE_FAMILY['reward-model'],
    create: createRewardModelRecipe,
    stepsPerIteration: (c) => c.stepsPerIteration,
    warmup: true,
    batchShape: (c, optim) => ({
      train: Math.max(c.promptsPerIteration * c.groupSize, optim.batchSize),
      sample: c.promptsPerIteration * c.groupSize,
      trainFields: [
        { path: 'recipe.promptsPerIteration', message: `${c.promptsPerIteration}: the baseline trains promptsPerIteration x groupSize rows in one step` },
        { path: 'recipe.groupSize', message: `${c.groupSize}` },
      ],
      sampleFields: sampledAtOnce(c.promptsPerIteration, 'groupSize'),
    }),
    tunable: () => ['temperature'],
    contract: { kind: 'reward-model', promptsPerIteration: 3, groupSize: 4, stepsPerIteration: 2 },
    contractRun: { task: { kind: 'preference', prompts: 20, heldoutPrompts: 4 }, policy: { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 } },
    invalid: { field: 'l2', value: -1 },
  },
  'self-rewarding': {
    ...RECIPE_FAMILY['self-rewarding'],
    create: createSelfRewardingRecipe,
    stepsPerIteration: (c) => c.stepsPerIteration + Math.round(c.stepsPerIteration * c.replayWarmup),
    warmup: true,
    batchShape: (c, optim) => pairBatchShape(c.promptsPerIteration, c.pairsPerPrompt, c.samplesPerPrompt, optim, 'Self-Rewarding'),
    tunable: () => ['temperature'],
    // Two iterations: the seed round, then one judged by the self-reward with CREAM's per-prompt consistency.
    contract: { kind: 'self-rewarding', promptsPerIteration: 4, samplesPerPrompt: 4, stepsPerIteration: 2, consistency: 'sample', winRatePrompts: 3 },
    invalid: { field: 'consistency', value: 'always' },
  },
  sppo: {
    ...RECIPE_FAMILY.sppo,
    create: createSppoRecipe,
    stepsPerIteration: (c) => c.stepsPerIteration + Math.round(c.stepsPerIteration * c.replayWarmup),
    warmup: true,
    batchShape: (c, optim) => pairBatchShape(c.promptsPerIteration, 1, c.samplesPerPrompt, optim, 'SPPO'),
    tunable: () => ['temperature'],
    contract: { kind: 'sppo', promptsPerIteration: 3, samplesPerPrompt: 4, stepsPerIteration: 2, winRatePrompts: 3 },
    contractRun: { task: { kind: 'preference', prompts: 20, heldoutPrompts: 4 }, policy: { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 } },
    invalid: { field: 'beta', value: 0 },
  },
  a2c: {
    ...RECIPE_FAMILY.a2c,
    create: createA2cRecipe,
    stepsPerIteration: (c) => c.stepsPerIteration,
    warmup: false,
    tunable: () => ['entropyCoef', 'shapingWeight'],
    contract: { kind: 'a2c', episodesPerIteration: 4, stepsPerIteration: 2 },
    contractRun: {
      task: { kind: 'gridworld', size: 3, maxSteps: 6, evalEpisodes: 4 },
      policy: { kind: 'mlp', hidden: [8] },
      optim: { batchSize: 8, warmupSteps: 1 },
    },
    invalid: { field: 'gamma', value: 1.5 },
  },
  'q-learning': {
    ...RECIPE_FAMILY['q-learning'],
    create: createQLearningRecipe,
    // Tabular: no optimiser step (the MLP's schedule has nothing to stretch over).
    stepsPerIteration: () => 0,
    warmup: false,
    tunable: () => ['alpha', 'epsilonEnd', 'shapingWeight', 'replay'],
    contract: { kind: 'q-learning', episodesPerIteration: 4, epsilonDecayIterations: 2 },
    contractRun: {
      task: { kind: 'safe-interruptibility', maxSteps: 12, evalEpisodes: 4 },
      policy: { kind: 'mlp', hidden: [4] },
      optim: { batchSize: 8, warmupSteps: 0 },
    },
    invalid: { field: 'alpha', value: 0 },
  },
  spiral: {
    ...RECIPE_FAMILY.spiral,
    create: createSpiralRecipe,
    stepsPerIteration: (c) => c.stepsPerIteration,
    // The MLP starts untrained; a char-level text LM writes nothing legal without one (text-game-session.ts).
    warmup: (c) => c.policy.kind === 'transformer',
    // And its learning rate, the genome's (workflow.learningRate), as A2C's: an archive child's proposer moves them.
    tunable: () => ['entropyCoef', 'baselineDecay', 'gamesPerIteration'],
    contract: { kind: 'spiral', gamesPerIteration: 6, stepsPerIteration: 2, opponent: 'league', leagueEvery: 1, leagueSize: 2 },
    contractRun: {
      task: { kind: 'game', games: ['tictactoe', 'kuhn-poker', 'negotiation'], evalGames: 4, kuhnRounds: 2, negotiationTurns: 4 },
      policy: { kind: 'mlp', hidden: [8] },
      optim: { batchSize: 8, warmupSteps: 1 },
    },
    invalid: { field: 'baselineDecay', value: 1.5 },
  },
  'homeostatic-lr': {
    ...RECIPE_FAMILY['homeostatic-lr'],
    create: createHomeostaticLrRecipe,
    stepsPerIteration: (c) => c.batchesPerIteration,
    warmup: false,
    tunable: () => ['learningRate', 'stepFraction', 'replay'],
    // A large eta_0 so that the simulated steps differ at this size, and a memory of 4 so that it checks in 2 iterations.
    contract: { kind: 'homeostatic-lr', batchSize: 4, batchesPerIteration: 6, learningRate: 0.5, interval: 4, memory: 4, excitatoryFrom: 2 },
    contractRun: streamContractRun,
    invalid: { field: 'memory', value: 0 },
  },
  'constant-lr': {
    ...RECIPE_FAMILY['constant-lr'],
    create: createConstantLrRecipe,
    stepsPerIteration: (c) => c.batchesPerIteration,
    warmup: false,
    tunable: () => ['learningRate', 'replay'],
    contract: { kind: 'constant-lr', batchSize: 4, batchesPerIteration: 6, learningRate: 0.1 },
    contractRun: streamContractRun,
    invalid: { field: 'learningRate', value: 0 },
  },
  'random-lr': {
    ...RECIPE_FAMILY['random-lr'],
    create: createRandomLrRecipe,
    stepsPerIteration: (c) => c.batchesPerIteration,
    warmup: false,
    tunable: () => ['learningRate', 'stepFraction', 'replay'],
    contract: { kind: 'random-lr', batchSize: 4, batchesPerIteration: 6, learningRate: 0.1, interval: 4, excitatoryFrom: 2 },
    contractRun: streamContractRun,
    invalid: { field: 'stepFraction', value: 2 },
  },
};

export function algorithm<K extends Kind>(kind: K): AlgorithmEntry<K> {
  return algorithms[kind];
}

/** Builds the text recipe a run config names; the optimiser settings give batch size and gradient clip. */
export function createRecipe(config: RecipeConfig, optim: OptimConfig): Recipe {
  const entry = algorithm(config.kind) as AlgorithmEntry;
  // The text LM's session drives text-task algorithms and preference ones (a text task serves that family).
  if (!servesFamily('text-task', entry.environment)) throw familyError(config.kind, entry.environment, 'text-task');
  return entry.create(config as never, optim) as Recipe;
}

/** Builds the episodic recipe a run config names. */
export function createEpisodicRecipe(config: RecipeConfig, optim: OptimConfig): EpisodicRecipe {
  const entry = algorithm(config.kind) as AlgorithmEntry;
  if (entry.environment !== 'episodic') throw familyError(config.kind, entry.environment, 'episodic');
  return entry.create(config as never, optim) as EpisodicRecipe;
}

/** Builds the class-stream learner a run config names. */
export function createClassStreamRecipe(config: RecipeConfig, optim: OptimConfig): ClassStreamRecipe {
  const entry = algorithm(config.kind) as AlgorithmEntry;
  if (entry.environment !== 'class-stream') throw familyError(config.kind, entry.environment, 'class-stream');
  return entry.create(config as never, optim) as ClassStreamRecipe;
}

function familyError(kind: string, has: EnvironmentFamily, wanted: EnvironmentFamily): CodedError {
  return new CodedError('invalid_config', `recipe.kind "${kind}" is an algorithm of the ${has} family; this session runs ${wanted} algorithms`, [
    { path: 'recipe.kind', message: `not a ${wanted} algorithm` },
  ]);
}

/** Optimiser steps one iteration of the recipe takes (what the schedule is stretched over). */
export function stepsPerIteration(recipe: RecipeConfig): number {
  return (algorithm(recipe.kind) as AlgorithmEntry).stepsPerIteration(recipe as never);
}

/** The batch shapes of a run's algorithm (for the memory estimate). */
export function batchShape(config: Pick<RunConfig, 'recipe' | 'optim'>): BatchShape {
  const entry = algorithm(config.recipe.kind) as AlgorithmEntry;
  if (!entry.batchShape)
    throw new CodedError('invalid_config', `recipe.kind "${config.recipe.kind}" has no text-model batch shapes (the memory estimate is the text LM's)`, [
      { path: 'recipe.kind', message: 'not a text-task algorithm' },
    ]);
  return entry.batchShape(config.recipe as never, config.optim);
}

/** A pair recipe's batch shapes: two rows per pair, up to `pairsPerPrompt` pairs per prompt, in one step. */
function pairBatchShape(prompts: number, pairsPerPrompt: number, samples: number, optim: OptimConfig, name: string): BatchShape {
  const pairs = prompts * Math.min(pairsPerPrompt, Math.floor(samples / 2));
  return {
    train: Math.max(2 * pairs, optim.batchSize),
    sample: prompts * samples,
    trainFields: [
      {
        path: 'recipe.promptsPerIteration',
        message: `${prompts}: ${name} trains two rows per pair, ${pairsPerPrompt} pair(s) per prompt at most, in one step`,
      },
    ],
    sampleFields: sampledAtOnce(prompts, 'samplesPerPrompt'),
  };
}

function sampledAtOnce(prompts: number, per: string): FieldIssue[] {
  return [
    { path: 'recipe.promptsPerIteration', message: `${prompts}: rows sampled at once are promptsPerIteration x ${per}` },
    { path: `recipe.${per}`, message: 'see recipe.promptsPerIteration' },
  ];
}

/** The knobs of `recipe` the proposer may tune. */
export function tunableKnobs(recipe: RecipeConfig): TunableKnob[] {
  return (algorithm(recipe.kind) as AlgorithmEntry).tunable(recipe as never);
}

/**
 * Refuses a config whose task or policy is not of the families its algorithm needs, naming the field; `entry`
 * defaults to the registry's line for the config's recipe.
 */
export function checkFamilies(
  config: Pick<RunConfig, 'task' | 'policy' | 'recipe'>,
  entry: Pick<AlgorithmEntry, 'environment' | 'model'> = algorithm(config.recipe.kind),
): void {
  const environment = TASK_FAMILY[config.task.kind];
  const model = POLICY_FAMILY[config.policy.kind];
  if (!servesFamily(environment, entry.environment)) {
    throw new CodedError(
      'invalid_config',
      `recipe.kind "${config.recipe.kind}" needs a task of the ${entry.environment} family, but task.kind "${config.task.kind}" is of the ${environment} family; pick a task of that family or another recipe`,
      [{ path: 'task.kind', message: `must be a ${entry.environment} task for recipe "${config.recipe.kind}"` }],
    );
  }
  if (!trainsFamily(config.recipe.kind, entry.model, model)) {
    throw new CodedError(
      'invalid_config',
      `recipe.kind "${config.recipe.kind}" trains a model of the ${entry.model} family, but policy.kind "${config.policy.kind}" is of the ${model} family; pick a policy of that family or another recipe`,
      [{ path: 'policy.kind', message: `must be a ${entry.model} policy for recipe "${config.recipe.kind}"` }],
    );
  }
}
