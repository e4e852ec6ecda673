/**
 * The seam between SPIRAL (recipes/spiral.ts) and the model that plays: a small port. SPIRAL collects games,
 * computes role-conditioned advantages, drops zero-advantage moves and reports the monitors the same way whichever
 * model family plays; what differs is how a move is chosen (a softmax over the legal action ids of a numeric
 * observation, or text sampled from the game's text observation), how a frozen copy is kept, and the loss of a
 * kept move (-A log pi(a|s) over the legal actions, or -A sum_t log pi(token_t)). This file holds the port and its
 * policy-value MLP side; the text LM's side is recipes/spiral-text.ts.
 */
import type { SpiralRecipeConfig } from '../../shared/recipes/spiral';
import { trainStep } from '../core/train-step';
import { policyPlayer, type LogitsFn, type Player, type TracedMove } from '../environments/games/arena';
import { freezeMlp, frozenLogits, type FrozenMlp } from '../policies/frozen-mlp';
import { tf } from '../tf';
import type { PolicyValueModel } from '../types';

/** A traced move with its advantage and its seat's return. */
export interface AdvantagedMove {
  move: TracedMove;
  advantage: number;
  ret: number;
}

/** What one iteration's update did. */
export interface TrainStats {
  loss: number;
  steps: number;
  entropy: number;
  gradNorm: number;
}

/** What the update needs from the session: the schedule and the clip. */
export interface TrainContext {
  globalStep: number;
  learningRate(step: number): number;
  gradClip: number;
  progress(phase: 'train', done: number, total: number): void;
}

/** A model as SPIRAL drives it. Frozen copies are plain data: they live in the recipe's state and its checkpoint. */
export interface SpiralModel {
  /** The live policy as a player (its moves sampled with the stream it is given). */
  player(name: string): Player;
  /** The current weights, copied as plain data. */
  freeze(): unknown;
  /** A frozen copy as a player. */
  frozenPlayer(frozen: unknown, name: string): Player;
  /** `stepsPerIteration` gradient steps of SPIRAL's loss on the kept moves (advantage non-zero). */
  train(kept: AdvantagedMove[], ctx: TrainContext): TrainStats;
  /** Action logits of numeric observations, where the model has them (Kuhn Poker's exact exploitability reads them). */
  readonly logits: LogitsFn | null;
}

/** Added to an illegal action's logit: its probability is 0 to float precision, its gradient 0. */
const ILLEGAL_LOGIT = -1e9;

/** The policy-value MLP as SPIRAL's model: moves from the softmax over the legal actions. */
export function mlpSpiralModel(model: PolicyValueModel, config: SpiralRecipeConfig): SpiralModel {
  const logits: LogitsFn = (v) => model.evaluate(v).logits;
  return {
    logits,
    player: (name) => policyPlayer(name, logits),
    freeze: () => freezeMlp(model.getState()),
    frozenPlayer: (frozen, name) => policyPlayer(name, (v) => frozenLogits(frozen as FrozenMlp, v)),
    train: (kept, ctx) => trainMlp(model, config, kept, ctx),
  };
}

function trainMlp(model: PolicyValueModel, config: SpiralRecipeConfig, samples: AdvantagedMove[], ctx: TrainContext): TrainStats {
  if (samples.length === 0) return { loss: 0, steps: 0, entropy: 0, gradNorm: 0 };
  const size = model.inputSize;
  const flat = new Float32Array(samples.length * size);
  samples.forEach((s, i) => flat.set(s.move.vector, i * size));
  const observations = tf.tensor2d(flat, [samples.length, size]);
  const actions = tf.tensor1d(Int32Array.from(samples.map((s) => s.move.action)), 'int32');
  const advantages = tf.tensor1d(Float32Array.from(samples.map((s) => s.advantage)));
  const returns = tf.tensor1d(Float32Array.from(samples.map((s) => s.ret)));
  // The moves were sampled from the softmax over the legal actions: the log-probabilities are of that softmax.
  const maskData = new Float32Array(samples.length * model.numActions).fill(ILLEGAL_LOGIT);
  samples.forEach((s, i) => s.move.legal.forEach((a) => (maskData[i * model.numActions + a] = 0)));
  const mask = tf.tensor2d(maskData, [samples.length, model.numActions]);
  const sums = { loss: 0, entropy: 0, gradNorm: 0 };
  try {
    for (let k = 0; k < config.stepsPerIteration; k++) {
      ctx.progress('train', k, config.stepsPerIteration);
      const step = trainStep(
        model.trainable,
        (keep) => {
          const { logits, value } = model.forward(observations);
          const logp = tf.logSoftmax(tf.add(logits, mask));
          const taken = tf.sum(tf.mul(logp, tf.oneHot(actions, model.numActions)), 1);
          const pg = tf.neg(tf.mean(tf.mul(taken, advantages)));
          // Entropy of the legal-move softmax (an illegal action's probability underflows to 0).
          const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)));
          const valueLoss = tf.mean(tf.square(tf.sub(returns, value)));
          keep('entropy', entropy);
          return tf.add(tf.sub(pg, tf.mul(entropy, config.entropyCoef)), tf.mul(valueLoss, config.valueCoef)) as tf.Scalar;
        },
        { learningRate: ctx.learningRate(ctx.globalStep + k), gradClip: ctx.gradClip },
      );
      sums.loss += step.loss;
      sums.entropy += step.aux.entropy!;
      sums.gradNorm += step.gradNorm;
    }
  } finally {
    observations.dispose();
    actions.dispose();
    advantages.dispose();
    returns.dispose();
    mask.dispose();
  }
  const n = config.stepsPerIteration;
  return { loss: sums.loss / n, steps: n, entropy: sums.entropy / n, gradNorm: sums.gradNorm / n };
}
