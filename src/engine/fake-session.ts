import type { RunConfig } from '../shared/config';
import type { Metrics, ProgressPhase } from '../shared/run';
import type { RunnerHooks, RunnerSession } from './runner';
import type { IterationResult, TrajectoryRecord } from './types';
import { HELDOUT_HARDEST, PERF_TOKENS_PER_S, REWARD_MEAN, TRAIN_LOSS } from '../shared/metrics';

/**
 * A tiny stand-in for the real Session, for tests of the store, runner and service: no tensors, but real,
 * seeded state that every step changes (weights, optimiser moments, RNG), so a resume that restored the wrong
 * state gives different metrics.
 */
export interface FakeSessionState {
  weights: Float32Array;
  moments: Float32Array;
  rng: number[];
  level: number;
  globalStep: number;
  warmupDone: boolean;
}

export interface FakeSessionOptions {
  stepsPerIteration?: number;
  /** Called at every step, after the boundary, for tests that act mid-iteration. */
  onStep?(iteration: number, step: number): void | Promise<void>;
  /** Throw at this iteration, to test failures. */
  failAt?: number;
}

function mulberry32(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, s];
}

export class FakeSession implements RunnerSession {
  static disposed = 0;
  private state: FakeSessionState;
  private readonly hooks: RunnerHooks;
  private readonly options: FakeSessionOptions;

  constructor(config: RunConfig, hooks: RunnerHooks, options: FakeSessionOptions = {}) {
    this.hooks = hooks;
    this.options = options;
    this.state = { weights: new Float32Array(8), moments: new Float32Array(8), rng: [config.seed], level: 1, globalStep: 0, warmupDone: false };
  }

  static factory(options: FakeSessionOptions = {}) {
    return async (config: RunConfig, hooks: RunnerHooks): Promise<FakeSession> => new FakeSession(config, hooks, options);
  }

  private random(): number {
    const [value, next] = mulberry32(this.state.rng[0]);
    this.state.rng = [next];
    return value;
  }

  private async steps(iteration: number, phase: ProgressPhase): Promise<void> {
    const n = this.options.stepsPerIteration ?? 3;
    for (let step = 0; step < n; step++) {
      await this.hooks.stepBoundary();
      await this.options.onStep?.(iteration, step);
      for (let i = 0; i < this.state.weights.length; i++) {
        const g = this.random() - 0.5 + this.state.weights[i] * 0.1;
        this.state.moments[i] = 0.9 * this.state.moments[i] + 0.1 * g;
        this.state.weights[i] -= 0.05 * this.state.moments[i];
      }
      this.state.globalStep++;
      this.hooks.progress(phase, step + 1, n);
    }
  }

  private metrics(): Metrics {
    const norm = Math.sqrt(this.state.weights.reduce((s, w) => s + w * w, 0));
    const acc = 1 / (1 + norm);
    return {
      'heldout/acc_d1': acc,
      [HELDOUT_HARDEST]: acc * this.random(),
      [TRAIN_LOSS]: norm,
      [REWARD_MEAN]: this.random(),
      [PERF_TOKENS_PER_S]: Math.random() * 1000,
    };
  }

  async warmup(): Promise<Metrics> {
    await this.steps(0, 'warmup');
    this.state.warmupDone = true;
    return this.metrics();
  }

  async iterate(iteration: number): Promise<IterationResult> {
    if (this.options.failAt === iteration) throw new Error(`fake failure at iteration ${iteration}`);
    await this.steps(iteration, 'train');
    const trajectories: TrajectoryRecord[] = [0, 1, 2, 3].map((i) => {
      const correct = this.random() > 0.5;
      return {
        level: this.state.level,
        prompt: `${iteration}+${i}=`,
        output: String(iteration + i + (correct ? 0 : 1)),
        answer: String(iteration + i),
        reward: correct ? 1 : 0,
        correct,
        kept: i % 2 === 0,
        verdict: correct ? 'correct' : 'wrong',
      };
    });
    if (iteration % 2 === 0) this.state.level++;
    return { metrics: this.metrics(), trajectories };
  }

  getState(): FakeSessionState {
    return { ...this.state, weights: this.state.weights.slice(), moments: this.state.moments.slice(), rng: [...this.state.rng] };
  }

  setState(state: FakeSessionState): void {
    this.state = { ...state, weights: state.weights.slice(), moments: state.moments.slice(), rng: [...state.rng] };
  }

  dispose(): void {
    FakeSession.disposed++;
  }
}
