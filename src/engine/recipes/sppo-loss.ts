/**
 * SPPO's squared loss (Wu et al. 2024; sppo.ts has the recipe), in a file of its own so that a pool worker
 * (pool/pool-worker.ts) computes it without the recipe.
 */
import { tf } from '../tf';
import type { Policy, PreparedBatch } from '../types';

/**
 * SPPO's squared loss on a pair batch (chosen rows [0, P), rejected rows [P, 2P), refLogProbs the iteration's
 * starting policy's): mean over pairs of (r_w - target_w)^2 + (r_l - target_l)^2, r the summed log-ratio and target
 * (P - 1/2) / beta. Keeps the mean chosen and rejected log-ratios.
 */
export function sppoLoss(
  policy: Policy,
  p: PreparedBatch,
  winRates: readonly number[],
  beta: number,
  keep: (name: string, value: tf.Tensor) => void,
): tf.Scalar {
  if (p.batch % 2 !== 0 || p.batch === 0) throw new Error(`an SPPO batch holds chosen then rejected rows, an even number (got ${p.batch})`);
  if (!p.refLogProbs) throw new Error("an SPPO batch needs the iteration's starting log-probs (refLogProbs)");
  if (winRates.length !== p.batch) throw new Error(`sppoLoss: ${winRates.length} win rates for ${p.batch} rows`);
  const pairs = p.batch / 2;
  const mask = tf.tensor2d(p.mask, [p.batch, p.time]);
  const seq = tf.sum(tf.mul(policy.tokenLogProbs(p, true), mask), 1);
  const ref = tf.sum(tf.mul(tf.tensor2d(p.refLogProbs, [p.batch, p.time]), mask), 1);
  const ratio = tf.sub(seq, ref);
  const target = tf.tensor1d(winRates.map((w) => (w - 0.5) / beta));
  const [chosen, rejected] = tf.split(ratio, [pairs, pairs]);
  keep('chosen_logratio', tf.mean(chosen!));
  keep('rejected_logratio', tf.mean(rejected!));
  // Sum of the two squares per pair, averaged over pairs = the sum over rows divided by the pairs.
  return tf.div(tf.sum(tf.square(tf.sub(ratio, target))), pairs) as tf.Scalar;
}
