/**
 * The homeostatic learner of "Need is All You Need: Homeostatic Neural Networks Adapt to Concept Shift" (Man,
 * Damasio and Neven 2022), as the authors' code does it (lrh.py of kingsonman/homeostatic-neural-networks): the
 * classifier has a stake in its own predictions, because the classes it sees change its own learning rate.
 *
 * At every example i whose position in the epoch satisfies i > memory and i % interval == 0 (i = 30, 40, ... with the
 * paper's 20 and 10), before the minibatch's update:
 * 1. the pending gradient is the one accumulated so far in the minibatch: the summed cross-entropy gradients of the
 *    minibatch's examples up to and including i, divided by the minibatch size m (with m = interval = 10, i is the
 *    first example of its minibatch, so this is that one example's gradient / m);
 * 2. "leave it": the weights after a step of eta along it; "take it": after a step of eta +- eta_0 * stepFraction,
 *    + when the class *predicted* for example i is excitatory (>= excitatoryFrom), - when inhibitory, 1e-8 if that
 *    is below zero;
 * 3. both are scored by accuracy on the `memory` examples just before i in the epoch (positions i - memory .. i - 1,
 *    under their current labels);
 * 4. if "take it" scores strictly higher, eta moves by the step in the direction of example i's *true* class (so a
 *    misclassified example moves it the wrong way), and becomes 1e-8 if it fell below zero.
 * The minibatch's update then uses the eta that results (plain SGD, stream-learner.ts).
 *
 * Differences from the authors' code: the forward pass and gradients are TensorFlow.js in float32 (numpy float64
 * there); a minibatch's examples are classified in one batch before its update, which is what the per-example loop
 * computes too (the weights change only at the end of the minibatch); random draws come from the run's seeded
 * stream. The rule itself (positions, memory, step, strict comparison, predicted vs true direction, the clip) is theirs.
 */
import type { HomeostaticLrRecipeConfig, OptimConfig } from '../../shared/config';
import type { ExampleBatch } from '../environments/class-stream';
import { tf } from '../tf';
import type { ClassifierModel, ClassStreamRecipe } from '../types';
import { createStreamLearner, crossEntropy, MIN_ETA } from './stream-learner';

/** Whether the rule looks at the example at this position of the epoch. */
export function checksAt(position: number, config: Pick<HomeostaticLrRecipeConfig, 'interval' | 'memory'>): boolean {
  return position > config.memory && position % config.interval === 0;
}

/** One decision of the rule: the rate "take it" simulates, and eta after the decision. */
export function homeostaticDecision(input: {
  eta: number;
  step: number;
  excitatoryFrom: number;
  guess: number;
  label: number;
  /** Accuracy on the memory after a step at eta ("leave it") and at the simulated rate ("take it"). */
  leaveAccuracy: (eta: number) => number;
  takeAccuracy: (lr: number) => number;
}): { simulated: number; eta: number; took: boolean } {
  let simulated = input.eta + (input.guess >= input.excitatoryFrom ? input.step : -input.step);
  if (simulated < 0) simulated = MIN_ETA;
  const leave = input.leaveAccuracy(input.eta);
  const take = input.takeAccuracy(simulated);
  if (!(take > leave)) return { simulated, eta: input.eta, took: false };
  let eta = input.eta + (input.label >= input.excitatoryFrom ? input.step : -input.step);
  if (eta < 0) eta = MIN_ETA;
  return { simulated, eta, took: true };
}

/** The accumulated gradient of the first `count` rows of a batch, summed and divided by m, by weight name. */
export function pendingGradient(model: ClassifierModel, batch: ExampleBatch, count: number, m: number): Record<string, tf.Tensor> {
  const names = Object.keys(model.trainable.variables);
  const vars = names.map((n) => model.trainable.variables[n]!);
  return tf.tidy(() => {
    const x = tf.tensor2d(batch.x.subarray(0, count * model.inputSize), [count, model.inputSize]);
    const y = tf.tensor1d(batch.labels.subarray(0, count), 'int32');
    // mean over the `count` rows x count / m = the sum of their losses / m.
    const { value, grads } = tf.variableGrads(() => tf.mul(crossEntropy(model, x, y), count / m) as tf.Scalar, vars);
    value.dispose();
    return Object.fromEntries(names.map((n, i) => [n, grads[vars[i]!.name]!]));
  });
}

/** Accuracy on `memory` of the weights after a step of `lr` along `gradient` (the weights themselves unchanged). */
export function simulatedAccuracy(model: ClassifierModel, gradient: Record<string, tf.Tensor>, lr: number, memory: ExampleBatch): number {
  const weights = tf.tidy(() => {
    const vars = model.trainable.variables;
    return Object.fromEntries(Object.keys(vars).map((n) => [n, tf.sub(vars[n]!, tf.mul(gradient[n]!, lr))]));
  });
  try {
    const predicted = model.predict(memory, weights);
    let correct = 0;
    for (let i = 0; i < memory.n; i++) if (predicted[i] === memory.labels[i]) correct += 1;
    return correct / Math.max(1, memory.n);
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
}

export function createHomeostaticLrRecipe(config: HomeostaticLrRecipeConfig, _optim: OptimConfig): ClassStreamRecipe {
  const step = config.learningRate * config.stepFraction;
  return createStreamLearner(config, {
    adjust(eta, { batch, guesses, ctx }) {
      let out = eta;
      batch.positions.forEach((i, k) => {
        if (!checksAt(i, config)) return;
        const memory = ctx.stream.examples(Array.from({ length: config.memory }, (_, j) => i - config.memory + j));
        const gradient = pendingGradient(ctx.model, batch, k + 1, config.batchSize);
        try {
          const score = (lr: number) => simulatedAccuracy(ctx.model, gradient, lr, memory);
          out = homeostaticDecision({
            eta: out,
            step,
            excitatoryFrom: config.excitatoryFrom,
            guess: guesses[k]!,
            label: batch.labels[k]!,
            leaveAccuracy: score,
            takeAccuracy: score,
          }).eta;
        } finally {
          for (const t of Object.values(gradient)) t.dispose();
        }
      });
      return out;
    },
  });
}
