/**
 * The supervised warm-up's loop, shared by the text session and the text-game session: from a resumable step to
 * the last, one likelihood step per batch at the run's learning-rate schedule, with a checkpoint every
 * WARMUP_CHECKPOINT_EVERY steps and the off switch's step boundary before each. The sessions keep their own state
 * (step, global step, losses) and update it in `afterStep`.
 */
import type { OptimConfig } from '../shared/config';
import type { WarmupProgress } from './core/agent';
import { likelihoodStep } from './recipes/likelihood';
import { learningRateAt, warmupTraceEvery } from './session-schedule';
import type { Policy, TrainBatch } from './types';

/** How often a long warm-up is checkpointed: the runner saves the session's state so a kill resumes from there. */
export const WARMUP_CHECKPOINT_EVERY = 200;

export interface WarmupLoop {
  policy: Policy;
  optim: OptimConfig;
  /** The step to start from (a resumed warm-up's) and the number of steps. */
  from: number;
  steps: number;
  /** The learning-rate schedule's current global step and its length. */
  globalStep: () => number;
  totalSteps: number;
  /** The next batch; null ends the warm-up early (a task with no supervised examples). */
  nextBatch: () => TrainBatch | null;
  progress: (step: number) => void;
  checkpoint?: () => void;
  boundary?: () => Promise<void>;
  /** After each step: its result and the number of steps now done. */
  afterStep: (result: { loss: number; tokens: number }, done: number) => void;
}

export async function runWarmup(loop: WarmupLoop): Promise<void> {
  for (let step = loop.from; step < loop.steps; step++) {
    loop.progress(step);
    if (step > 0 && step % WARMUP_CHECKPOINT_EVERY === 0) loop.checkpoint?.();
    await loop.boundary?.();
    const batch = loop.nextBatch();
    if (batch === null) break;
    const result = likelihoodStep(loop.policy, batch, {
      learningRate: learningRateAt(loop.optim, loop.globalStep(), loop.totalSteps),
      gradClip: loop.optim.gradClip,
    });
    loop.afterStep(result, step + 1);
  }
}

/** The last steps' losses, whose mean is the warm-up's reported loss (less noisy than the last step alone). */
const WARMUP_LOSS_WINDOW = 20;

/** The mean of the warm-up's loss window, or undefined before its first step. */
export const meanOf = (xs: readonly number[]): number | undefined => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * The text session's record of a warm-up step in its resumable progress: the running losses, the steps trained, the
 * tokens, the step reached, and the loss curve kept with the run (one point every warmupTraceEvery(steps) steps and
 * at the last, so a long warm-up stores no more than a short one).
 */
export function recordWarmupStep(progress: WarmupProgress, result: { loss: number; tokens: number }, done: number, steps: number): void {
  progress.losses = [...progress.losses.slice(1 - WARMUP_LOSS_WINDOW), result.loss];
  progress.trained++;
  progress.tokens += result.tokens;
  progress.step = done;
  const trace = (progress.trace ??= { steps: [], loss: [] });
  if (done % warmupTraceEvery(steps) === 0 || done === steps) {
    trace.steps.push(done);
    trace.loss.push(meanOf(progress.losses)!);
  }
}
