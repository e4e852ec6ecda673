/**
 * One run of the class-stream family in memory: the stream of labelled examples, the classifier, the learner and
 * the run's random stream. The runner drives it like the other sessions: warmup() is iteration 0, the validation
 * scorecard of the untrained classifier (no supervised warm-up: its row is the baseline), then iterate(1..N) runs
 * the learner over `batchesPerIteration` minibatches of the stream and evaluates on the validation examples under
 * the current labels every evalEvery iterations and at the last, recording the confusion matrix as a trajectory the
 * Trajectories view draws. getState() is what a checkpoint holds: the weights, the stream's position and labels,
 * the random stream, the learner's state (its learning rate and monitors).
 *
 * Governed (config.oversight.enabled), it is a GovernedSession (core/ports.ts) like the text LM's: its genome's
 * workflow.recipe holds the learner's knobs (learning rate, step size, memory of examples), which the knob proposer
 * (oversight/knob-proposer.ts) proposes to move; it forks on the device (snapshot / restore), and its scorecard is the
 * validation accuracy under the current labels. The learning-rate knob sets the rate eta when it changes (the
 * homeostatic and random rules move eta on from there); rateKnob remembers the value it last set, so a child's
 * checkpoint taken with an approved change of the knob sets eta to it while one without keeps its trained eta.
 */
import type { ClassStreamTaskConfig, RecipeConfig, RunConfig } from '../shared/config';
import { CodedError, type FieldIssue } from '../shared/errors';
import { initialGenome, type Genome } from '../shared/genome';
import type { Evidence } from '../shared/oversight';
import { EVAL_ACCURACY, TRAIN_STEPS } from '../shared/metrics';
import type { Metrics, ProgressPhase } from '../shared/run';
import type { AgentFork, AgentPosition } from './core/agent';
import type { FamilyEvidence, GovernedSession, RoundReport, RunnerSession } from './core/ports';
import type { Scorecard } from './environments/text-task';
import { knobCandidates, learnerKnobIssues } from './oversight/knob-proposer';
import type { Candidate } from './core/ports';
import { tunableKnobs } from './recipes/registry';
import type { LearnerConfig, LearnerState } from './recipes/stream-learner';
import { classEvidence } from './oversight/class-evidence';
import { createClassStream, type ClassScorecard, type ClassStream, type ClassStreamState } from './environments/class-stream';
import { createClassifier } from './policies/classifier';
import { createClassStreamRecipe } from './recipes/registry';
import { disposeModelSnapshot, relativeChange, restoreModel, snapshotModel, type ModelSnapshot } from './core/snapshot';
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
  /** The agent's knobs (absent in checkpoints from before governed classifier runs: the config's). */
  genome?: Genome;
  /** The learning-rate knob's value eta was last set from. */
  rateKnob?: number;
}

type PlainState = Omit<ClassStreamSessionState, 'policy'>;
/** The classifier forked on the device (its weights as tensors) with the rest of its state copied. */
interface ClassFork extends AgentFork {
  readonly policy: ModelSnapshot;
  readonly plain: PlainState;
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

export class ClassStreamSession implements RunnerSession, GovernedSession {
  private globalStep = 0;
  private warmupDone = false;
  private genomeValue: Genome;
  private rateKnob: number;
  private readonly initial: Genome;

  private constructor(
    readonly config: RunConfig,
    readonly stream: ClassStream,
    private readonly model: ClassifierModel,
    private recipe: ClassStreamRecipe,
    private readonly rng: Rng,
    private readonly hooks: SessionHooks,
  ) {
    this.initial = initialGenome(config);
    this.genomeValue = structuredClone(this.initial);
    this.rateKnob = (config.recipe as LearnerConfig).learningRate;
  }

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
  validate(): ClassScorecard {
    return this.stream.evaluate((batch) => this.model.predict(batch));
  }

  /** Iteration 0: no warm-up; the untrained classifier's scorecard is the baseline row. */
  async warmup(): Promise<Metrics> {
    const t0 = performance.now();
    await this.hooks.stepBoundary?.();
    this.progress('eval', 0, 1);
    const metrics = classScorecardMetrics(this.validate());
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
    // Evaluated when due even in a governed round (which scores its children again itself): the validation is cheap
    // next to training, and its confusion matrix is the iteration's trajectory.
    if (iteration % this.config.evalEvery === 0 || iteration >= this.config.iterations) {
      this.progress('eval', 0, 1);
      const card = this.validate();
      Object.assign(metrics, classScorecardMetrics(card));
      trajectories.push(confusionRecord(card, this.stream));
      this.progress('eval', 1, 1);
    }
    metrics['time/iteration_s'] = (performance.now() - t0) / 1000;
    Object.assign(metrics, memoryMetrics());
    return { metrics, trajectories };
  }

  getState(): ClassStreamSessionState {
    return { policy: this.model.getState(), ...this.plainState() };
  }

  setState(state: ClassStreamSessionState): void {
    if (state?.family !== 'class-stream')
      throw new CodedError('invalid_request', 'this checkpoint is not of a class-stream run; it was made by another kind of session');
    this.model.setState(state.policy);
    this.setPlainState(state);
  }

  // --- Governed: the session whose knobs a proposal may change (GovernedSession). ---

  oversight(): GovernedSession {
    return this;
  }

  get genome(): Genome {
    return this.genomeValue;
  }

  /** Makes `genome` the agent's: the learner with its knobs; eta is set when the rate knob changed. */
  setGenome(genome: Genome): void {
    this.adopt(genome, this.recipe.getState(), this.rateKnob);
  }

  /** The validation scorecard in the form the gate's evidence compares: one split, no levels or probes. */
  assess(): Scorecard {
    const card = this.validate();
    const n = card.splits[0]?.size ?? 0;
    return { perLevel: [], score: { correct: Math.round(card.score * n), n }, probes: [], seconds: card.seconds, tokens: 0 };
  }

  scorecardMetrics(card: Scorecard): Metrics {
    return { [EVAL_ACCURACY]: card.score.n === 0 ? 0 : card.score.correct / card.score.n, 'time/eval_s': card.seconds };
  }

  propose(round: RoundReport): Candidate[] {
    const recipe = round.genome.workflow.recipe as LearnerConfig;
    return knobCandidates({ recipe, tunable: tunableKnobs(recipe), metrics: round.metrics, previous: round.previous });
  }

  evidenceOf(before: Metrics | null, after: Metrics): FamilyEvidence {
    return classEvidence(before, after);
  }

  knobIssues(genome: Genome): FieldIssue[] {
    return learnerKnobIssues(genome, this.initial, tunableKnobs(this.initial.workflow.recipe));
  }

  memoryConsensus(): NonNullable<Evidence['memory']> {
    return [];
  }

  snapshot(): ClassFork {
    const policy = snapshotModel(this.model.trainable);
    let disposed = false;
    return {
      policy,
      plain: this.plainState(),
      dispose() {
        if (!disposed) disposeModelSnapshot(policy);
        disposed = true;
      },
    };
  }

  restore(snapshot: ClassFork, keep?: AgentPosition): void {
    restoreModel(this.model.trainable, snapshot.policy);
    const world = keep?.world as ClassStreamSessionState['stream'] | undefined;
    this.setPlainState({ ...snapshot.plain, ...(keep ? { rng: keep.rng, globalStep: keep.globalStep } : {}), ...(world ? { stream: world } : {}) });
  }

  /** The parent's weights scored on the validation labels as they are now (the round's shifts moved them). */
  reassess(parent: ClassFork): Scorecard {
    const now = snapshotModel(this.model.trainable);
    try {
      restoreModel(this.model.trainable, parent.policy);
      return this.assess();
    } finally {
      restoreModel(this.model.trainable, now);
      disposeModelSnapshot(now);
    }
  }

  weightChange(since: ClassFork): number {
    return relativeChange(since.policy, this.model.trainable);
  }

  position(): AgentPosition {
    return { rng: this.rng.state(), globalStep: this.globalStep, world: this.stream.getState() };
  }

  randomState(): number[] {
    return this.rng.state();
  }

  setRandomState(state: number[]): void {
    this.rng.setState(state);
  }

  private plainState(): PlainState {
    return {
      family: 'class-stream',
      stream: this.stream.getState(),
      rng: this.rng.state(),
      recipe: structuredClone(this.recipe.getState()),
      globalStep: this.globalStep,
      warmupDone: this.warmupDone,
      genome: structuredClone(this.genomeValue),
      rateKnob: this.rateKnob,
    };
  }

  private setPlainState(state: PlainState): void {
    this.stream.setState(state.stream);
    this.rng.setState(state.rng);
    this.globalStep = state.globalStep;
    this.warmupDone = state.warmupDone;
    this.adopt(state.genome ?? this.initial, structuredClone(state.recipe), state.rateKnob ?? (this.config.recipe as LearnerConfig).learningRate);
  }

  /** The learner of `genome`'s knobs with `recipeState`; eta set to the rate knob when it differs from `rateKnob`. */
  private adopt(genome: Genome, recipeState: unknown, rateKnob: number): void {
    const knobs = genome.workflow.recipe as LearnerConfig;
    // eta_0 stays the run's: the homeostatic and random rules' step is a fraction of it.
    const recipe = createClassStreamRecipe({ ...knobs, learningRate: (this.config.recipe as LearnerConfig).learningRate } as RecipeConfig, this.config.optim);
    recipe.setState(knobs.learningRate === rateKnob ? recipeState : { ...(recipeState as LearnerState), eta: knobs.learningRate });
    this.recipe = recipe;
    this.rateKnob = knobs.learningRate;
    this.genomeValue = structuredClone(genome);
  }

  dispose(): void {
    this.model.dispose();
  }

  private progress(phase: ProgressPhase, done: number, total: number): void {
    this.hooks.progress?.(phase, done, total);
  }
}
