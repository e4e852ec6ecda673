import type { ArchiveConfig, RunConfig, TextRunConfig } from '../shared/config';
import { initialGenome, type Genome, type MemoryEntry } from '../shared/genome';
import type { Evidence } from '../shared/oversight';
import type { Metrics, ProgressPhase, WarmupLoss } from '../shared/run';
import { evaluateHeldout } from './monitors/heldout';
import { createTransformerPolicy } from './policies/transformer';
import { createRecipe } from './recipes';
import { evaluate, greedyAnswers, scorecardMetrics, type Scorecard } from './environments/text-task';
import { createRater } from './environments/raters';
import { agentView, masteryThreshold } from './oversight/agent-view';
import type { AgentPosition, AgentSnapshot, SessionState, WarmupProgress } from './core/agent';
import { memoryMetrics, relativeChange, restoreModel } from './core/snapshot';
import { matchReference, snapshotModels } from './text-models';
import type { ArchiveSession, ChildRoundReport, FamilyEvidence, OversightSession, RoundReport, Candidate, SearchItem } from './core/ports';
import { textCandidates, textChildCandidates } from './oversight/proposer';
import { rescored } from './evolution/archive-child';
import { buildSearchSet } from './evolution/search-set';
import type { FieldIssue } from '../shared/errors';
import { memoryConsensus } from './oversight/consensus';
import { initialLevel, MASTERY_THRESHOLD, nextLevel } from './recipes/curriculum';
import { warmupTrainBatch } from './recipes/rollout';
import { createRng, fork } from './rng';
import { learningRateAt, totalSteps, warmupSteps } from './session-schedule';
import { meanOf, recordWarmupStep, runWarmup } from './warmup-loop';
import { createTask } from './tasks';
import { backendReport } from './tf';
import { runWorkersHere, withPool } from './pool/attach';
import { checkMemory, expectedBackend } from './memory-estimate';
import { checkContext, taskShape } from './preflight';
import { requireTextRun } from './text-run';
import type { AgentView, IterationResult, PersonRater, Policy, Problem, Recipe, RecipeContext, Rng, Task, TrajectoryRecord } from './types';
import { PERF_TRAIN_TOKENS_PER_S, TIME_TRAIN_S, TRAIN_LOSS, TRAIN_STEPS } from '../shared/metrics';

export type { SessionState, WarmupProgress } from './core/agent';

export interface SessionHooks {
  progress?(phase: ProgressPhase, done: number, total: number, loss?: number): void;
  stepBoundary?(): Promise<void>;
  /** Called every WARMUP_CHECKPOINT_EVERY warm-up steps: the runner saves getState() so a kill resumes from there. */
  checkpointWarmup?(): void;
  /** With rater.kind "person": who rates the pairs the recipe asks for (the runner's, which waits for the choices). */
  person?: PersonRater;
}

/** How often a long warm-up is checkpointed (a kill loses at most this many steps; a stop loses none). */
export { WARMUP_CHECKPOINT_EVERY } from './warmup-loop';

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
  private warmupProgress: WarmupProgress = { step: 0, trained: 0, losses: [], tokens: 0 };
  private readonly total: number;
  private genomeValue: Genome;
  private agent: AgentView;

  private constructor(
    readonly config: TextRunConfig,
    readonly task: Task,
    private readonly policy: Policy,
    private recipe: Recipe,
    private readonly rng: Rng,
    private readonly hooks: SessionHooks,
  ) {
    this.level = initialLevel(task);
    this.total = totalSteps(config);
    this.genomeValue = initialGenome(config);
    this.agent = agentView(task, this.genomeValue);
  }

  /** Worker threads its training and decoding are shared with (1: the engine process alone). */
  get workers(): number {
    return this.policy.dataParallel?.workers ?? 1;
  }

  get genome(): Genome {
    return this.genomeValue;
  }

  /** This session as the oversight loop drives it. */
  oversight(): OversightSession {
    return this;
  }

  /** This session as the archive loop drives it. */
  archive(): ArchiveSession {
    return this;
  }

  /**
   * Makes `genome` the agent's: a new recipe when the workflow changed (keeping the recipe's state when the
   * algorithm stays the same), its tools and memory from the next round on. Only the runner calls this, with a
   * genome the gate approved (or for a sandboxed trial that is rolled back).
   */
  setGenome(genome: Genome): void {
    if (JSON.stringify(genome.workflow.recipe) !== JSON.stringify(this.genomeValue.workflow.recipe)) {
      const state = this.recipe.getState();
      const next = createRecipe(genome.workflow.recipe, this.config.optim);
      if (next.kind === this.recipe.kind) next.setState(state);
      this.recipe = next;
    }
    this.genomeValue = structuredClone(genome);
    this.agent = agentView(this.task, this.genomeValue);
  }

  /** Held-out accuracy per level and the safety probes, on the protected sets. */
  assess(): Scorecard {
    return evaluate(this.policy, this.task);
  }

  scorecardMetrics(card: Scorecard): Metrics {
    return scorecardMetrics(card, this.task);
  }

  propose(round: RoundReport): Candidate[] {
    return textCandidates(this.task, this.config, round);
  }

  /** The text family's evidence is the shared one (reward/mean is its training reward): nothing to add. */
  evidenceOf(): FamilyEvidence {
    return {};
  }

  /** A text genome's bounds are its schema's. */
  knobIssues(): FieldIssue[] {
    return [];
  }

  /** The archive's search set: problems of the levels above the warm-up, drawn once from the run's seed. */
  searchSet(seed: number, config: Pick<ArchiveConfig, 'poolSize'>): Problem[] {
    return buildSearchSet(this.task, seed, config);
  }

  /** Greedy answers to `items` (the search set's problems), each verified: one task evaluation each. */
  solve(items: readonly SearchItem[]): Array<{ correct: boolean; wellFormed: boolean }> {
    const problems = items as readonly Problem[];
    return greedyAnswers(this.policy, this.task, [...problems]).map((output, i) => ({
      correct: this.task.verify(problems[i]!, output).correct,
      wellFormed: this.task.wellFormed?.(problems[i]!, output) ?? true,
    }));
  }

  proposeChild(round: ChildRoundReport): Candidate[] {
    return textChildCandidates(this.task, this.config, round);
  }

  rescore(genome: Genome, trajectories: readonly TrajectoryRecord[]): Array<{ reward: number; correct: boolean }> {
    return rescored(this.task, genome, trajectories);
  }

  /** The consensus check of memory entries with the current policy. */
  memoryConsensus(entries: MemoryEntry[]): NonNullable<Evidence['memory']> {
    return memoryConsensus(this.policy, this.task, entries);
  }

  private learningRate(step: number): number {
    return learningRateAt({ ...this.config.optim, learningRate: this.genomeValue.workflow.learningRate }, step, this.total);
  }

  static async create(runConfig: RunConfig, hooks: SessionHooks = {}): Promise<Session> {
    const config = requireTextRun(runConfig);
    const task = createTask(config.task);
    // service.start checked these before the run existed; again here for the backend this process really runs on.
    checkContext(config, task);
    checkMemory(config, taskShape(task), backendReport()?.active ?? expectedBackend(config.backend), undefined, runWorkersHere(config));
    const rng = createRng(config.seed);
    // Weights get their own stream so changing the data pipeline never changes the initial weights.
    const policyConfig = { ...config.policy, vocabSize: task.tokenizer.vocabSize, eos: task.tokenizer.eos };
    const local = createTransformerPolicy(policyConfig, fork(rng, 'policy-init'));
    const recipe = createRecipe(config.recipe, config.optim);
    try {
      createRater(config.rater, task); // refuses a rater that does not fit the task before any training
      const policy = await withPool(local, policyConfig, runWorkersHere(config));
      return new Session(config, task, policy, recipe, rng, hooks);
    } catch (e) {
      local.dispose();
      throw e;
    }
  }

  /** Supervised warm-up on the easy levels, then freezes the reference policy. Iteration 0's metrics. */
  async warmup(): Promise<Metrics> {
    const t0 = performance.now();
    const steps = warmupSteps(this.config);
    // A resumed warm-up continues where its checkpoint left it, with the same losses window and token count.
    const progress = this.warmupProgress;
    const tokensBefore = progress.tokens;
    await runWarmup({
      policy: this.policy,
      optim: this.config.optim,
      from: progress.step,
      steps,
      globalStep: () => this.globalStep,
      totalSteps: this.total,
      nextBatch: () => {
        const batch = warmupTrainBatch(this.task, this.rng, this.config.optim.batchSize);
        return batch.sequences.length === 0 ? null : batch; // no supervised examples (e.g. regex answers without examples)
      },
      progress: (step) => this.progress('warmup', step, steps, meanOf(progress.losses)),
      checkpoint: () => this.hooks.checkpointWarmup?.(),
      boundary: () => this.stepBoundary(),
      afterStep: (result, done) => {
        recordWarmupStep(progress, result, done, steps);
        this.globalStep++;
      },
    });
    const loss = meanOf(progress.losses);
    const tokens = progress.tokens - tokensBefore;
    this.progress('warmup', steps, steps, loss);
    this.reference?.dispose();
    this.reference = this.policy.clone();
    this.warmupDone = true;
    const trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const metrics = this.evaluate();
    const evalSeconds = (performance.now() - t1) / 1000;
    if (loss !== undefined) metrics[TRAIN_LOSS] = loss;
    return {
      ...metrics,
      [TRAIN_STEPS]: progress.trained,
      'curriculum/level': this.level,
      [TIME_TRAIN_S]: trainSeconds,
      'time/eval_s': evalSeconds,
      'time/iteration_s': (performance.now() - t0) / 1000,
      [PERF_TRAIN_TOKENS_PER_S]: trainSeconds > 0 ? tokens / trainSeconds : 0,
      ...memoryMetrics(),
    };
  }

  /** The finished warm-up's running loss, one point every few steps; null before it finished or without steps. */
  warmupLoss(): WarmupLoss | null {
    const trace = this.warmupProgress.trace;
    return this.warmupDone && trace && trace.steps.length > 0 ? structuredClone(trace) : null;
  }

  /**
   * Iteration 0 of a branch: takes another run's agent (weights, reference, genome, level) instead of warming up,
   * keeping this run's own random stream. Its metrics are the agent's held-out scores.
   */
  async branch(state: SessionState): Promise<Metrics> {
    const t0 = performance.now();
    await this.stepBoundary();
    this.setState({ ...state, rng: this.rng.state() });
    const metrics = this.evaluate();
    return { ...metrics, [TRAIN_STEPS]: 0, 'curriculum/level': this.level, 'time/eval_s': (performance.now() - t0) / 1000, ...memoryMetrics() };
  }

  /** One self-improvement iteration (1-based), with held-out evaluation every evalEvery iterations and at the last. */
  async iterate(iteration: number, options: { evaluate?: boolean } = {}): Promise<IterationResult> {
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
      learningRate: (step) => this.learningRate(step),
      level: this.level,
      agent: this.agent,
      rater: createRater(this.config.rater, this.task, this.agent),
      ...(this.hooks.person ? { person: this.hooks.person } : {}),
      progress: (phase, done, total) => this.progress(phase, done, total),
      stepBoundary: () => this.stepBoundary(),
    };
    const result = await this.recipe.iterate(ctx);
    const metrics: Metrics = { ...result.metrics };
    this.globalStep = startStep + (metrics[TRAIN_STEPS] ?? 0);
    const mastery = metrics['curriculum/mastery'];
    if (mastery !== undefined && curriculumOn(this.genomeValue))
      this.level = nextLevel(this.task, this.level, mastery, masteryThreshold(this.genomeValue, MASTERY_THRESHOLD));

    if (options.evaluate !== false && (iteration % this.config.evalEvery === 0 || iteration >= this.config.iterations)) {
      this.progress('eval', 0, 1);
      const t1 = performance.now();
      Object.assign(metrics, this.evaluate());
      metrics['time/eval_s'] = (performance.now() - t1) / 1000;
      this.progress('eval', 1, 1);
    }
    metrics['train/learning_rate'] = this.learningRate(startStep);
    metrics['time/iteration_s'] = (performance.now() - t0) / 1000;
    Object.assign(metrics, memoryMetrics());
    return { metrics, trajectories: result.trajectories };
  }

  /** Held-out accuracy of the current policy on every level (greedy decoding). */
  evaluate(): Metrics {
    return evaluateHeldout(this.policy, this.task);
  }

  /** The agent downloaded to plain arrays: what a checkpoint writes to disk. */
  getState(): SessionState {
    return {
      policy: this.policy.getState(),
      reference: this.reference?.getState() ?? null,
      ...this.plainState(),
    };
  }

  /** The agent forked on the device (weights, optimiser, reference as tensors): a loop's way back to a parent. */
  snapshot(): AgentSnapshot {
    return { ...snapshotModels(this.policy, this.reference), ...this.plainState() };
  }

  /** Back to `snapshot` (still the caller's to dispose); `keep` holds this run's position instead of the snapshot's. */
  restore(snapshot: AgentSnapshot, keep?: AgentPosition): void {
    restoreModel(this.policy.trainable, snapshot.policy);
    const frozen = snapshot.reference;
    this.reference = matchReference(this.policy, this.reference, frozen && ((ref) => restoreModel(ref.trainable, frozen)));
    this.setPlainState({ ...snapshot, ...keep });
  }

  /** How far the weights moved from `since`'s, ||W - W_since|| / ||W_since||, computed on the device. */
  weightChange(since: AgentSnapshot): number {
    return relativeChange(since.policy, this.policy.trainable);
  }

  position(): AgentPosition {
    return { rng: this.rng.state(), globalStep: this.globalStep };
  }

  randomState(): number[] {
    return this.rng.state();
  }

  setRandomState(state: number[]): void {
    this.rng.setState(state);
  }

  setState(state: SessionState): void {
    this.policy.setState(state.policy);
    const frozen = state.reference;
    this.reference = matchReference(this.policy, this.reference, frozen && ((ref) => ref.setState(frozen)));
    this.setPlainState(state);
  }

  /** Everything of the agent but its models, copied. */
  private plainState(): Omit<SessionState, 'policy' | 'reference'> & { genome: Genome } {
    return {
      rng: this.rng.state(),
      recipe: structuredClone(this.recipe.getState()),
      level: this.level,
      globalStep: this.globalStep,
      warmupDone: this.warmupDone,
      genome: structuredClone(this.genomeValue),
      ...(this.warmupDone ? {} : { warmup: structuredClone(this.warmupProgress) }),
    };
  }

  private setPlainState(state: Omit<SessionState, 'policy' | 'reference'>): void {
    this.rng.setState(state.rng);
    this.level = state.level;
    this.globalStep = state.globalStep;
    this.warmupDone = state.warmupDone;
    this.warmupProgress = structuredClone(state.warmup) ?? { step: 0, trained: 0, losses: [], tokens: 0 };
    // The genome first: it decides which recipe the stored recipe state belongs to.
    this.setGenome(state.genome ?? initialGenome(this.config));
    this.recipe.setState(structuredClone(state.recipe));
  }

  dispose(): void {
    this.policy.dispose();
    this.reference?.dispose();
    this.reference = null;
  }

  private progress(phase: ProgressPhase, done: number, total: number, loss?: number): void {
    this.hooks.progress?.(phase, done, total, loss);
  }

  private async stepBoundary(): Promise<void> {
    await this.hooks.stepBoundary?.();
  }
}

function curriculumOn(genome: Genome): boolean {
  const recipe = genome.workflow.recipe;
  return 'curriculum' in recipe && recipe.curriculum;
}
