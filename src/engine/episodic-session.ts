/**
 * One run of the episodic family in memory: the environment, the policy-value model, the algorithm and the run's
 * random stream. The runner drives it like the text LM's Session: warmup() is iteration 0, here the evaluation of
 * the untrained agent (no supervised warm-up: its row is the baseline), then iterate(1..N) collects episodes with
 * the run's stream, trains, and evaluates on the environment's fixed starts every evalEvery iterations and at the
 * last. With a two-seat game (environments/games/) the algorithm seats the players (self-play or an opponent, the
 * agent's seat alternating) and the evaluation is the agent's win rate against a random mover on both seats.
 * getState() is what a checkpoint holds: weights and Adam state, the stream, the algorithm's state, the step.
 * Oversight, the archive and branches are text-task features: the config refuses them with an episodic task.
 */
import type { GameTaskConfig, GridworldTaskConfig, RunConfig, TaskConfig } from '../shared/config';
import { CodedError } from '../shared/errors';
import { EVAL_LENGTH, EVAL_RETURN, EVAL_SUCCESS_RATE, TRAIN_STEPS } from '../shared/metrics';
import type { Metrics, ProgressPhase } from '../shared/run';
import type { RunnerSession } from './core/ports';
import { evaluateEpisodic, type EpisodicEnvironment, type EpisodicScorecard } from './environments/episodic';
import { createGameSet, isGameSet } from './environments/games/game-set';
import { assessGames, gameMonitors } from './environments/games/monitors';
import { freezeMlp } from './policies/frozen-mlp';
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
import type { EpisodicRecipe, IterationResult, PolicyState, PolicyValueModel, Rng } from './types';

/** What an episodic run's checkpoint holds. */
export interface EpisodicSessionState {
  family: 'episodic';
  policy: PolicyState;
  rng: number[];
  recipe: unknown;
  globalStep: number;
  warmupDone: boolean;
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

export class EpisodicSession implements RunnerSession {
  private globalStep = 0;
  private warmupDone = false;
  private readonly total: number;

  private constructor(
    readonly config: RunConfig,
    readonly env: EpisodicEnvironment,
    private readonly model: PolicyValueModel,
    private readonly recipe: EpisodicRecipe,
    private readonly rng: Rng,
    private readonly hooks: SessionHooks,
  ) {
    this.total = totalSteps(config);
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
  assess(): EpisodicScorecard {
    if (isGameSet(this.env)) return assessGames(this.env, (v) => this.model.evaluate(v).logits);
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
    const metrics = scorecardMetrics(this.assess());
    // A game run's monitors of the untrained policy, the baseline of their charts (its fixed opponent is itself).
    if (isGameSet(this.env))
      Object.assign(
        metrics,
        gameMonitors(this.env, (v) => this.model.evaluate(v).logits, freezeMlp(this.model.getState())),
      );
    this.progress('eval', 1, 1);
    this.warmupDone = true;
    return { ...metrics, [TRAIN_STEPS]: 0, 'time/iteration_s': (performance.now() - t0) / 1000, ...memoryMetrics() };
  }

  async iterate(iteration: number): Promise<IterationResult> {
    if (!this.warmupDone) throw new Error('EpisodicSession.iterate: run warmup() first (iteration 0)');
    const t0 = performance.now();
    const startStep = this.globalStep;
    const result = await this.recipe.iterate({
      iteration,
      env: this.env,
      model: this.model,
      rng: this.rng,
      globalStep: startStep,
      learningRate: (step) => learningRateAt(this.config.optim, step, this.total),
      gradClip: this.config.optim.gradClip,
      progress: (phase, done, total) => this.progress(phase, done, total),
      stepBoundary: async () => this.hooks.stepBoundary?.(),
    });
    const metrics: Metrics = { ...result.metrics };
    this.globalStep = startStep + (metrics[TRAIN_STEPS] ?? 0);
    if (iteration % this.config.evalEvery === 0 || iteration >= this.config.iterations) {
      this.progress('eval', 0, 1);
      Object.assign(metrics, scorecardMetrics(this.assess()));
      this.progress('eval', 1, 1);
    }
    metrics['train/learning_rate'] = learningRateAt(this.config.optim, startStep, this.total);
    metrics['time/iteration_s'] = (performance.now() - t0) / 1000;
    Object.assign(metrics, memoryMetrics());
    return { metrics, trajectories: result.trajectories };
  }

  getState(): EpisodicSessionState {
    return {
      family: 'episodic',
      policy: this.model.getState(),
      rng: this.rng.state(),
      recipe: this.recipe.getState(),
      globalStep: this.globalStep,
      warmupDone: this.warmupDone,
    };
  }

  setState(state: EpisodicSessionState): void {
    if (state?.family !== 'episodic')
      throw new CodedError('invalid_request', 'this checkpoint is not of an episodic run; it was made by another kind of session');
    this.model.setState(state.policy);
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
