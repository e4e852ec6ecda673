/**
 * The seams of the engine. Tasks, policies and recipes meet only through these interfaces, so each can be
 * read, tested and replaced on its own. Nothing here imports TensorFlow.js at run time (only its types).
 */
import type { EpisodeView, Metrics, ProgressPhase } from '../shared/run';
import type { PairRole } from '../shared/ratings';
import type { Trainable } from './core/train-step';
import type { tf } from './tf';
import type { Rng } from './core/random';
import type { ClassStream } from './environments/class-stream';
import type { EpisodicEnvironment, Observation } from './environments/episodic';

export type { Rng } from './core/random';

/** One verifiable problem. */
export interface Problem {
  id: string;
  level: number;
  prompt: string;
  /** Reference answer as the policy should write it (e.g. reversed digits); null when the task has none. */
  answer: string | null;
}

export interface Verdict {
  correct: boolean;
  /** In [0, 1]. 1 = fully correct. Tasks may give partial credit. */
  reward: number;
  /** A short sentence: why. */
  verdict: string;
}

/** Character-level tokenizer; token 0 is padding, 1 is BOS, 2 is EOS. */
export interface Tokenizer {
  readonly vocabSize: number;
  readonly pad: number;
  readonly bos: number;
  readonly eos: number;
  encode(text: string): number[];
  decode(tokens: number[]): string;
}

export interface Task {
  readonly kind: string;
  readonly tokenizer: Tokenizer;
  /** Difficulty levels present in the task, easiest first. */
  readonly levels: number[];
  /** Levels covered by the supervised warm-up. */
  readonly warmupLevels: number[];
  /** Longest prompt + answer + EOS in tokens, so the policy's context can be checked against it. */
  readonly maxSequenceLength: number;
  /** What is weak about the task's data but not wrong enough to refuse (e.g. a tiny held-out set), said before a run starts. */
  readonly warnings?: readonly string[];
  /** Supervised examples (with answers) from the warm-up levels. */
  warmupBatch(rng: Rng, n: number): Problem[];
  /** Training prompts at `level` (answers may be present but recipes must only use them through verify()). */
  sample(rng: Rng, n: number, level: number): Problem[];
  /** The fixed held-out set of a level: independent of the run's seed. */
  heldout(level: number): Problem[];
  verify(problem: Problem, output: string): Verdict;
  /**
   * Every prompt has exactly one correct output string (arithmetic). B-STaR's balance score dedupes kept samples by
   * output; on such a task that caps its exploration factor at 1/n0, so the recipe counts duplicates instead.
   */
  readonly uniqueAnswers?: boolean;
  /** Whether an output has the shape of any answer of this task, whatever the problem (digits, for arithmetic). */
  answerShaped?(output: string): boolean;
  /** Whether an output has the form of an answer (e.g. digits of the right length); used by self-verification and probes. */
  wellFormed?(problem: Problem, output: string): boolean;
  /** Problems that have the same answer as `problem` by construction (e.g. b+a for a+b), for consistency checks. */
  equivalents?(problem: Problem): Problem[];
  /** The classes its outputs fall into, where the task has them (the preference task): what class raters compare. */
  readonly outputClasses?: OutputClasses;
}

/** Named classes of output: `names[i]` is also the output that writes class i exactly. */
export interface OutputClasses {
  readonly names: readonly string[];
  /** The class of an output, or null when it is none of them. */
  classOf(output: string): number | null;
}

/** A batch of token sequences for training. */
export interface TrainBatch {
  /** Each row: BOS + prompt + answer + EOS tokens (unpadded; the policy pads). */
  sequences: number[][];
  /** Index in each row of the first token whose prediction is trained (prompt tokens are not). */
  targetStart: number[];
  /** Per-sequence weight (advantage for policy gradient; 1 for SFT). Default 1. */
  weights?: number[];
  /** Per-token log-probs of the sampling policy, for the clipped ratio (aligned with targets). */
  oldLogProbs?: number[][];
  /** Per-token log-probs of the reference policy, for the KL penalty (aligned with targets). */
  refLogProbs?: number[][];
}

/** A TrainBatch as the model trains on it: padded, flat, checked (policies/transformer-batch.ts). */
export interface PreparedBatch {
  batch: number;
  /** Input positions per row (longest sequence - 1). */
  time: number;
  /** Input token ids [batch * time], right-padded with 0. */
  inputs: Int32Array;
  /** Next-token targets [batch * time]. */
  targets: Int32Array;
  /** 1 where the target at that position is trained (position + 1 >= targetStart and inside the row). */
  mask: Float32Array;
  /** Per-sequence weight [batch]. */
  weights: Float32Array;
  /** [batch * time], aligned with targets, 0 outside the mask; null when not given. */
  oldLogProbs: Float32Array | null;
  refLogProbs: Float32Array | null;
  tokens: number;
  /** For unpacking per-row results: row b's trained positions are [firstTarget[b] - 1, length[b] - 1). */
  firstTarget: number[];
  lengths: number[];
}

export interface SampleOptions {
  maxNewTokens: number;
  temperature: number;
  topK?: number;
  rng: Rng;
  /** Use the key/value cache (default true); false recomputes the prefix each step (for the bench). */
  useCache?: boolean;
}

export interface SampleResult {
  /** Generated tokens per prompt, EOS excluded. */
  tokens: number[][];
  /** Log-prob of each generated token under the sampling distribution at temperature 1. */
  logProbs: number[][];
}

/** Serialisable policy state: everything needed to continue training bit-for-bit. */
export interface PolicyState {
  config: unknown;
  step: number;
  weights: Record<string, { shape: number[]; data: Float32Array }>;
  optimizer: Record<string, { shape: number[]; data: Float32Array }>;
}

export interface Policy {
  readonly numParams: number;
  readonly contextLength: number;
  /** Autoregressive sampling, batched, with a key/value cache. prompts are token ids beginning with BOS. */
  sample(prompts: number[][], options: SampleOptions): SampleResult;
  /** The batch padded and checked, as tokenLogProbs and the algorithms' losses read it. */
  prepare(batch: TrainBatch): PreparedBatch;
  /** Log-prob of each next token [batch, time] of a prepared batch; differentiable when `training`. The model owns no loss. */
  tokenLogProbs(batch: PreparedBatch, training: boolean): tf.Tensor;
  /** Its weights and optimiser, for the shared training step (core/train-step.ts). */
  readonly trainable: Trainable;
  /** Per-token log-probs of the targets (positions >= targetStart), no gradient. */
  logProbs(batch: TrainBatch): number[][];
  getState(): PolicyState;
  setState(state: PolicyState): void;
  /** A frozen copy (e.g. the reference policy for KL). */
  clone(): Policy;
  dispose(): void;
  /** Present when the policy trains data-parallel on a worker pool (pool/pooled-policy.ts); absent: in process. */
  readonly dataParallel?: DataParallel;
}

/** Gradients computed over shards of a batch by a worker pool, combined on the host in shard order. */
export interface DataParallel {
  /** Workers the batch is split over. */
  readonly workers: number;
  /**
   * The likelihood loss summed over the batch's trained tokens (not divided), their count, and the gradient of that
   * sum by variable name: sums of the workers' shard sums, so sum / tokens is the one-worker mean; `nllSum` is the
   * unweighted -sum_t log pi over the same tokens.
   */
  likelihoodGradients(batch: TrainBatch): { lossSum: number; tokens: number; grads: Record<string, Float32Array>; nllSum: number };
  /**
   * The same for GRPO's loss (recipes/grpo.ts's grpoLoss) as a sum over tokens: divided by `tokens` it is the
   * one-worker token mean; `klSum` likewise (null when the batch has no reference log-probs).
   */
  grpoGradients(
    batch: TrainBatch,
    clipEpsilon: number,
    klBeta: number,
  ): { lossSum: number; tokens: number; grads: Record<string, Float32Array>; klSum: number | null };
  /**
   * A pair loss (recipes/pair-loss.ts) on a pair batch, sharded by pairs (a shard holds its pairs' chosen rows, then
   * their rejected rows): the whole batch's loss, its gradient by variable name and the loss's monitors, each the sum
   * of the shards' shares of it, so they equal the one-worker values up to float summation order.
   */
  pairGradients(batch: TrainBatch, loss: PairLoss): { loss: number; grads: Record<string, Float32Array>; aux: Record<string, number> };
}

/**
 * The preference recipes' losses on a pair batch (chosen rows [0, P), rejected rows [P, 2P) in the same pair order,
 * refLogProbs the reference's), as serialisable descriptions a pool worker can compute too:
 * - dpo: recipes/dpo-loss.ts's dpoLoss (DPO, plus nllWeight times the chosen answers' per-token NLL);
 * - cream: recipes/cream.ts's creamDpoLoss, with one consistency weight C per pair;
 * - sppo: recipes/sppo-loss.ts's squared loss, with one win rate per row.
 */
export type PairLoss =
  | { kind: 'dpo'; beta: number; nllWeight: number }
  | { kind: 'cream'; beta: number; nllWeight: number; consistency: number[] }
  | { kind: 'sppo'; beta: number; winRates: number[] };

/**
 * The agent's own modifiable parts that a recipe consults: built from its genome's tools and memory. The task's
 * verdicts (and every evaluation) stay untouched; tools change only what the agent trains on.
 */
export interface AgentView {
  /** The training reward the agent optimises, given the recipe's reward for a sample (tools may shape it). */
  shapeReward(problem: Problem, output: string, reward: number): number;
  /** Whether the agent's self-verification lets a sample be kept for training. */
  accepts(problem: Problem, output: string): boolean;
  /** Exemplars of the agent's memory, replayed in training. */
  memory: Array<{ prompt: string; answer: string }>;
  /** Share of each training batch drawn from the memory (when it has entries). */
  memoryShare: number;
}

/** The agent with no tools and no memory: the recipe as written. */
export const PLAIN_AGENT: AgentView = { shapeReward: (_p, _o, r) => r, accepts: () => true, memory: [], memoryShare: 0 };

/** A rater of the preferences environment (environments/preferences.ts): compares two outputs of one prompt, or scores them. */
export interface Rater {
  /** What kind of rater it is, for monitors and trajectories ("verifier", "utility", ...). */
  readonly kind: string;
  /** P(a is preferred to b) for this prompt, in [0, 1]; 0.5 = no preference. P(b > a) = 1 - P(a > b). */
  probability(problem: Problem, a: string, b: string): number;
  /** A score per output where the rater has one; a scoring rater's pairs come from the extremes of its scores. */
  score?(problem: Problem, output: string): number;
}

/** A pair a recipe asks a person to rate: a prompt and two different outputs of it. */
export interface PairToRate {
  prompt: string;
  a: string;
  b: string;
}

/** A person's verdict on one pair: the choice, and who made it; choice null when the run trained without it (its quorum came first). */
export interface PersonVerdict {
  choice: 'a' | 'b' | 'skip' | null;
  actor: string | null;
}

/**
 * A person as the rater (rater.kind "person"; oversight/person-rating.ts): stores an iteration's pairs in the
 * workspace, waits until they are rated (the run's status "waiting"), and returns one verdict per pair, in order.
 * Throws StopSignal when the run is stopped while it waits.
 */
export interface PersonRater {
  rate(iteration: number, pairs: PairToRate[]): Promise<PersonVerdict[]>;
}

/** What a recipe can use in one iteration. */
export interface RecipeContext {
  iteration: number;
  task: Task;
  policy: Policy;
  /** The warm-up policy, frozen, for KL penalties and ReST-EM restarts. */
  reference: Policy;
  rng: Rng;
  /** Global optimiser step at the start of this iteration (warm-up steps included); step k of the iteration is globalStep + k. */
  globalStep: number;
  /** Learning rate for the global step (schedule applied by the runner). */
  learningRate(step: number): number;
  /** Current curriculum level (the lowest level not yet mastered). */
  level: number;
  /** The agent's tools and memory (PLAIN_AGENT when the run has no oversight). */
  agent: AgentView;
  /** The preference environment's rater, from the run config (protected: no proposal changes it). */
  rater: Rater;
  /** With rater.kind "person": the person who rates this run's pairs (the recipe asks and waits). */
  person?: PersonRater;
  /** Report progress inside the iteration. */
  progress(phase: ProgressPhase, done: number, total: number): void;
  /**
   * Call between steps. Resolves at once normally; waits while the run is paused; throws StopSignal when the
   * run was asked to stop, in which case the in-flight iteration is discarded and the run ends at its last
   * checkpoint (the end of the previous iteration), so resume neither repeats nor skips an iteration.
   */
  stepBoundary(): Promise<void>;
}

export interface TrajectoryRecord {
  level: number | null;
  prompt: string;
  output: string;
  answer: string | null;
  reward: number;
  correct: boolean;
  kept: boolean;
  verdict: string;
  /** An episode of an episodic environment, structured for the Trajectories view (stored as JSON). */
  episode?: EpisodeView;
  /** Its place in a training pair of a DPO-family recipe (stored as JSON, drawn by the pair view). */
  pair?: PairRole;
}

export interface IterationResult {
  /** Recipe monitors for this iteration (reward/*, explore/*, exploit/*, balance/*, train/*, perf/*). */
  metrics: Metrics;
  trajectories: TrajectoryRecord[];
}

/** A recipe: config schema -> setup -> the loop body. State it keeps between iterations must be in `state`. */
export interface Recipe {
  readonly kind: string;
  iterate(ctx: RecipeContext): Promise<IterationResult>;
  /** JSON-serialisable recipe state, stored in every checkpoint (e.g. B-STaR's chosen T and tau history). */
  getState(): unknown;
  setState(state: unknown): void;
}

/**
 * A policy-value model (the policy-value family): action logits and a value for observation vectors. It owns no
 * loss; an algorithm builds one from `forward` and trains `trainable` with the shared step.
 */
export interface PolicyValueModel {
  readonly numParams: number;
  readonly inputSize: number;
  readonly numActions: number;
  /** Logits [batch, actions] and values [batch]; differentiable (call inside a tidy or the training step). */
  forward(observations: tf.Tensor2D): { logits: tf.Tensor2D; value: tf.Tensor1D };
  /** The same as plain numbers, no gradient (acting, advantages, evaluation). */
  evaluate(observations: Float32Array[]): { logits: Float32Array[]; values: Float32Array };
  readonly trainable: Trainable;
  getState(): PolicyState;
  setState(state: PolicyState): void;
  dispose(): void;
}

/** What an episodic algorithm can use in one iteration. */
export interface EpisodicRecipeContext {
  iteration: number;
  env: EpisodicEnvironment;
  model: PolicyValueModel;
  rng: Rng;
  /** Global optimiser step at the start of this iteration. */
  globalStep: number;
  learningRate(step: number): number;
  gradClip: number;
  progress(phase: ProgressPhase, done: number, total: number): void;
  stepBoundary(): Promise<void>;
}

/** An algorithm of the episodic family; its state between iterations must be in `state`. */
export interface EpisodicRecipe {
  readonly kind: string;
  iterate(ctx: EpisodicRecipeContext): Promise<IterationResult>;
  /** The greedy action of an agent that is not the model (a tabular learner's values); absent: the model's logits decide. */
  act?(observation: Observation, legal: number[]): number;
  getState(): unknown;
  setState(state: unknown): void;
}

/**
 * A classifier (the classifier family): one logit per class for rows of features. It owns no loss; a learner builds
 * one from `logits` and trains `trainable` with the shared step.
 */
export interface ClassifierModel {
  readonly numParams: number;
  readonly inputSize: number;
  readonly numClasses: number;
  /** Logits [batch, classes]; differentiable. `weights` (same names and shapes as `trainable.variables`) scores other weights. */
  logits(x: tf.Tensor2D, weights?: Record<string, tf.Tensor>): tf.Tensor2D;
  /** The predicted class of each row (argmax of the logits), no gradient. */
  predict(batch: { n: number; x: Float32Array }, weights?: Record<string, tf.Tensor>): Int32Array;
  readonly trainable: Trainable;
  getState(): PolicyState;
  setState(state: PolicyState): void;
  dispose(): void;
}

/** What a class-stream learner can use in one iteration. */
export interface ClassStreamRecipeContext {
  iteration: number;
  stream: ClassStream;
  model: ClassifierModel;
  rng: Rng;
  progress(phase: ProgressPhase, done: number, total: number): void;
  stepBoundary(): Promise<void>;
}

/** A learner of the class-stream family; its state between iterations must be in `state`. */
export interface ClassStreamRecipe {
  readonly kind: string;
  iterate(ctx: ClassStreamRecipeContext): Promise<IterationResult>;
  getState(): unknown;
  setState(state: unknown): void;
}
