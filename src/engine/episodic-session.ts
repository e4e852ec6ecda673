/**
 * One run of the episodic family in memory: the environment, the policy-value model, the algorithm and the run's
 * random stream. The runner drives it like the text LM's Session: warmup() is iteration 0, here the evaluation of
 * the untrained agent (no supervised warm-up: its row is the baseline), then iterate(1..N) collects episodes with
 * the run's stream, trains, and evaluates on the environment's fixed starts every evalEvery iterations and at the
 * last. With a two-seat game (environments/games/) the algorithm seats the players (self-play or an opponent, the
 * agent's seat alternating) and the evaluation is the agent's win rate against a random mover on both seats.
 * getState() is what a checkpoint holds: weights and Adam state, the stream, the algorithm's state, the step.
 *
 * Governed (config.oversight.enabled, a safety gridworld), it is a GovernedSession (core/ports.ts) like the
 * classifier's: its genome's workflow holds the algorithm's knobs (A2C's entropy coefficient and learning rate,
 * Q-learning's alpha and final epsilon), which the episodic proposer (oversight/episodic-knobs.ts) proposes to move; it
 * forks on the device (snapshot / restore, the algorithm's state copied), and its scorecard is the success rate on the
 * evaluation starts, carrying the episodes so that the evidence compares the child's safety behaviour with its
 * parent's (oversight/safety-evidence.ts, the corrigibility flag).
 *
 * In an archive run of a game task (SPIRAL), it is an ArchiveSession: its search set is a fixed list of episodes
 * against the random legal mover (environments/games/search-episodes.ts), an agent's score there its win rate; its
 * children's proposer moves SPIRAL's knobs from the round's game monitors (oversight/episodic-knobs.ts
 * spiralKnobCandidates); the evidence shows those monitors parent beside child. Branches stay text-task features.
 */
import type { ArchiveConfig, GameTaskConfig, GridworldTaskConfig, RunConfig, TaskConfig } from '../shared/config';
import { CodedError } from '../shared/errors';
import { EVAL_LENGTH, EVAL_RETURN, EVAL_SUCCESS_RATE, TRAIN_STEPS } from '../shared/metrics';
import type { Metrics, ProgressPhase } from '../shared/run';
import type { FieldIssue } from '../shared/errors';
import { initialGenome, type Genome } from '../shared/genome';
import type { Evidence } from '../shared/oversight';
import type { AgentFork, AgentPosition } from './core/agent';
import type { ArchiveSession, ChildRoundReport, FamilyEvidence, GovernedSession, RoundReport, RunnerSession, SearchItem } from './core/ports';
import { disposeModelSnapshot, relativeChange, restoreModel, snapshotModel, type ModelSnapshot } from './core/snapshot';
import type { Scorecard } from './environments/text-task';
import { episodicKnobCandidates, episodicKnobIssues, spiralKnobCandidates } from './oversight/episodic-knobs';
import type { Candidate } from './core/ports';
import { safetyEpisodes, safetyEvidence } from './oversight/safety-evidence';
import { tunableKnobs } from './recipes/registry';
import { evaluateEpisodic, type EpisodicEnvironment, type EpisodicScorecard } from './environments/episodic';
import { createGameSet, isGameSet, type GameSet } from './environments/games/game-set';
import { assessGames, gameMonitors } from './environments/games/monitors';
import { gameSearchSet, playSearchEpisodes, type GameSearchItem } from './environments/games/search-episodes';
import { gameEvidence } from './oversight/game-evidence';
import { policyPlayer, type LogitsFn, type Player } from './environments/games/arena';
import { freezeMlp, frozenLogits } from './policies/frozen-mlp';
import { createGridworld } from './environments/gridworld';
import { createSafetyGrid } from './environments/safety-grid';
import { safetyMetrics } from './monitors/safety';
import { createMlpPolicy } from './policies/mlp';
import { greedyAction } from './recipes/a2c';
import { createEpisodicRecipe } from './recipes/registry';
import { createRng, fork } from './rng';
import { learningRateAt, totalSteps } from './session-schedule';
import type { SessionHooks } from './session';
import { memoryMetrics } from './core/snapshot';
import type { EpisodicRecipe, IterationResult, PolicyState, PolicyValueModel, Rng, TrajectoryRecord } from './types';

/** What an episodic run's checkpoint holds. */
export interface EpisodicSessionState {
  family: 'episodic';
  policy: PolicyState;
  rng: number[];
  recipe: unknown;
  globalStep: number;
  warmupDone: boolean;
  /** The agent's knobs (absent in checkpoints of ungoverned runs from before governed gridworlds: the config's). */
  genome?: Genome;
}

type PlainState = Omit<EpisodicSessionState, 'policy'>;
/** The agent forked on the device (its weights as tensors) with the rest of its state copied. */
interface EpisodicFork extends AgentFork {
  readonly policy: ModelSnapshot;
  readonly plain: PlainState;
}

/** A governed gridworld agent's scorecard: its success on the evaluation starts, with the episodes it played. */
export interface EpisodicGateScorecard extends Scorecard {
  readonly episodic: EpisodicScorecard;
}

/** The episodic environment a task config names. */
export function createEpisodicEnvironment(config: TaskConfig): EpisodicEnvironment {
  switch (config.kind) {
    case 'gridworld':
      return createGridworld(config as GridworldTaskConfig) as EpisodicEnvironment;
    case 'safe-interruptibility':
    case 'whisky-gold':
    case 'absent-supervisor':
      return createSafetyGrid(config) as EpisodicEnvironment;
    case 'game':
      return createGameSet(config as GameTaskConfig) as EpisodicEnvironment;
    default:
      throw new CodedError(
        'invalid_config',
        `task.kind "${config.kind}" is not an episodic environment; an episodic run needs one, such as "gridworld" or "safe-interruptibility"`,
        [{ path: 'task.kind', message: 'not an episodic environment' }],
      );
  }
}

/** The environment's scorecard as an iteration's metrics. */
export function scorecardMetrics(card: EpisodicScorecard): Metrics {
  return {
    [EVAL_SUCCESS_RATE]: card.successRate,
    [EVAL_RETURN]: card.meanReturn,
    [EVAL_LENGTH]: card.meanSteps,
    // A safety world's monitors, on the greedy agent's evaluation episodes (none for other environments).
    ...safetyMetrics(card.records),
    'time/eval_s': card.seconds,
  };
}

/** The untrained MLP as the monitors' agent, itself frozen as the fixed opponent, and its logits. */
function untrainedPlayers(model: PolicyValueModel): [Player, Player, LogitsFn] {
  const logits: LogitsFn = (v) => model.evaluate(v).logits;
  const frozen = freezeMlp(model.getState());
  return [policyPlayer('policy', logits), policyPlayer('fixed', (v) => frozenLogits(frozen, v)), logits];
}

export class EpisodicSession implements RunnerSession, ArchiveSession {
  private globalStep = 0;
  private warmupDone = false;
  private readonly total: number;
  private genomeValue: Genome;
  private readonly initial: Genome;

  private constructor(
    readonly config: RunConfig,
    readonly env: EpisodicEnvironment,
    private readonly model: PolicyValueModel,
    private recipe: EpisodicRecipe,
    private readonly rng: Rng,
    private readonly hooks: SessionHooks,
  ) {
    this.total = totalSteps(config);
    this.initial = initialGenome(config);
    this.genomeValue = structuredClone(this.initial);
  }

  static async create(config: RunConfig, hooks: SessionHooks = {}): Promise<EpisodicSession> {
    if (config.policy.kind !== 'mlp') {
      throw new CodedError('invalid_config', `an episodic run trains a policy-value model; policy.kind is "${config.policy.kind}", set it to "mlp"`, [
        { path: 'policy.kind', message: 'must be "mlp"' },
      ]);
    }
    const env = createEpisodicEnvironment(config.task);
    const rng = createRng(config.seed);
    // Weights get their own stream, as in the text session, so the collection never changes the initial weights.
    const model = createMlpPolicy({ ...config.policy, inputSize: env.observationSize, numActions: env.actions.length }, fork(rng, 'policy-init'));
    return new EpisodicSession(config, env, model, createEpisodicRecipe(config.recipe, config.optim), rng, hooks);
  }

  /**
   * The environment's scorecard of the current agent: greedy actions on the fixed evaluation starts (a tabular
   * learner's own, else the model's); in a two-seat game, its win rate against a random legal mover with its seat
   * alternating between games (moves sampled from the policy with a fixed stream, since a game's equilibrium may be
   * mixed).
   */
  scorecard(): EpisodicScorecard {
    if (isGameSet(this.env))
      return assessGames(
        this.env,
        policyPlayer('policy', (v) => this.model.evaluate(v).logits),
      );
    const act = this.recipe.act?.bind(this.recipe);
    return evaluateEpisodic(
      this.env,
      (observation, legal) => act?.(observation, legal) ?? greedyAction(this.model.evaluate([observation.vector]).logits[0]!, legal),
    );
  }

  /** Iteration 0: no warm-up; the untrained agent's evaluation is the baseline row. */
  async warmup(): Promise<Metrics> {
    const t0 = performance.now();
    await this.hooks.stepBoundary?.();
    this.progress('eval', 0, 1);
    const metrics = scorecardMetrics(this.scorecard());
    // A game run's monitors of the untrained policy, the baseline of their charts (its fixed opponent is itself).
    if (isGameSet(this.env)) Object.assign(metrics, gameMonitors(this.env, ...untrainedPlayers(this.model)));
    this.progress('eval', 1, 1);
    this.warmupDone = true;
    return { ...metrics, [TRAIN_STEPS]: 0, 'time/iteration_s': (performance.now() - t0) / 1000, ...memoryMetrics() };
  }

  async iterate(iteration: number, options: { evaluate?: boolean } = {}): Promise<IterationResult> {
    if (!this.warmupDone) throw new Error('EpisodicSession.iterate: run warmup() first (iteration 0)');
    const t0 = performance.now();
    const startStep = this.globalStep;
    const result = await this.recipe.iterate({
      iteration,
      env: this.env,
      model: this.model,
      rng: this.rng,
      globalStep: startStep,
      learningRate: (step) => learningRateAt(this.optim(), step, this.total),
      gradClip: this.config.optim.gradClip,
      progress: (phase, done, total) => this.progress(phase, done, total),
      stepBoundary: async () => this.hooks.stepBoundary?.(),
    });
    const metrics: Metrics = { ...result.metrics };
    this.globalStep = startStep + (metrics[TRAIN_STEPS] ?? 0);
    // A governed round scores its child itself (assess()), so it asks for no evaluation here.
    if (options.evaluate !== false && (iteration % this.config.evalEvery === 0 || iteration >= this.config.iterations)) {
      this.progress('eval', 0, 1);
      Object.assign(metrics, scorecardMetrics(this.scorecard()));
      this.progress('eval', 1, 1);
    }
    metrics['train/learning_rate'] = learningRateAt(this.optim(), startStep, this.total);
    metrics['time/iteration_s'] = (performance.now() - t0) / 1000;
    Object.assign(metrics, memoryMetrics());
    return { metrics, trajectories: result.trajectories };
  }

  getState(): EpisodicSessionState {
    return { policy: this.model.getState(), ...this.plainState() };
  }

  setState(state: EpisodicSessionState): void {
    if (state?.family !== 'episodic')
      throw new CodedError('invalid_request', 'this checkpoint is not of an episodic run; it was made by another kind of session');
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

  /** Makes `genome` the agent's: the algorithm built with its knobs, keeping what it has learnt (a Q-table). */
  setGenome(genome: Genome): void {
    this.adopt(genome, this.recipe.getState());
  }

  /** The success rate on the evaluation starts, in the form the gate's evidence compares, with the episodes played. */
  assess(): EpisodicGateScorecard {
    const card = this.scorecard();
    const n = card.records.length;
    const correct = card.records.filter((r) => r.success).length;
    return { perLevel: [], score: { correct, n }, probes: [], seconds: card.seconds, tokens: 0, episodic: card };
  }

  /** The evaluation's metrics, as a plain run's: success, return, length, the safety monitors. */
  scorecardMetrics(card: Scorecard): Metrics {
    const episodic = (card as Partial<EpisodicGateScorecard>).episodic;
    return episodic ? scorecardMetrics(episodic) : { [EVAL_SUCCESS_RATE]: card.score.n === 0 ? 0 : card.score.correct / card.score.n };
  }

  propose(round: RoundReport): Candidate[] {
    if (round.genome.workflow.recipe.kind === 'spiral') return spiralKnobCandidates(round);
    return episodicKnobCandidates({
      genome: round.genome,
      tunable: tunableKnobs(round.genome.workflow.recipe),
      metrics: round.metrics,
      previous: round.previous,
    });
  }

  /**
   * The training return is the agent's reward, but the world's, not one it assigns itself (no rewarded-but-wrong share);
   * its safety behaviour, parent beside child, is the corrigibility flag's.
   */
  evidenceOf(before: Metrics | null, after: Metrics, cards?: { before: Scorecard; after: Scorecard }): FamilyEvidence {
    const world = this.config.task.kind;
    if (isGameSet(this.env)) return gameEvidence(before, after);
    const notApplicable: NonNullable<Evidence['notApplicable']> = [
      { check: 'exploration-collapse', reason: 'a gridworld agent samples moves, not answers: there is no pass@k or distinct-2 to compare' },
    ];
    if (world !== 'safe-interruptibility' && world !== 'whisky-gold' && world !== 'absent-supervisor') return { notApplicable, selfRewarded: false };
    const episodes = (card: Scorecard | undefined) => {
      const records = (card as Partial<EpisodicGateScorecard> | undefined)?.episodic?.records;
      return records ? safetyEpisodes(records.map((r) => r.view)) : null;
    };
    return { notApplicable, selfRewarded: false, safety: safetyEvidence(world, episodes(cards?.before), episodes(cards?.after)) };
  }

  // --- Archive (a game task): the search set, its scores, the children's proposer. ---

  archive(): ArchiveSession {
    if (!isGameSet(this.env))
      throw new CodedError('invalid_config', `an archive run of the episodic family needs a game task; task.kind is "${this.config.task.kind}"`, [
        { path: 'archive.enabled', message: 'set it to false, or task.kind to "game"' },
      ]);
    return this;
  }

  readonly searchUnit = 'episodes';

  /** Episodes against the random legal mover, drawn once from `seed`: games in turn, the agent's seat alternating. */
  searchSet(seed: number, config: Pick<ArchiveConfig, 'poolSize'>): GameSearchItem[] {
    return gameSearchSet(this.games(), seed, config.poolSize);
  }

  /** The agent (moves sampled from its policy, each episode with its own stream) against the random mover: won or not. */
  solve(items: readonly SearchItem[]): Array<{ correct: boolean; wellFormed: boolean }> {
    return playSearchEpisodes(this.games(), items as readonly GameSearchItem[], (v) => this.model.evaluate(v).logits);
  }

  /** SPIRAL's knobs, from the parent's round's game monitors against the round that made the parent. */
  proposeChild(round: ChildRoundReport): Candidate[] {
    return spiralKnobCandidates(round);
  }

  /** A game's reward is its outcome, the world's: the child's genome rewards nothing of its own. */
  rescore(_genome: Genome, trajectories: readonly TrajectoryRecord[]): Array<{ reward: number; correct: boolean }> {
    return trajectories.map((t) => ({ reward: t.reward, correct: t.correct }));
  }

  private games(): GameSet {
    if (!isGameSet(this.env)) throw new Error('EpisodicSession: the archive needs a game task');
    return this.env;
  }

  knobIssues(genome: Genome): FieldIssue[] {
    return episodicKnobIssues(genome, this.initial, tunableKnobs(this.initial.workflow.recipe));
  }

  memoryConsensus(): NonNullable<Evidence['memory']> {
    return [];
  }

  snapshot(): EpisodicFork {
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

  restore(snapshot: EpisodicFork, keep?: AgentPosition): void {
    restoreModel(this.model.trainable, snapshot.policy);
    this.setPlainState({ ...snapshot.plain, ...(keep ? { rng: keep.rng, globalStep: keep.globalStep } : {}) });
  }

  weightChange(since: EpisodicFork): number {
    return relativeChange(since.policy, this.model.trainable);
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

  /** The run's optimiser with the genome's learning rate (A2C's knob; the config's until a proposal moves it). */
  private optim(): RunConfig['optim'] {
    return { ...this.config.optim, learningRate: this.genomeValue.workflow.learningRate };
  }

  private plainState(): PlainState {
    return {
      family: 'episodic',
      rng: this.rng.state(),
      recipe: structuredClone(this.recipe.getState()),
      globalStep: this.globalStep,
      warmupDone: this.warmupDone,
      genome: structuredClone(this.genomeValue),
    };
  }

  private setPlainState(state: PlainState): void {
    this.rng.setState(state.rng);
    this.globalStep = state.globalStep;
    this.warmupDone = state.warmupDone;
    this.adopt(state.genome ?? this.initial, structuredClone(state.recipe));
  }

  private adopt(genome: Genome, recipeState: unknown): void {
    if (JSON.stringify(genome.workflow.recipe) !== JSON.stringify(this.genomeValue.workflow.recipe))
      this.recipe = createEpisodicRecipe(genome.workflow.recipe, this.config.optim);
    this.recipe.setState(recipeState);
    this.genomeValue = structuredClone(genome);
  }

  dispose(): void {
    this.model.dispose();
  }

  private progress(phase: ProgressPhase, done: number, total: number): void {
    this.hooks.progress?.(phase, done, total);
  }
}
