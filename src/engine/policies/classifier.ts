/**
 * The classifier of the classifier model family: an MLP from an example's features to one logit per class (softmax
 * on top gives the class probabilities), the homeostatic paper's 784-80-60-10 with ELU by default (Man, Damasio and
 * Neven 2022; the input and output sizes come from the data). It computes; it owns no loss: the learners build
 * theirs from `logits` and train `trainable` with the shared step (core/train-step.ts), here with plain SGD
 * (policies/sgd.ts), the paper's optimiser.
 *
 * Initialisation as the authors' code: weights normal with std sqrt(2 / fan_in), biases standard normal; every draw
 * from the run's random stream, so the initial weights replay from the seed. `logits` also takes other weights of
 * the same shapes: what a learner that simulates an update before taking it (the homeostatic one) scores.
 */
import type { ClassifierPolicyConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { Trainable } from '../core/train-step';
import { tf } from '../tf';
import type { ClassifierModel, PolicyState, Rng } from '../types';
import { linear } from './ops';
import { Sgd } from './sgd';

type WeightData = Record<string, { shape: number[]; data: Float32Array }>;
export type ClassifierConfig = Omit<ClassifierPolicyConfig, 'kind'> & { kind?: 'classifier'; inputSize: number; numClasses: number };

function shapes(c: ClassifierConfig): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  let fanIn = c.inputSize;
  [...c.hidden, c.numClasses].forEach((h, i) => {
    out.push([`l${i}.w`, [fanIn, h]], [`l${i}.b`, [h]]);
    fanIn = h;
  });
  return out;
}

/** ELU (alpha 1) from kernels whose gradients the engine registers: max(z, 0) + exp(min(z, 0)) - 1. */
export function elu(z: tf.Tensor): tf.Tensor {
  return tf.add(tf.maximum(z, 0), tf.sub(tf.exp(tf.minimum(z, 0)), 1));
}

export function createClassifier(config: ClassifierConfig, rng: Rng): ClassifierModel {
  if (!Number.isInteger(config.inputSize) || config.inputSize < 1 || !Number.isInteger(config.numClasses) || config.numClasses < 2) {
    throw new CodedError('invalid_config', `a classifier needs an input size >= 1 and at least two classes (got ${config.inputSize}, ${config.numClasses})`);
  }
  const data: WeightData = {};
  for (const [name, shape] of shapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const std = shape.length === 2 ? Math.sqrt(2 / shape[0]!) : 1;
    data[name] = { shape, data: Float32Array.from({ length: size }, () => rng.normal() * std) };
  }
  return new Classifier(config, data);
}

class Classifier implements ClassifierModel {
  readonly numParams: number;
  readonly inputSize: number;
  readonly numClasses: number;
  private readonly w: Record<string, tf.Variable> = {};
  private readonly sgd = new Sgd();
  private disposed = false;

  constructor(
    private readonly config: ClassifierConfig,
    data: WeightData,
  ) {
    this.inputSize = config.inputSize;
    this.numClasses = config.numClasses;
    let count = 0;
    for (const [name, shape] of shapes(config)) {
      const entry = data[name];
      if (!entry || entry.data.length !== shape.reduce((a, b) => a * b, 1))
        throw new CodedError('internal', `classifier weight "${name}" is missing or mis-sized`);
      const initial = tf.tensor(entry.data, shape);
      this.w[name] = tf.variable(initial, true);
      initial.dispose();
      count += entry.data.length;
    }
    this.numParams = count;
  }

  get trainable(): Trainable {
    this.alive();
    return { variables: this.w, optimizer: this.sgd };
  }

  get weights(): Record<string, tf.Tensor> {
    this.alive();
    return this.w;
  }

  logits(x: tf.Tensor2D, weights: Record<string, tf.Tensor> = this.w): tf.Tensor2D {
    this.alive();
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      const layers = this.config.hidden.length + 1;
      for (let i = 0; i < layers; i++) {
        const z = linear(h, weights[`l${i}.w`]!, weights[`l${i}.b`]!);
        if (i === layers - 1) return z as tf.Tensor2D;
        // max(z, 0) rather than relu: its gradient is one the engine registers (tf-gradients.ts).
        h = this.config.activation === 'elu' ? elu(z) : this.config.activation === 'relu' ? tf.maximum(z, 0) : tf.tanh(z);
      }
      throw new Error('unreachable');
    });
  }

  predict(batch: { n: number; x: Float32Array }, weights?: Record<string, tf.Tensor>): Int32Array {
    if (batch.n === 0) return new Int32Array(0);
    const out = tf.tidy(() => tf.argMax(this.logits(tf.tensor2d(batch.x, [batch.n, this.inputSize]), weights), 1));
    const classes = Int32Array.from(out.dataSync());
    out.dispose();
    return classes;
  }

  getState(): PolicyState {
    this.alive();
    const weights: WeightData = {};
    for (const [name, v] of Object.entries(this.w)) weights[name] = { shape: [...v.shape], data: new Float32Array(v.dataSync()) };
    return { config: { ...this.config, hidden: [...this.config.hidden] }, step: 0, weights, optimizer: {} };
  }

  setState(state: PolicyState): void {
    this.alive();
    for (const [name, v] of Object.entries(this.w)) {
      const entry = state.weights[name];
      if (!entry || entry.shape.join(',') !== v.shape.join(',') || entry.data.length !== v.size) {
        throw new CodedError(
          'invalid_request',
          `classifier state weight "${name}" is missing or has shape [${entry?.shape.join(', ') ?? ''}], expected [${v.shape.join(', ')}]; the checkpoint was made with another policy config or data set`,
        );
      }
      tf.tidy(() => v.assign(tf.tensor(entry.data, v.shape)));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of Object.values(this.w)) v.dispose();
  }

  private alive(): void {
    if (this.disposed) throw new CodedError('internal', 'this classifier was disposed; use a live copy');
  }
}
