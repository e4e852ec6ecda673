/**
 * The DPO loss (Rafailov et al. 2023, "Direct Preference Optimization: Your Language Model is Secretly a Reward
 * Model"), on sequence log-probs summed over the answer tokens:
 *
 *   loss = -mean over pairs of log sigmoid(beta * [(logpi(w) - logref(w)) - (logpi(l) - logref(l))])
 *
 * with w the chosen and l the rejected answer to the same prompt and ref the frozen reference policy. The implicit
 * reward of an answer is beta * (logpi - logref); `margin` is its mean difference chosen - rejected, `accuracy`
 * the share of pairs whose chosen answer has the higher implicit reward.
 */
import { tf } from '../tf';
import type { Policy, PreparedBatch } from '../types';

export interface DpoTerms {
  loss: tf.Scalar;
  /** Mean over pairs of logpi(w) - logref(w). */
  chosenLogRatio: tf.Scalar;
  /** Mean over pairs of logpi(l) - logref(l). */
  rejectedLogRatio: tf.Scalar;
  /** Mean over pairs of beta times the difference of the two log-ratios. */
  margin: tf.Scalar;
  /** Share of pairs with a positive margin. */
  accuracy: tf.Scalar;
}

/**
 * softplus(x) = log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), stable for large |x|; written with ops the engine has
 * gradients for (tf-gradients.ts registers none for Softplus, Abs or Log1p). -log sigmoid(z) = softplus(-z).
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  const hi = tf.maximum(x, 0);
  const negAbs = tf.sub(tf.minimum(x, 0), hi);
  return tf.add(hi, tf.log(tf.add(tf.exp(negAbs), 1)));
}

/** DPO on sequence log-probs, each a [pairs] tensor. */
export function dpoTerms(policyChosen: tf.Tensor1D, policyRejected: tf.Tensor1D, refChosen: tf.Tensor1D, refRejected: tf.Tensor1D, beta: number): DpoTerms {
  const chosen = tf.sub(policyChosen, refChosen);
  const rejected = tf.sub(policyRejected, refRejected);
  const logits = tf.mul(tf.sub(chosen, rejected), beta);
  return {
    loss: tf.mean(softplus(tf.neg(logits))) as tf.Scalar,
    chosenLogRatio: tf.mean(chosen) as tf.Scalar,
    rejectedLogRatio: tf.mean(rejected) as tf.Scalar,
    margin: tf.mean(logits) as tf.Scalar,
    accuracy: tf.mean(tf.cast(tf.greater(logits, 0), 'float32')) as tf.Scalar,
  };
}

/**
 * The DPO loss on a pair batch: rows [0, P) are the chosen answers and rows [P, 2P) the rejected ones, in the same
 * pair order, with `refLogProbs` the reference policy's per-token log-probs. `nllWeight` adds that times the
 * per-token negative log-likelihood of the chosen answers (Pang et al. 2024, Iterative Reasoning Preference
 * Optimization), 0 for plain DPO. Keeps `chosen_logratio`, `rejected_logratio`, `margin`, `accuracy` and `dpo`
 * (the DPO term alone) for the metrics.
 */
export function dpoLoss(policy: Policy, p: PreparedBatch, beta: number, nllWeight: number, keep: (name: string, value: tf.Tensor) => void): tf.Scalar {
  if (p.batch % 2 !== 0 || p.batch === 0) throw new Error(`a DPO batch holds chosen then rejected rows, an even number (got ${p.batch})`);
  if (!p.refLogProbs) throw new Error('a DPO batch needs the reference log-probs (refLogProbs)');
  const pairs = p.batch / 2;
  const mask = tf.tensor2d(p.mask, [p.batch, p.time]);
  const lp = policy.tokenLogProbs(p, true);
  const seq = tf.sum(tf.mul(lp, mask), 1) as tf.Tensor1D;
  const ref = tf.sum(tf.mul(tf.tensor2d(p.refLogProbs, [p.batch, p.time]), mask), 1) as tf.Tensor1D;
  const [policyChosen, policyRejected] = tf.split(seq, [pairs, pairs]) as [tf.Tensor1D, tf.Tensor1D];
  const [refChosen, refRejected] = tf.split(ref, [pairs, pairs]) as [tf.Tensor1D, tf.Tensor1D];
  const terms = dpoTerms(policyChosen, policyRejected, refChosen, refRejected, beta);
  keep('dpo', terms.loss);
  keep('chosen_logratio', terms.chosenLogRatio);
  keep('rejected_logratio', terms.rejectedLogRatio);
  keep('margin', terms.margin);
  keep('accuracy', terms.accuracy);
  if (!nllWeight) return terms.loss;
  const chosenTokens = p.mask.subarray(0, pairs * p.time).reduce((a, b) => a + b, 0);
  const nll = tf.div(tf.neg(tf.sum(policyChosen)), Math.max(chosenTokens, 1));
  return tf.add(terms.loss, tf.mul(nll, nllWeight)) as tf.Scalar;
}
