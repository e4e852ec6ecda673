/**
 * One run of the class-stream family in memory: the stream of labelled examples, the classifier, the learner and
 * the run's random stream. The runner drives it like the other sessions: warmup() is iteration 0, the validation
 * scorecard of the untrained classifier (no supervised warm-up: its row is the baseline), then iterate(1..N) runs
 * the learner over `batchesPerIteration` minibatches of the stream and evaluates on the validation examples under
 * the current labels every evalEvery iterations and at the last, recording the confusion matrix as a trajectory the
 * Trajectories view draws. getState() is what a checkpoint holds: the weights, the stream's position and labels,
 * the random stream, the learner's state (its learning rate and monitors).
 */
import type { ClassStreamTaskConfig, RunConfig } from '../shared/config';
import { CodedError } from '../shared/errors';
import { EVAL_ACCURACY, TRAIN_STEPS } from '../shared/metrics';
import type { Metrics, ProgressPhase } from '../shared/run';
import type { RunnerSession } from './core/ports';
import { createClassStream, type ClassScorecard, type ClassStream, type ClassStreamState } from './environments/class-stream';
import { createClassifier } from './policies/classifier';
import { createClassStreamRecipe } from './recipes/registry';
import { createRng, fork } from './rng';
import type { SessionHooks } from './session';
import { memoryMetrics } from './core/snapshot';
import type { ClassifierModel, ClassStreamRecipe, PolicyState, Rng, TrajectoryRecord } from './types';

/** What a class-stream run's checkpoint holds. */
export interface ClassStreamSessionState {
  family: 'class-stream';
  policy: PolicyState;
  stream: ClassStreamState;
  rng: number[];
  recipe: unknown;
  globalStep: number;
  warmupDone: boolean;
}

/** The scorecard as an iteration's metrics. */
export function classScorecardMetrics(card: ClassScorecard): Metrics {
  return { [EVAL_ACCURACY]: card.score, 'time/eval_s': card.seconds };
}

/** The scorecard as the trajectory the Trajectories view draws (its confusion matrix). */
export function confusionRecord(card: ClassScorecard, stream: ClassStream): TrajectoryRecord {
  const n = card.splits[0]?.size ?? 0;
  return {
    level: null,
    prompt: `validation: ${n} examples of ${stream.data.name}, after ${stream.shifts} label swaps`,
    output: `accuracy ${card.score.toFixed(3)}`,
    answer: null,
    reward: card.score,
    correct: card.score >= 0.5,
    kept: true,
    verdict: `validation accuracy ${card.score.toFixed(3)} on ${n} examples (epoch ${stream.epoch})`,
    episode: { kind: 'confusion', classNames: card.classNames, matrix: card.confusion, accuracy: card.score, labelMap: [...stream.labelMap] },
  };
}

export class ClassStreamSession implements RunnerSession {
  private globalStep = 0;
  private warmupDone = false;

  private constructor(
    readonly config: RunConfig,
    readonly stream: ClassStream,
    private readonly model: ClassifierModel,
    private readonly recipe: ClassStreamRecipe,
    private readonly rng: Rng,
    private readonly hooks: SessionHooks,
  ) {}

  static async create(config: RunConfig, hooks: SessionHooks = {}): Promise<ClassStreamSession> {
    if (config.task.kind !== 'class-stream') {
      throw new CodedError('invalid_config', `a class-stream run needs task.kind "class-stream"; it is "${config.task.kind}"`, [
        { path: 'task.kind', message: 'must be "class-stream"' },
      ]);
    }
    if (config.policy.kind !== 'classifier') {
      throw new CodedError('invalid_config', `a class-stream run trains a classifier; policy.kind is "${config.policy.kind}", set it to "classifier"`, [
        { path: 'policy.kind', message: 'must be "classifier"' },
      ]);
    }
    const recipe = config.recipe as { batchSize?: number };
    const stream = createClassStream(config.task as ClassStreamTaskConfig, recipe.batchSize ?? 10);
    const rng = createRng(config.seed);
    // Weights get their own stream, as in the other sessions, so the stream's shuffles never change the initial weights.
    const model = createClassifier({ ...config.policy, inputSize: stream.inputSize, numClasses: stream.numClasses }, fork(rng, 'policy-init'));
    return new ClassStreamSession(config, stream, model, createClassStreamRecipe(config.recipe, config.optim), rng, hooks);
  }

  /** The validation scorecard of the current classifier under the current labels. */
  assess(): ClassScorecard {
    return this.stream.evaluate((batch) => this.model.predict(batch));
  }

  /** Iteration 0: no warm-up; the untrained classifier's scorecard is the baseline row. */
  async warmup(): Promise<Metrics> {
    const t0 = performance.now();
    await this.hooks.stepBoundary?.();
    this.progress('eval', 0, 1);
    const metrics = classScorecardMetrics(this.assess());
    this.progress('eval', 1, 1);
    this.warmupDone = true;
    return { ...metrics, [TRAIN_STEPS]: 0, 'time/iteration_s': (performance.now() - t0) / 1000, ...memoryMetrics() };
  }

  async iterate(iteration: number): Promise<{ metrics: Metrics; trajectories: TrajectoryRecord[] }> {
    if (!this.warmupDone) throw new Error('ClassStreamSession.iterate: run warmup() first (iteration 0)');
    const t0 = performance.now();
    const result = await this.recipe.iterate({
      iteration,
      stream: this.stream,
      model: this.model,
      rng: this.rng,
      progress: (phase, done, total) => this.progress(phase, done, total),
      stepBoundary: async () => this.hooks.stepBoundary?.(),
    });
    const metrics: Metrics = { ...result.metrics };
    const trajectories = [...result.trajectories];
    this.globalStep += metrics[TRAIN_STEPS] ?? 0;
    if (iteration % this.config.evalEvery === 0 || iteration >= this.config.iterations) {
      this.progress('eval', 0, 1);
      const card = this.assess();
      Object.assign(metrics, classScorecardMetrics(card));
      trajectories.push(confusionRecord(card, this.stream));
      this.progress('eval', 1, 1);
    }
    metrics['time/iteration_s'] = (performance.now() - t0) / 1000;
    Object.assign(metrics, memoryMetrics());
    return { metrics, trajectories };
  }

  getState(): ClassStreamSessionState {
    return {
      family: 'class-stream',
      policy: this.model.getState(),
      stream: this.stream.getState(),
      rng: this.rng.state(),
      recipe: this.recipe.getState(),
      globalStep: this.globalStep,
      warmupDone: this.warmupDone,
    };
  }

  setState(state: ClassStreamSessionState): void {
    if (state?.family !== 'class-stream')
      throw new CodedError('invalid_request', 'this checkpoint is not of a class-stream run; it was made by another kind of session');
    this.model.setState(state.policy);
    this.stream.setState(state.stream);
    this.rng.setState(state.rng);
    this.recipe.setState(state.recipe);
    this.globalStep = state.globalStep;
    this.warmupDone = state.warmupDone;
  }

  dispose(): void {
    this.model.dispose();
  }

  private progress(phase: ProgressPhase, done: number, total: number): void {
    this.hooks.progress?.(phase, done, total);
  }
}
