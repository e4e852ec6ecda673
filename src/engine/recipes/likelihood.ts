/**
 * The weighted log-likelihood loss: -sum_t w_b log pi(y_t | y_<t) / tokens over the trained positions. With weight 1
 * it is supervised fine-tuning (the warm-up, STaR/ReST's fine-tuning on kept samples, replay); with an advantage
 * as the weight it is the plain policy-gradient surrogate. On a policy with a worker pool (pool/pooled-policy.ts) the
 * step is data-parallel: each worker returns the gradient of its shard's summed loss, the host adds them and divides
 * once by the global batch's token count, then takes the one shared clip + optimiser step.
 */
import { applyGradients, trainStep, type StepOptions } from '../core/train-step';
import { tf } from '../tf';
import type { Policy, PreparedBatch, RecipeContext, TrainBatch } from '../types';
import { replayBatch } from './rollout';

/**
 * -sum_t w_b log pi(y_t | y_<t) over the trained positions, not yet divided by their count (what a pool worker sums).
 * `keepNll`, when given, sees the unweighted sum -sum_t log pi (a pool worker reports it for SPIRAL's entropy estimate).
 */
export function likelihoodSum(policy: Policy, p: PreparedBatch, keepNll?: (nll: tf.Scalar) => void): tf.Scalar {
  const mask = tf.tensor2d(p.mask, [p.batch, p.time]);
  const weights = tf.tensor2d(p.weights, [p.batch, 1]);
  const lp = policy.tokenLogProbs(p, true);
  keepNll?.(tf.neg(tf.sum(tf.mul(lp, mask))) as tf.Scalar);
  return tf.neg(tf.sum(tf.mul(tf.mul(lp, weights), mask))) as tf.Scalar;
}

export function likelihoodLoss(policy: Policy, p: PreparedBatch): tf.Scalar {
  return tf.div(likelihoodSum(policy, p), Math.max(p.tokens, 1)) as tf.Scalar;
}

/** One optimiser step of likelihood training on `batch`; its loss and the tokens it trained on. */
export function likelihoodStep(policy: Policy, batch: TrainBatch, options: StepOptions): { loss: number; gradNorm: number; tokens: number } {
  const parallel = policy.dataParallel;
  if (parallel && batch.sequences.length >= 2) {
    const { lossSum, tokens, grads } = parallel.likelihoodGradients(batch);
    const scale = 1 / Math.max(tokens, 1);
    for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i] *= scale;
    const { gradNorm } = applyGradients(policy.trainable, grads, options);
    return { loss: lossSum * scale, gradNorm, tokens };
  }
  const p = policy.prepare(batch);
  const { loss, gradNorm } = trainStep(policy.trainable, () => likelihoodLoss(policy, p), options);
  return { loss, gradNorm, tokens: p.tokens };
}

/**
 * `n` likelihood steps on replay batches (warm-up data with the agent's memory exemplars), numbered `from` on of the
 * iteration's `total` steps for progress and the learning-rate schedule; the tokens they trained on.
 */
export async function trainOnReplay(
  ctx: RecipeContext,
  optim: { batchSize: number; gradClip: number },
  n: number,
  from: number,
  total: number,
): Promise<number> {
  let tokens = 0;
  for (let step = from; step < from + n; step++) {
    ctx.progress('train', step, total);
    await ctx.stepBoundary();
    tokens += likelihoodStep(ctx.policy, replayBatch(ctx, optim.batchSize), {
      learningRate: ctx.learningRate(ctx.globalStep + step),
      gradClip: optim.gradClip,
    }).tokens;
  }
  return tokens;
}
