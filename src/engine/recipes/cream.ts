/**
 * CREAM's consistency regularisation (Wang et al. 2025, "CREAM: Consistency Regularized Self-Rewarding Language
 * Models", Raibows/CREAM): how far two rankings of the same samples agree, and the DPO loss that trusts a
 * self-made preference only as far as they do.
 *
 *   tau   = Kendall's tau-b between the current model's ranking (its DPO implicit reward) and the previous
 *           iteration's model's ranking (its length-normalised log-likelihood) of one prompt's samples;
 *   C     = (tau + 1) / 2, per prompt ("sample") or averaged over the iteration's prompts ("set");
 *   loss  = C * DPO(chosen, rejected) + (1 - C) * DPO(rejected, chosen): label smoothing by consistency.
 *
 * tau-b rather than tau-a because samples repeat: two identical answers tie in both rankings, and tau-b leaves tied
 * pairs out of both the numerator and the normaliser (as scipy.stats.kendalltau, which CREAM's code calls, does).
 */
import { tf } from '../tf';
import type { Policy, PreparedBatch } from '../types';
import { softplus } from './dpo-loss';

/**
 * Kendall's tau-b of two score lists over the same items: (concordant - discordant) / sqrt((n0 - tiesX)(n0 - tiesY)),
 * n0 the number of pairs, tiesX the pairs tied in x (tied in both counted in both). 0 when either list is all ties
 * (scipy gives NaN there; 0 means "no evidence either way", so C = 1/2 and the loss and its reverse cancel).
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error(`kendallTauB: the two rankings score different numbers of items (${x.length} and ${y.length})`);
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++;
        else discordant++;
      }
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiesX) * (pairs - tiesY));
  return denominator === 0 ? 0 : (concordant - discordant) / denominator;
}

export type ConsistencyMode = 'none' | 'sample' | 'set';

/**
 * The weight C of each pair from its prompt's tau: (tau + 1) / 2 per prompt ("sample"), their mean over the
 * iteration's prompts ("set", CREAM's dataset-level variant, over every prompt that was ranked, paired or not), or 1
 * ("none": plain self-rewarding DPO). `pairTau[i]` is the tau of pair i's prompt, `allTau` that of every prompt.
 */
export function consistencyWeights(mode: ConsistencyMode, pairTau: readonly number[], allTau: readonly number[]): number[] {
  if (mode === 'none') return pairTau.map(() => 1);
  if (mode === 'sample') return pairTau.map((t) => (t + 1) / 2);
  const mean = allTau.length === 0 ? 0 : allTau.reduce((a, b) => a + b, 0) / allTau.length;
  return pairTau.map(() => (mean + 1) / 2);
}

/**
 * The consistency-weighted DPO loss on a pair batch laid out as dpoLoss reads it (chosen rows [0, P), rejected rows
 * [P, 2P), refLogProbs the reference's): mean over pairs of C softplus(-z) + (1 - C) softplus(z), z = beta *
 * [(logpi - logref)(w) - (logpi - logref)(l)]. With `nllWeight` > 0 it adds that times a per-token NLL on each pair's
 * answers weighted the same way, C on the chosen and 1 - C on the rejected (our extension of Iterative RPO's NLL on
 * the chosen answer: a pair CREAM half-trusts should not have its chosen answer fully imitated). Keeps the DPO
 * monitors dpoLoss keeps, `dpo` being the weighted DPO term.
 */
export function creamDpoLoss(
  policy: Policy,
  p: PreparedBatch,
  weights: readonly number[],
  beta: number,
  nllWeight: number,
  keep: (name: string, value: tf.Tensor) => void,
): tf.Scalar {
  if (p.batch % 2 !== 0 || p.batch === 0) throw new Error(`a DPO batch holds chosen then rejected rows, an even number (got ${p.batch})`);
  if (!p.refLogProbs) throw new Error('a DPO batch needs the reference log-probs (refLogProbs)');
  const pairs = p.batch / 2;
  if (weights.length !== pairs) throw new Error(`creamDpoLoss: ${weights.length} consistency weights for ${pairs} pairs`);
  const mask = tf.tensor2d(p.mask, [p.batch, p.time]);
  const seq = tf.sum(tf.mul(policy.tokenLogProbs(p, true), mask), 1) as tf.Tensor1D;
  const ref = tf.sum(tf.mul(tf.tensor2d(p.refLogProbs, [p.batch, p.time]), mask), 1) as tf.Tensor1D;
  const ratio = tf.sub(seq, ref);
  const [chosen, rejected] = tf.split(ratio, [pairs, pairs]) as [tf.Tensor1D, tf.Tensor1D];
  const z = tf.mul(tf.sub(chosen, rejected), beta);
  const c = tf.tensor1d(weights as number[]);
  const dpo = tf.mean(tf.add(tf.mul(c, softplus(tf.neg(z))), tf.mul(tf.sub(1, c), softplus(z)))) as tf.Scalar;
  keep('dpo', dpo);
  keep('chosen_logratio', tf.mean(chosen));
  keep('rejected_logratio', tf.mean(rejected));
  keep('margin', tf.mean(z));
  keep('accuracy', tf.mean(tf.cast(tf.greater(z, 0), 'float32')));
  if (!nllWeight) return dpo;
  // Per-row weights: C for a chosen row, 1 - C for its rejected row; normalised by the weighted token count.
  const rowWeights = [...weights, ...weights.map((w) => 1 - w)];
  let tokens = 0;
  for (let b = 0; b < p.batch; b++) tokens += rowWeights[b]! * p.mask.subarray(b * p.time, (b + 1) * p.time).reduce((a, v) => a + v, 0);
  const nll = tf.div(tf.neg(tf.sum(tf.mul(seq, tf.tensor1d(rowWeights)))), Math.max(tokens, 1e-6));
  return tf.add(dpo, tf.mul(nll, nllWeight)) as tf.Scalar;
}
