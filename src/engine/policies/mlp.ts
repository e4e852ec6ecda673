/**
 * The policy-value network of the policy-value model family: an MLP over observation vectors with two linear heads,
 * action logits and a scalar value (the shared-trunk actor-critic of A2C, Mnih et al. 2016). It computes; it owns no
 * loss: the algorithms build theirs from `forward` and train it through core/train-step.ts. Weights and Adam moments
 * save and restore exactly (policies/adam.ts), like the transformer's.
 *
 * Initialisation (cleanrl's ppo.py): hidden layers orthogonal-like with gain sqrt(2) (here a scaled normal,
 * std = gain / sqrt(fan_in)), the policy head with gain 0.01 (near-uniform first actions), the value head gain 1;
 * biases 0. Every draw comes from the run's random stream, so the initial weights replay from the seed.
 */
import type { MlpPolicyConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { Trainable } from '../core/train-step';
import { tf } from '../tf';
import type { PolicyState, PolicyValueModel, Rng } from '../types';
import { Adam, checkOptimizerEntry } from './adam';
import { linear } from './ops';

type WeightData = Record<string, { shape: number[]; data: Float32Array }>;
export type MlpConfig = Omit<MlpPolicyConfig, 'kind'> & { kind?: 'mlp'; inputSize: number; numActions: number };

function shapes(c: MlpConfig): Array<[string, number[], number]> {
  const out: Array<[string, number[], number]> = [];
  let fanIn = c.inputSize;
  c.hidden.forEach((h, i) => {
    out.push([`h${i}.w`, [fanIn, h], Math.SQRT2], [`h${i}.b`, [h], 0]);
    fanIn = h;
  });
  out.push(['pi.w', [fanIn, c.numActions], 0.01], ['pi.b', [c.numActions], 0], ['v.w', [fanIn, 1], 1], ['v.b', [1], 0]);
  return out;
}

export function createMlpPolicy(config: MlpConfig, rng: Rng): PolicyValueModel {
  if (!Number.isInteger(config.inputSize) || config.inputSize < 1 || !Number.isInteger(config.numActions) || config.numActions < 1) {
    throw new CodedError('invalid_config', `an MLP needs an observation size and an action count >= 1 (got ${config.inputSize}, ${config.numActions})`);
  }
  const data: WeightData = {};
  for (const [name, shape, gain] of shapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (shape.length === 2 && gain > 0) {
      const std = gain / Math.sqrt(shape[0]!);
      for (let i = 0; i < size; i++) values[i] = rng.normal() * std;
    }
    data[name] = { shape, data: values };
  }
  return new MlpPolicy(config, data);
}

class MlpPolicy implements PolicyValueModel {
  readonly numParams: number;
  readonly numActions: number;
  readonly inputSize: number;
  private readonly w: Record<string, tf.Variable> = {};
  private readonly adam: Adam;
  private disposed = false;

  constructor(
    private readonly config: MlpConfig,
    data: WeightData,
  ) {
    this.numActions = config.numActions;
    this.inputSize = config.inputSize;
    let count = 0;
    for (const [name, shape] of shapes(config)) {
      const entry = data[name];
      if (!entry || entry.data.length !== shape.reduce((a, b) => a * b, 1)) throw new CodedError('internal', `MLP weight "${name}" is missing or mis-sized`);
      const initial = tf.tensor(entry.data, shape);
      this.w[name] = tf.variable(initial, true);
      initial.dispose();
      count += entry.data.length;
    }
    this.numParams = count;
    this.adam = new Adam(this.w);
  }

  get trainable(): Trainable {
    this.alive();
    return { variables: this.w, optimizer: this.adam };
  }

  /** Logits [batch, actions] and values [batch] of observations [batch, inputSize]; differentiable. */
  forward(observations: tf.Tensor2D): { logits: tf.Tensor2D; value: tf.Tensor1D } {
    this.alive();
    return tf.tidy(() => {
      let x: tf.Tensor2D = observations;
      for (let i = 0; i < this.config.hidden.length; i++) {
        const z = linear(x, this.w[`h${i}.w`]!, this.w[`h${i}.b`]!) as tf.Tensor2D;
        // max(z, 0) rather than relu: its gradient is one the engine registers (tf-gradients.ts).
        x = this.config.activation === 'relu' ? tf.maximum(z, 0) : tf.tanh(z);
      }
      const logits = linear(x, this.w['pi.w']!, this.w['pi.b']!) as tf.Tensor2D;
      const value = tf.reshape(linear(x, this.w['v.w']!, this.w['v.b']!), [-1]) as tf.Tensor1D;
      return { logits, value };
    });
  }

  /** Logits and values as plain arrays, no gradient: what acting and the advantages read. */
  evaluate(observations: Float32Array[]): { logits: Float32Array[]; values: Float32Array } {
    this.alive();
    if (observations.length === 0) return { logits: [], values: new Float32Array(0) };
    const flat = new Float32Array(observations.length * this.inputSize);
    observations.forEach((o, i) => flat.set(o, i * this.inputSize));
    const [l, v] = tf.tidy(() => {
      const out = this.forward(tf.tensor2d(flat, [observations.length, this.inputSize]));
      return [out.logits, out.value];
    });
    const logitData = l!.dataSync() as Float32Array;
    const values = new Float32Array(v!.dataSync());
    l!.dispose();
    v!.dispose();
    const logits = observations.map((_, i) => logitData.slice(i * this.numActions, (i + 1) * this.numActions));
    return { logits, values };
  }

  getState(): PolicyState {
    this.alive();
    const weights: WeightData = {};
    for (const [name, v] of Object.entries(this.w)) weights[name] = { shape: [...v.shape], data: new Float32Array(v.dataSync()) };
    return { config: { ...this.config, hidden: [...this.config.hidden] }, step: this.adam.step, weights, optimizer: this.adam.getState(this.w) };
  }

  setState(state: PolicyState): void {
    this.alive();
    for (const [name, v] of Object.entries(this.w)) {
      const entry = state.weights[name];
      if (!entry || entry.shape.join(',') !== v.shape.join(',') || entry.data.length !== v.size) {
        throw new CodedError(
          'invalid_request',
          `policy state weight "${name}" is missing or has shape [${entry?.shape.join(', ') ?? ''}], expected [${v.shape.join(', ')}]; the checkpoint was made with another policy config`,
        );
      }
      tf.tidy(() => v.assign(tf.tensor(entry.data, v.shape)));
    }
    this.adam.setState(state.optimizer, state.step, checkOptimizerEntry);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of Object.values(this.w)) v.dispose();
    this.adam.dispose();
  }

  private alive(): void {
    if (this.disposed) throw new CodedError('internal', 'this policy was disposed; use a live copy');
  }
}
