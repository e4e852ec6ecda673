import type { RunConfig } from '../shared/config';
import { CodedError } from '../shared/errors';
import type { Metrics } from '../shared/run';
import { evaluateHeldout } from './monitors/heldout';
import { createTransformerPolicy } from './policies/transformer';
import { createRecipe } from './recipes';
import { initialLevel, nextLevel } from './recipes/curriculum';
import { warmupTrainBatch } from './recipes/rollout';
import { createRng, fork } from './rng';
import { learningRateAt, totalSteps } from './session-schedule';
import { createTask } from './tasks';
import { memoryInfo } from './tf';
import type { IterationResult, Policy, PolicyState, Recipe, RecipeContext, Rng, Task } from './types';

/** Everything needed to continue a run bit-for-bit: stored in every checkpoint. */
export interface SessionState {
  policy: PolicyState;
  reference: PolicyState | null;
  rng: number[];
  recipe: unknown;
  level: number;
  globalStep: number;
  warmupDone: boolean;
}

export interface SessionHooks {
  progress?(phase: string, done: number, total: number): void;
  stepBoundary?(): Promise<void>;
}

/** Mean of the last steps' losses is the warm-up's reported loss (less noisy than the last step alone). */
const WARMUP_LOSS_WINDOW = 20;

/**
 * One training run in memory: the task, the policy, the frozen reference, the recipe, the curriculum level and
 * the run's random stream. The runner drives it (warmup = iteration 0, then iterate(1..N)) and checkpoints
 * getState() after each; tests drive it directly. The TensorFlow.js backend must be initialised by the caller.
 */
export class Session {
  private reference: Policy | null = null;
  private level: number;
  private globalStep = 0;
  private warmupDone = false;
  private readonly total: number;

  private constructor(
    readonly config: RunConfig,
    readonly task: Task,
    private readonly policy: Policy,
    private readonly recipe: Recipe,
    private readonly rng: Rng,
    private readonly hooks: SessionHooks,
  ) {
    this.level = initialLevel(task);
    this.total = totalSteps(config);
  }

  static async create(config: RunConfig, hooks: SessionHooks = {}): Promise<Session> {
    const task = createTask(config.task);
    if (config.policy.contextLength < task.maxSequenceLength) {
      const message = `policy.contextLength is ${config.policy.contextLength} but the task's longest problem needs ${task.maxSequenceLength} tokens (prompt + answer + BOS/EOS); set policy.contextLength to at least ${task.maxSequenceLength}`;
      throw new CodedError('invalid_config', message, [{ path: 'policy.contextLength', message: `must be at least ${task.maxSequenceLength} for this task` }]);
    }
    const rng = createRng(config.seed);
    // Weights get their own stream so changing the data pipeline never changes the initial weights.
    const policy = createTransformerPolicy({ ...config.policy, vocabSize: task.tokenizer.vocabSize, eos: task.tokenizer.eos }, fork(rng, 'policy-init'));
    const recipe = createRecipe(config.recipe, config.optim);
    return new Session(config, task, policy, recipe, rng, hooks);
  }

  /** Supervised warm-up on the easy levels, then freezes the reference policy. Iteration 0's metrics. */
  async warmup(): Promise<Metrics> {
    const t0 = performance.now();
    const steps = this.config.warmup.steps;
    const losses: number[] = [];
    let tokens = 0;
    for (let step = 0; step < steps; step++) {
      this.progress('warmup', step, steps);
      await this.stepBoundary();
      const batch = warmupTrainBatch(this.task, this.rng, this.config.optim.batchSize);
      if (batch.sequences.length === 0) break; // the task has no supervised examples (e.g. regex answers without examples)
      const result = this.policy.trainStep(batch, { learningRate: learningRateAt(this.config.optim, this.globalStep, this.total), gradClip: this.config.optim.gradClip });
      losses.push(result.loss);
      tokens += result.tokens;
      this.globalStep++;
    }
    this.progress('warmup', steps, steps);
    this.reference?.dispose();
    this.reference = this.policy.clone();
    this.warmupDone = true;
    const trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const metrics = this.evaluate();
    const evalSeconds = (performance.now() - t1) / 1000;
    if (losses.length > 0) {
      const tail = losses.slice(-WARMUP_LOSS_WINDOW);
      metrics['train/loss'] = tail.reduce((a, b) => a + b, 0) / tail.length;
    }
    return {
      ...metrics,
      'train/steps': losses.length,
      'curriculum/level': this.level,
      'time/train_s': trainSeconds,
      'time/eval_s': evalSeconds,
      'time/iteration_s': (performance.now() - t0) / 1000,
      'perf/train_tokens_per_s': trainSeconds > 0 ? tokens / trainSeconds : 0,
      ...this.memoryMetrics(),
    };
  }

  /** One self-improvement iteration (1-based), with held-out evaluation every evalEvery iterations and at the last. */
  async iterate(iteration: number): Promise<IterationResult> {
    if (!this.warmupDone || this.reference === null) throw new Error('Session.iterate: run warmup() first (it freezes the reference policy)');
    const t0 = performance.now();
    const startStep = this.globalStep;
    const ctx: RecipeContext = {
      iteration,
      task: this.task,
      policy: this.policy,
      reference: this.reference,
      rng: this.rng,
      globalStep: startStep,
      learningRate: (step) => learningRateAt(this.config.optim, step, this.total),
      level: this.level,
      progress: (phase, done, total) => this.progress(phase, done, total),
      stepBoundary: () => this.stepBoundary(),
    };
    const result = await this.recipe.iterate(ctx);
    const metrics: Metrics = { ...result.metrics };
    this.globalStep = startStep + (metrics['train/steps'] ?? 0);
    const mastery = metrics['curriculum/mastery'];
    if (mastery !== undefined && curriculumOn(this.config)) this.level = nextLevel(this.task, this.level, mastery);

    if (iteration % this.config.evalEvery === 0 || iteration >= this.config.iterations) {
      this.progress('eval', 0, 1);
      const t1 = performance.now();
      Object.assign(metrics, this.evaluate());
      metrics['time/eval_s'] = (performance.now() - t1) / 1000;
      this.progress('eval', 1, 1);
    }
    metrics['train/learning_rate'] = learningRateAt(this.config.optim, startStep, this.total);
    metrics['time/iteration_s'] = (performance.now() - t0) / 1000;
    Object.assign(metrics, this.memoryMetrics());
    return { metrics, trajectories: result.trajectories };
  }

  /** Held-out accuracy of the current policy on every level (greedy decoding). */
  evaluate(): Metrics {
    return evaluateHeldout(this.policy, this.task);
  }

  getState(): SessionState {
    return {
      policy: this.policy.getState(),
      reference: this.reference?.getState() ?? null,
      rng: this.rng.state(),
      recipe: this.recipe.getState(),
      level: this.level,
      globalStep: this.globalStep,
      warmupDone: this.warmupDone,
    };
  }

  setState(state: SessionState): void {
    this.policy.setState(state.policy);
    if (state.reference === null) {
      this.reference?.dispose();
      this.reference = null;
    } else {
      this.reference ??= this.policy.clone();
      this.reference.setState(state.reference);
    }
    this.rng.setState(state.rng);
    this.recipe.setState(state.recipe);
    this.level = state.level;
    this.globalStep = state.globalStep;
    this.warmupDone = state.warmupDone;
  }

  dispose(): void {
    this.policy.dispose();
    this.reference?.dispose();
    this.reference = null;
  }

  private progress(phase: string, done: number, total: number): void {
    this.hooks.progress?.(phase, done, total);
  }

  private async stepBoundary(): Promise<void> {
    await this.hooks.stepBoundary?.();
  }

  private memoryMetrics(): Metrics {
    const mem = memoryInfo();
    return { 'mem/tensors': mem.numTensors, 'mem/bytes': mem.numBytes };
  }
}

function curriculumOn(config: RunConfig): boolean {
  return config.recipe.curriculum;
}
