import { z } from 'zod';
import { GOVERNED_EPISODIC_TASKS, GOVERNED_FAMILIES, POLICY_FAMILY, RECIPE_FAMILY, servesFamily, TASK_FAMILY } from './families';
import { ClassifierPolicyConfig, ClassStreamTaskConfig } from './class-stream';
import { personRaterIssues, preferenceTaskIssues, PreferenceTaskConfig, RaterConfig, raterIssues } from './preferences';
import { GameTaskConfig, gameTaskIssues } from './games';
import { SafetyTaskConfigs } from './safety-grid';
import { RecipeConfig, type TextRecipeConfig } from './recipes';

/**
 * The run configuration. Every field has a description and a default; the schema drives the CLI's
 * validation, the engine's and the app's configuration form alike. Fields are grouped by concern.
 */

export const BackendName = z
  .enum(['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'])
  .describe(
    'Compute backend: "auto" takes the first that loads and matches the cpu backend on a tiny forward and backward of each model family, of tensorflow-gpu (CUDA), tensorflow (native CPU), webgpu (a Node WebGPU implementation, if installed), wasm, cpu (pure JS).',
  );
export type BackendName = z.infer<typeof BackendName>;

export const Workers = z
  .number()
  .int()
  .min(0)
  .max(64)
  .describe(
    'Worker threads that share the text LM\'s training (data-parallel gradients) and decoding (sharded held-out evaluation, archive evaluations, rollouts, the moves of a text game\'s episodes), each with its own WASM or JS backend: 1 runs everything in the engine process as before; 0 is "auto", the cores less one for the engine (os.availableParallelism() - 1, at least 1). Metrics depend on the count (sampled rollouts are drawn per shard, gradients are added in shard order), so the default is 1 and a run is reproduced with its own count. Native and CUDA backends always run with 1.',
  );
export type Workers = z.infer<typeof Workers>;

export const ArithmeticTaskConfig = z
  .object({
    kind: z.literal('arithmetic').describe('Multi-digit arithmetic; difficulty = number of digits per operand.'),
    operation: z.enum(['add', 'mul']).default('add').describe('Addition, or multiplication as an option.'),
    warmupMaxDigits: z.number().int().min(1).max(12).default(3).describe('The supervised warm-up covers levels 1..warmupMaxDigits only.'),
    maxDigits: z.number().int().min(1).max(12).default(6).describe('Hardest level the run self-improves towards and evaluates.'),
    reverseAnswer: z.boolean().default(true).describe('Write the answer least-significant digit first, the order in which carries are computed.'),
    reverseOperands: z
      .boolean()
      .default(true)
      .describe('Write the operands least-significant digit first too, so answer digit i reads operand digits i at the same offsets for every i.'),
    padOperands: z
      .boolean()
      .default(true)
      .describe(
        'Write operands and answer zero-padded to maxDigits, so each place value sits at a fixed position and a longer problem only fills positions the warm-up already trained with zeros.',
      ),
    heldoutPerLevel: z.number().int().min(4).max(2000).default(64).describe('Size of the fixed held-out set of each level.'),
  })
  .strict();

export const JsonlTaskConfig = z
  .object({
    kind: z
      .literal('jsonl')
      .describe(
        'Your own problem set, one JSON object per line: {"prompt": "2+2=", "answer": "4"}, with optional "level" (an integer >= 1, the difficulty the curriculum climbs; default 1) and "example" (for the regex verifier: an answer that matches the pattern, which the warm-up trains on). An integer answer is taken as its decimal string. Refused before the run starts, naming the line: empty answers, non-numeric answers under the numeric verifier, one prompt with two answers, NUL characters, too few lines to hold any out.',
      ),
    path: z
      .string()
      .min(1)
      .describe(
        'Path of the .jsonl file (relative to the working directory), UTF-8 text. A run started from the app or `evolab serve` may read only files inside the workspace, picked with "Choose file…" in the app, or allowed with `evolab serve --allow-path`.',
      ),
    verifier: z
      .enum(['exact', 'numeric', 'regex'])
      .default('exact')
      .describe('exact: trimmed string equality; numeric: |x - answer| <= tolerance; regex: the answer is a regular expression the output must match in full.'),
    tolerance: z.number().min(0).default(1e-6).describe('Absolute tolerance of the numeric verifier.'),
    heldoutFraction: z.number().gt(0).lt(1).default(0.2).describe('Fraction of lines held out for evaluation (chosen by a fixed hash, not the run seed).'),
    warmupFraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Fraction of the training lines whose answers are used for the supervised warm-up; the rest are self-improvement prompts.'),
  })
  .strict();

const GridCell = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

export const GridworldTaskConfig = z
  .object({
    kind: z
      .literal('gridworld')
      .describe(
        'An episodic gridworld: one agent moves up, down, left or right on a square grid and is rewarded for reaching the goal (an episodic environment, for a policy-value model).',
      ),
    size: z.number().int().min(2).max(12).default(5).describe('Width and height of the grid.'),
    start: GridCell.optional().describe(
      "The agent's start cell [row, column]; absent: a random cell (not the goal), drawn from the run's random stream each episode.",
    ),
    goal: GridCell.optional().describe("The goal cell [row, column]; absent: a random cell, drawn from the run's random stream each episode."),
    maxSteps: z.number().int().min(1).max(1000).default(20).describe('An episode ends unsuccessfully after this many moves.'),
    stepCost: z.number().min(0).max(1).default(0.01).describe('Reward subtracted for every move (also for bumping into a wall).'),
    goalReward: z.number().gt(0).max(100).default(1).describe('Reward for reaching the goal, which ends the episode.'),
    evalEpisodes: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(32)
      .describe('Size of the fixed set of evaluation start states (start and goal), drawn from a fixed seed, not the run seed.'),
  })
  .strict()
  .refine((t) => [t.start, t.goal].every((c) => c === undefined || (c[0] < t.size && c[1] < t.size)), {
    message: 'start and goal must lie inside the grid (row and column < size)',
    path: ['size'],
  })
  .refine((t) => t.start === undefined || t.goal === undefined || t.start[0] !== t.goal[0] || t.start[1] !== t.goal[1], {
    message: 'start and goal must differ',
    path: ['goal'],
  });

export const TaskConfig = z
  .discriminatedUnion('kind', [
    ArithmeticTaskConfig,
    JsonlTaskConfig,
    GridworldTaskConfig,
    PreferenceTaskConfig,
    ClassStreamTaskConfig,
    ...SafetyTaskConfigs,
    GameTaskConfig,
  ])
  .describe('The environment: a verifiable text task, a preference task, an episodic one (a gridworld, a safety world or a two-seat game), or a class stream.');
export type TaskConfig = z.infer<typeof TaskConfig>;
export type ArithmeticTaskConfig = z.infer<typeof ArithmeticTaskConfig>;
export type JsonlTaskConfig = z.infer<typeof JsonlTaskConfig>;
export type GridworldTaskConfig = z.infer<typeof GridworldTaskConfig>;
export { ClassifierPolicyConfig, ClassStreamTaskConfig, GameTaskConfig };
/** The task kinds of the text-task family (prompts, tokens, a verifier). */
export type TextTaskConfig = ArithmeticTaskConfig | JsonlTaskConfig | PreferenceTaskConfig;
export function isTextTask(task: TaskConfig): task is TextTaskConfig {
  // Both families are prompts a text LM reads: a verifiable task, or a preference task a rater compares outputs of.
  return TASK_FAMILY[task.kind] === 'text-task' || TASK_FAMILY[task.kind] === 'preferences';
}

/** The longest context the schema allows; error messages never advise more. */
export const MAX_CONTEXT_LENGTH = 1024;

export const TransformerPolicyConfig = z
  .object({
    kind: z.literal('transformer').default('transformer').describe('A small decoder-only transformer over the task tokens (a text LM).'),
    dModel: z.number().int().min(8).max(1024).default(64).describe('Width of the residual stream.'),
    nLayers: z.number().int().min(1).max(24).default(2).describe('Number of transformer blocks.'),
    nHeads: z.number().int().min(1).max(32).default(4).describe('Attention heads per block; must divide dModel.'),
    contextLength: z.number().int().min(8).max(MAX_CONTEXT_LENGTH).default(32).describe('Maximum tokens (prompt + answer) the policy sees.'),
    positions: z
      .enum(['rope', 'learned'])
      .default('rope')
      .describe('rope: rotary embeddings, attention depends on relative offsets (generalises to longer problems); learned: absolute position embeddings.'),
  })
  .strict()
  .refine((p) => p.dModel % p.nHeads === 0, { message: 'nHeads must divide dModel', path: ['nHeads'] });
export type TransformerPolicyConfig = z.infer<typeof TransformerPolicyConfig>;

export const MlpPolicyConfig = z
  .object({
    kind: z.literal('mlp').describe('A policy-value network: an MLP over the observation vector with two heads, action logits and a value.'),
    hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8).default([64, 64]).describe('Width of each hidden layer, input side first.'),
    activation: z.enum(['tanh', 'relu']).default('tanh').describe('Nonlinearity after each hidden layer.'),
  })
  .strict();
export type MlpPolicyConfig = z.infer<typeof MlpPolicyConfig>;

export const PolicyConfig = z
  .discriminatedUnion('kind', [TransformerPolicyConfig, MlpPolicyConfig, ClassifierPolicyConfig])
  .describe('The model the run trains: a text LM (transformer, the default), a policy-value MLP or a classifier.');
export type PolicyConfig = z.infer<typeof PolicyConfig>;

export const OptimConfig = z
  .object({
    learningRate: z.number().gt(0).max(1).default(3e-3).describe('Peak Adam learning rate.'),
    warmupSteps: z.number().int().min(0).default(20).describe('Linear learning-rate warm-up steps.'),
    minLrRatio: z.number().min(0).max(1).default(0.1).describe('Cosine decay ends at learningRate * minLrRatio.'),
    gradClip: z.number().gt(0).default(1).describe('Global gradient-norm clip.'),
    batchSize: z.number().int().min(1).max(4096).default(32).describe('Sequences per training step.'),
  })
  .strict();
export type OptimConfig = z.infer<typeof OptimConfig>;

export const WarmupConfig = z
  .object({
    steps: z.number().int().min(0).max(1_000_000).default(400).describe('Supervised steps on the easy levels before self-improvement starts (0 = none).'),
  })
  .strict();

// Each algorithm's config lives in shared/recipes/<name>.ts; recipes/index.ts joins them in one union.
export * from './recipes';

export const OversightConfig = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "The agent proposes changes to itself (weights, memory, tools, workflow; a class-stream learner: its learning rate, step size and memory of examples), each with evidence, and every change passes the gate. Off: the classic recipe loop, every round's weights kept.",
      ),
    gate: z
      .boolean()
      .default(true)
      .describe(
        "Ablation only: false applies the agent's proposals by its own criterion (training reward), with no gate, to show what the gate prevents. Set at the start of a run by a person, never by a proposal.",
      ),
    maxProposalsPerRound: z
      .number()
      .int()
      .min(0)
      .max(8)
      .default(2)
      .describe("Changes to memory, tools or workflow proposed per round, besides promoting the round's weights."),
    kinds: z.array(z.string()).default([]).describe('Only these kinds of proposal (e.g. "tool:format-credit"); empty = every kind the proposer knows.'),
    memoryPerProposal: z.number().int().min(1).max(64).default(8).describe('Exemplars a memory proposal adds at most.'),
  })
  .strict();
export type OversightConfig = z.infer<typeof OversightConfig>;

export const StrategyNameConfig = z
  .enum(['dgm', 'hgm', 'no-darwin', 'no-selfimprove'])
  .describe(
    "dgm: Darwin Gödel Machine (parent ~ sigmoid(score) x 1/(1+children)); hgm: Huxley-Gödel Machine (Thompson sampling on clade results, expand-or-evaluate); no-darwin: always extend the latest agent; no-selfimprove: DGM selection with a fixed modifier (the initial agent's workflow trains every child).",
  );

export const ArchiveConfig = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Open-ended search: keep an archive of every agent, choose a parent, let it make a child (one training round and one change to its genome), evaluate the child, keep it. Every child is a proposal and passes the gate. Off: the classic single-lineage loop.',
      ),
    strategy: StrategyNameConfig.default('dgm'),
    budget: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(2000)
      .describe(
        'Search budget in evaluation units: one task evaluated costs 1, making a child costs expansionCost. The run ends when it is spent (or after `iterations` search steps).',
      ),
    expansionCost: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(64)
      .describe('Units charged for making a child (its training round), so strategies that make more children pay for them.'),
    selection: z
      .enum(['keep-all', 'keep-better'])
      .default('keep-all')
      .describe(
        "keep-all: every kept agent may be a parent (DGM); keep-better: only agents that score at least the initial agent's score minus 0.1, the DGM code's noise leeway.",
      ),
    poolSize: z
      .number()
      .int()
      .min(8)
      .max(4096)
      .default(96)
      .describe(
        "Size of the search set, drawn once from the seed: a text task's problems of the levels above the warm-up, or a game task's episodes against a random mover (a game, the agent's seat, a seed for the deal and the moves); every agent is evaluated on it in the same order. Never the held-out sets, which judge the final agent.",
      ),
    cheapTasks: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .default(16)
      .describe(
        'Staged evaluation (dgm, no-darwin, no-selfimprove): a child is first scored on this many tasks of the search set and on the rest only if it passes. One that fails is still a proposal and, if admitted, stays in the archive with its small-set score (a low-weight parent), as in the DGM code.',
      ),
    stagedFloor: z.number().min(0).max(1).default(0.4).describe("A child passes the cheap check when it solves at least this share (the DGM code's 0.4) ..."),
    stagedParentFraction: z.number().min(0).max(1).default(0.9).describe("... or at least this fraction of its parent's cheap score."),
    evalBatch: z.number().int().min(1).max(1024).default(8).describe("hgm: tasks per evaluation step, and a new child's first evaluation."),
    hgmAlpha: z.number().gt(0).max(1).default(0.6).describe('hgm: expand while evaluations^alpha >= agents made, else evaluate.'),
    coolDown: z.boolean().default(true).describe('hgm: sharpen Thompson sampling towards greedy as the budget runs out.'),
    comparison: z.string().max(80).optional().describe('Set by `evolab compare`: the runs of one comparison share this id.'),
  })
  .strict();
export type ArchiveConfig = z.infer<typeof ArchiveConfig>;

export const StartFrom = z
  .object({
    runId: z.string().min(1).describe('The run whose archive holds the agent.'),
    nodeId: z.string().min(1).describe('The archive node (e.g. "n3").'),
  })
  .strict()
  .describe("Start from an archive node's agent (its weights and genome) instead of a warm-up: a branch of that run.");
export type StartFrom = z.infer<typeof StartFrom>;

export const RunConfig = z
  .object({
    name: z.string().max(200).optional().describe('A label for the run.'),
    preset: z.string().optional().describe('The preset this config came from, if any.'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1)
      .describe('Seeds every random choice: same config + seed + backend = same metrics.'),
    backend: BackendName.default('auto'),
    workers: Workers.default(1),
    iterations: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(10)
      .describe('Self-improvement iterations after the warm-up; in an archive run, the most search steps (the budget usually ends it first).'),
    task: TaskConfig,
    policy: PolicyConfig.default({ kind: 'transformer', dModel: 64, nLayers: 2, nHeads: 4, contextLength: 32, positions: 'rope' }),
    optim: OptimConfig.default({ learningRate: 3e-3, warmupSteps: 20, minLrRatio: 0.1, gradClip: 1, batchSize: 32 }),
    warmup: WarmupConfig.default({ steps: 400 }),
    recipe: RecipeConfig,
    rater: RaterConfig.default({ kind: 'verifier' }),
    evalEvery: z.number().int().min(1).default(1).describe('Evaluate on the held-out sets every N iterations (and always at the last).'),
    oversight: OversightConfig.default({ enabled: false, gate: true, maxProposalsPerRound: 2, kinds: [], memoryPerProposal: 8 }),
    archive: ArchiveConfig.default({
      enabled: false,
      strategy: 'dgm',
      budget: 2000,
      expansionCost: 64,
      selection: 'keep-all',
      poolSize: 96,
      cheapTasks: 16,
      stagedFloor: 0.4,
      stagedParentFraction: 0.9,
      evalBatch: 8,
      hgmAlpha: 0.6,
      coolDown: true,
    }),
    startFrom: StartFrom.optional(),
  })
  .strict()
  // Oversight works on text tasks, class streams (GOVERNED_FAMILIES) and the safety gridworlds; the archive on text tasks and on game tasks
  // with SPIRAL's policy-value agents (their search set is episodes against a random mover); branches on text tasks only. Refused early, naming the field.
  .superRefine((c, ctx) => {
    for (const issue of [...raterIssues(c.rater, c.task, c.recipe.kind), ...preferenceTaskIssues(c), ...personRaterIssues(c), ...gameTaskIssues(c)])
      ctx.addIssue({ code: 'custom', ...issue });
    if (isTextTask(c.task)) return;
    if (c.oversight.enabled && !GOVERNED_FAMILIES.includes(TASK_FAMILY[c.task.kind]) && !GOVERNED_EPISODIC_TASKS.includes(c.task.kind))
      ctx.addIssue({
        code: 'custom',
        path: ['oversight', 'enabled'],
        message: `oversight runs need a text task, a class stream or a safety gridworld (${GOVERNED_EPISODIC_TASKS.join(', ')}), whose safety behaviour the gate checks; task.kind "${c.task.kind}" is none of them, so set oversight.enabled to false`,
      });
    if (c.archive.enabled && !(c.task.kind === 'game' && c.recipe.kind === 'spiral' && c.policy.kind === 'mlp'))
      ctx.addIssue({
        code: 'custom',
        path: ['archive', 'enabled'],
        message:
          c.task.kind === 'game'
            ? `archive runs of a game task search SPIRAL agents on the policy-value MLP; this run has recipe.kind "${c.recipe.kind}" and policy.kind "${c.policy.kind}", so set recipe.kind to "spiral" and policy.kind to "mlp", or archive.enabled to false`
            : `archive runs need a text task or a game task (task.kind "game" with recipe "spiral"); task.kind "${c.task.kind}" is neither, so set archive.enabled to false`,
      });
    if (c.startFrom)
      ctx.addIssue({
        code: 'custom',
        path: ['startFrom'],
        message: `a branch starts from an archive node of a text-task run (a game archive's nodes cannot be branched from yet); task.kind "${c.task.kind}" is not a text task, so leave startFrom out`,
      });
  });
export type RunConfig = z.infer<typeof RunConfig>;
/** A run of the text-task family: a text task, the transformer, a text recipe (the text LM's Session and its checks). */
export type TextRunConfig = RunConfig & { task: TextTaskConfig; policy: TransformerPolicyConfig; recipe: TextRecipeConfig };
/** Whether the task, the policy and the algorithm are all of the text-task family (families.ts says which are). */
export function isTextRun(config: RunConfig): config is TextRunConfig {
  const recipe = RECIPE_FAMILY[config.recipe.kind];
  return (
    isTextTask(config.task) &&
    POLICY_FAMILY[config.policy.kind] === 'text-lm' &&
    recipe.model === 'text-lm' &&
    servesFamily(TASK_FAMILY[config.task.kind], recipe.environment)
  );
}

/** True when A and B are the same set of kinds. */
type SameKinds<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Each family table in families.ts names exactly the kinds these schemas allow: a kind without its family line fails to compile. */
const familyTablesCoverTheSchemas: SameKinds<keyof typeof TASK_FAMILY, TaskConfig['kind']> &
  SameKinds<keyof typeof POLICY_FAMILY, PolicyConfig['kind']> &
  SameKinds<keyof typeof RECIPE_FAMILY, RecipeConfig['kind']> = true;
void familyTablesCoverTheSchemas;
/** What a user may write: every defaulted field optional. */
export type RunConfigInput = z.input<typeof RunConfig>;
