/**
 * The training half of an iteration as the policy-gradient and preference recipes run it (GRPO, SPO and the
 * reward-model baseline, DPO, Self-Rewarding and CREAM, SPPO): `steps` optimiser steps of the recipe's loss on one
 * batch, then `replaySteps` likelihood steps on replay (likelihood.ts's trainOnReplay). Every step reports progress,
 * waits at the step boundary (pause, stop), takes the scheduled learning rate of its place in the run and clips at
 * optim.gradClip; the recipe keeps only its loss and what it sums.
 */
import { applyGradients, trainStep, type Objective, type StepOptions, type StepResult, type Trainable } from '../core/train-step';
import type { tf } from '../tf';
import type { DataParallel, PairLoss, PreparedBatch, RecipeContext, TrainBatch } from '../types';
import { trainOnReplay } from './likelihood';

export interface IterationTraining {
  /** Steps of the recipe's loss on the batch. */
  steps: number;
  /** Likelihood steps on replay after them (the recipe's round(steps * replayWarmup)). */
  replaySteps: number;
  /** The recipe's loss on the batch as the policy prepared it; `keep` reports a scalar by name (StepResult.aux). */
  loss: (p: PreparedBatch, keep: Parameters<Objective>[0]) => tf.Scalar;
  /**
   * The same loss as a pool worker computes it (pool/protocol.ts's loss specs), so that on a policy with a worker
   * pool the steps are data-parallel; absent: the loss always trains in process.
   */
  parallel?: ParallelLoss;
  /** Sees each step of the loss (its result and the prepared batch), for the recipe's sums. */
  onStep?: (result: StepResult, p: PreparedBatch) => void;
}

/** The losses a worker pool computes: GRPO's surrogate (grpo.ts) or a preference recipe's pair loss (pair-loss.ts). */
export type ParallelLoss = { kind: 'grpo'; clipEpsilon: number; klBeta: number } | PairLoss;

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
      const options = { learningRate: ctx.learningRate(ctx.globalStep + step), gradClip: optim.gradClip };
      const parallel = ctx.policy.dataParallel;
      const result =
        parallel && plan.parallel && batch.sequences.length >= 2
          ? parallelStep(ctx.policy.trainable, parallel, batch, plan.parallel, options)
          : trainStep(ctx.policy.trainable, (keep) => plan.loss(p, keep), options);
      plan.onStep?.(result, p);
    }
  }
  const replayTokens = await trainOnReplay(ctx, optim, plan.replaySteps, step, totalSteps);
  ctx.progress('train', totalSteps, totalSteps);
  return { steps: step + plan.replaySteps, lossSteps: step, replayTokens };
}

/**
 * One step data-parallel. GRPO: the workers' token sums over the global token count; a pair loss: the sum of the
 * workers' shares. Then the one shared clip + optimiser step.
 */
function parallelStep(model: Trainable, parallel: DataParallel, batch: TrainBatch, loss: ParallelLoss, options: StepOptions): StepResult {
  if (loss.kind !== 'grpo') {
    const out = parallel.pairGradients(batch, loss);
    const { gradNorm } = applyGradients(model, out.grads, options);
    return { loss: out.loss, gradNorm, aux: out.aux };
  }
  const { lossSum, tokens, grads, klSum } = parallel.grpoGradients(batch, loss.clipEpsilon, loss.klBeta);
  const scale = 1 / Math.max(tokens, 1);
  for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i] *= scale;
  const { gradNorm } = applyGradients(model, grads, options);
  return { loss: lossSum * scale, gradNorm, aux: klSum === null ? {} : { kl: klSum * scale } };
}
