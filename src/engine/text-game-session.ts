/**
 * A game run with the text LM (task.kind "game", policy.kind "transformer", recipe SPIRAL): the episodic family with
 * a text model. It lives in its own session rather than in either existing one because neither fits without a
 * branch on every method: the text LM's Session is built around a text task (prompts with a verifier, a curriculum,
 * a reference policy, the archive), the EpisodicSession around the policy-value MLP (observation vectors, logits, the
 * governed knobs). What is shared is shared by import: the games, the arena and the monitors, SPIRAL itself (its
 * `play`, with the text LM behind the model port of recipes/spiral-text.ts), the likelihood step, the schedule.
 *
 * - warmup() (iteration 0): supervised steps on (text observation -> a uniformly random legal move) examples from
 *   random games, the stand-in for the instruct model SPIRAL starts from (a char-level LM from scratch writes nothing
 *   legal); with task.transfer, each batch also holds addition problems. Then the initial policy is frozen (the fixed
 *   opponent) and iteration 0's monitors are measured.
 * - iterate(i): one SPIRAL iteration; every evalEvery iterations (and at the last) the scorecard (win rate against a
 *   random mover) and the transfer probe's held-out accuracy.
 * - One vocabulary covers both tasks: printable ASCII and the newline.
 * getState() is plain data (weights and Adam moments, the stream, SPIRAL's state, the step, the warm-up's progress),
 * so a resumed run continues exactly. The run is not governed and has no archive (the config refuses both).
 */
import type { RunConfig } from '../shared/config';
import { CodedError } from '../shared/errors';
import { TRAIN_STEPS, TRANSFER_ARITHMETIC_HELDOUT, TRANSFER_ARITHMETIC_N } from '../shared/metrics';
import type { Metrics, ProgressPhase } from '../shared/run';
import type { RunnerSession } from './core/ports';
import { memoryMetrics } from './core/snapshot';
import { createGameSet, type GameSet } from './environments/games/game-set';
import { assessGames, gameMonitors } from './environments/games/monitors';
import { evaluate } from './environments/text-task';
import { scorecardMetrics } from './episodic-session';
import { createTransformerPolicy } from './policies/transformer';
import { onPoolOf, runWorkersHere, withPool } from './pool/attach';
import { checkTextGame, isTextGameRun, textGameTokenizer, transferTask, type TextGameConfig } from './text-game-check';
import { createSpiralRecipe, type SpiralRecipe } from './recipes/spiral';
import { randomMoveExamples, textSpiralModel } from './recipes/spiral-text';
import { createRng, fork } from './rng';
import type { SessionHooks } from './session';
import { learningRateAt, totalSteps } from './session-schedule';
import type { IterationResult, Policy, PolicyState, Rng, Task, Tokenizer, TrainBatch } from './types';
import { runWarmup } from './warmup-loop';

/** What a text-LM game run's checkpoint holds. */
export interface TextGameSessionState {
  family: 'text-game';
  policy: PolicyState;
  rng: number[];
  recipe: unknown;
  globalStep: number;
  warmupStep: number;
  warmupDone: boolean;
}

export class TextGameSession implements RunnerSession {
  private globalStep = 0;
  private warmupStep = 0;
  private warmupDone = false;
  private readonly total: number;
  private readonly model: ReturnType<typeof textSpiralModel>;

  private constructor(
    readonly config: TextGameConfig,
    readonly env: GameSet,
    private readonly tokenizer: Tokenizer,
    private readonly policy: Policy,
    private readonly arithmetic: Task | null,
    private readonly recipe: SpiralRecipe,
    private readonly rng: Rng,
    private readonly hooks: SessionHooks,
  ) {
    this.total = totalSteps(config);
    const policyConfig = { ...config.policy, vocabSize: tokenizer.vocabSize, eos: tokenizer.eos };
    this.model = textSpiralModel({
      policy,
      tokenizer,
      style: config.task.textObservation,
      maxNewTokens: config.recipe.maxNewTokens,
      temperature: config.recipe.temperature,
      stepsPerIteration: config.recipe.stepsPerIteration,
      thaw: (state) => {
        // The draw of the throwaway initial weights uses a stream of its own: the run's stays untouched.
        const copy = createTransformerPolicy(policyConfig, createRng(0));
        copy.setState(state);
        // With workers > 1 the opponent's moves are shared with the policy's pool too (its weights sent before each).
        return onPoolOf(policy, copy);
      },
    });
  }

  static async create(config: RunConfig, hooks: SessionHooks = {}): Promise<TextGameSession> {
    if (!isTextGameRun(config))
      throw new CodedError('invalid_config', 'a text-LM game run needs task.kind "game", policy.kind "transformer" and recipe.kind "spiral"', [
        { path: 'policy.kind', message: 'must be "transformer" with a game task and SPIRAL' },
      ]);
    checkTextGame(config);
    const env = createGameSet(config.task);
    const tokenizer = textGameTokenizer();
    const rng = createRng(config.seed);
    // Weights get their own stream, as in the other sessions, so collection never changes the initial weights.
    const policyConfig = { ...config.policy, vocabSize: tokenizer.vocabSize, eos: tokenizer.eos };
    const local = createTransformerPolicy(policyConfig, fork(rng, 'policy-init'));
    const recipe = createSpiralRecipe(config.recipe, config.optim);
    try {
      // With workers > 1 every batched move of the games (one row per episode), the warm-up and SPIRAL's steps are shared
      // with a pool (pool/attach.ts), and so is the transfer probe's greedy evaluation; a frozen opponent's moves use the same pool (thaw above).
      const policy = await withPool(local, policyConfig, runWorkersHere(config));
      return new TextGameSession(config, env, tokenizer, policy, transferTask(config.task, tokenizer), recipe, rng, hooks);
    } catch (e) {
      local.dispose();
      throw e;
    }
  }

  /** Iteration 0: the supervised warm-up, the initial policy frozen, then its monitors and scorecard. */
  async warmup(): Promise<Metrics> {
    const t0 = performance.now();
    const steps = this.config.warmup.steps;
    let loss = 0;
    await runWarmup({
      policy: this.policy,
      optim: this.config.optim,
      from: this.warmupStep,
      steps,
      globalStep: () => this.globalStep,
      totalSteps: this.total,
      nextBatch: () => this.warmupBatch(),
      progress: (step) => this.progress('warmup', step, steps),
      checkpoint: () => this.hooks.checkpointWarmup?.(),
      boundary: async () => this.hooks.stepBoundary?.(),
      afterStep: (result, done) => {
        loss = result.loss;
        this.warmupStep = done;
        this.globalStep++;
      },
    });
    this.progress('warmup', steps, steps);
    this.recipe.begin(this.model);
    this.warmupDone = true;
    const t1 = performance.now();
    this.progress('eval', 0, 1);
    const metrics: Metrics = {
      ...gameMonitors(this.env, this.model.player('policy'), this.model.frozenPlayer(this.recipe.initial(), 'fixed'), null),
      ...this.evaluation(),
    };
    this.progress('eval', 1, 1);
    if (steps > 0) metrics['train/loss'] = loss;
    return {
      ...metrics,
      [TRAIN_STEPS]: this.warmupStep,
      'time/train_s': (t1 - t0) / 1000,
      'time/iteration_s': (performance.now() - t0) / 1000,
      ...memoryMetrics(),
    };
  }

  async iterate(iteration: number): Promise<IterationResult> {
    if (!this.warmupDone) throw new Error('TextGameSession.iterate: run warmup() first (iteration 0)');
    const t0 = performance.now();
    const startStep = this.globalStep;
    const result = await this.recipe.play({
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
      Object.assign(metrics, this.evaluation());
      this.progress('eval', 1, 1);
    }
    metrics['train/learning_rate'] = learningRateAt(this.config.optim, startStep, this.total);
    metrics['time/iteration_s'] = (performance.now() - t0) / 1000;
    Object.assign(metrics, memoryMetrics());
    return { metrics, trajectories: result.trajectories };
  }

  /** The scorecard (win rate against a random mover, both seats) and the transfer probe's held-out accuracy. */
  private evaluation(): Metrics {
    const metrics = scorecardMetrics(assessGames(this.env, this.model.player('policy')));
    if (this.arithmetic) {
      const card = evaluate(this.policy, this.arithmetic, { probes: false });
      const n = card.perLevel.reduce((a, r) => a + r.n, 0);
      metrics[TRANSFER_ARITHMETIC_HELDOUT] = n === 0 ? 0 : card.perLevel.reduce((a, r) => a + r.correct, 0) / n;
      metrics[TRANSFER_ARITHMETIC_N] = n;
    }
    return metrics;
  }

  /** One warm-up batch: game moves (observation -> a random legal move) and, with the probe, addition problems. */
  private warmupBatch(): TrainBatch {
    const size = this.config.optim.batchSize;
    const share = this.config.task.transfer?.arithmetic.warmupShare ?? 0;
    const sums = this.arithmetic ? Math.round(size * share) : 0;
    const rows = [
      ...randomMoveExamples(this.env, this.rng, size - sums, this.config.task.textObservation),
      ...(this.arithmetic ? this.arithmetic.warmupBatch(this.rng, sums).map((p) => ({ prompt: p.prompt, answer: p.answer ?? '' })) : []),
    ];
    const t = this.tokenizer;
    const prompts = rows.map((r) => [t.bos, ...t.encode(r.prompt)]);
    return {
      sequences: rows.map((r, i) => [...prompts[i]!, ...t.encode(r.answer), t.eos]),
      targetStart: prompts.map((p) => p.length),
    };
  }

  getState(): TextGameSessionState {
    return {
      family: 'text-game',
      policy: this.policy.getState(),
      rng: this.rng.state(),
      recipe: structuredClone(this.recipe.getState()),
      globalStep: this.globalStep,
      warmupStep: this.warmupStep,
      warmupDone: this.warmupDone,
    };
  }

  setState(state: TextGameSessionState): void {
    if (state?.family !== 'text-game')
      throw new CodedError('invalid_request', 'this checkpoint is not of a text-LM game run; it was made by another kind of session');
    this.policy.setState(state.policy);
    this.rng.setState(state.rng);
    this.recipe.setState(structuredClone(state.recipe));
    this.globalStep = state.globalStep;
    this.warmupStep = state.warmupStep;
    this.warmupDone = state.warmupDone;
  }

  /** Pool workers the run shares its games' moves and training with (1: in process). */
  get workers(): number {
    return this.policy.dataParallel?.workers ?? 1;
  }

  dispose(): void {
    this.model.dispose();
    this.policy.dispose();
  }

  private progress(phase: ProgressPhase, done: number, total: number): void {
    this.hooks.progress?.(phase, done, total);
  }
}
