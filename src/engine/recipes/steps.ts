/**
 * The training half of an iteration as the policy-gradient and preference recipes run it (GRPO, SPO and the
 * reward-model baseline, DPO, Self-Rewarding and CREAM, SPPO): `steps` optimiser steps of the recipe's loss on one
 * batch, then `replaySteps` likelihood steps on replay (likelihood.ts's trainOnReplay). Every step reports progress,
 * waits at the step boundary (pause, stop), takes the scheduled learning rate of its place in the run and clips at
 * optim.gradClip; the recipe keeps only its loss and what it sums.
 */
import { trainStep, type Objective, type StepResult } from '../core/train-step';
import type { tf } from '../tf';
import type { PreparedBatch, RecipeContext, TrainBatch } from '../types';
import { trainOnReplay } from './likelihood';

export interface IterationTraining {
  /** Steps of the recipe's loss on the batch. */
  steps: number;
  /** Likelihood steps on replay after them (the recipe's round(steps * replayWarmup)). */
  replaySteps: number;
  /** The recipe's loss on the batch as the policy prepared it; `keep` reports a scalar by name (StepResult.aux). */
  loss: (p: PreparedBatch, keep: Parameters<Objective>[0]) => tf.Scalar;
  /** Sees each step of the loss (its result and the prepared batch), for the recipe's sums. */
  onStep?: (result: StepResult, p: PreparedBatch) => void;
}

export interface IterationTrained {
  /** All steps taken, the loss's and replay's. */
  steps: number;
  /** Steps of the loss (0 when there was no batch): what the recipe's sums are divided by. */
  lossSteps: number;
  /** Tokens the replay steps trained on. */
  replayTokens: number;
}

/**
 * Trains one iteration: the loss's steps on `batch`, none when it is null (nothing this iteration gave a signal),
 * then the replay steps, numbered after them for progress and the learning-rate schedule.
 */
export async function trainIteration(
  ctx: RecipeContext,
  optim: { batchSize: number; gradClip: number },
  batch: TrainBatch | null,
  plan: IterationTraining,
): Promise<IterationTrained> {
  const totalSteps = plan.steps + plan.replaySteps;
  let step = 0;
  if (batch) {
    for (; step < plan.steps; step++) {
      ctx.progress('train', step, totalSteps);
      await ctx.stepBoundary();
      const p = ctx.policy.prepare(batch);
      const result = trainStep(ctx.policy.trainable, (keep) => plan.loss(p, keep), {
        learningRate: ctx.learningRate(ctx.globalStep + step),
        gradClip: optim.gradClip,
      });
      plan.onStep?.(result, p);
    }
  }
  const replayTokens = await trainOnReplay(ctx, optim, plan.replaySteps, step, totalSteps);
  ctx.progress('train', totalSteps, totalSteps);
  return { steps: step + plan.replaySteps, lossSteps: step, replayTokens };
}
