/**
 * Adam (Kingma & Ba 2015), written out so its moments and step count are plain state that a checkpoint saves and
 * restores exactly (tf.train.adam keeps its accumulators private). The learning rate comes from the caller each step.
 * All weights are updated as one flat vector: a handful of kernels per step instead of a dozen per weight, which
 * matters on WASM where small kernels cost mostly dispatch.
 */
import { CodedError } from '../../shared/errors';
import { tf } from '../tf';
import type { OptimizerSnapshot } from '../core/train-step';

const BETA1 = 0.9;
const BETA2 = 0.99;
const EPS = 1e-8;

type Entry = { shape: number[]; data: Float32Array };

export class Adam {
  step = 0;
  private readonly names: string[];
  private readonly sizes: number[];
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;

  constructor(params: Record<string, tf.Variable>) {
    this.names = Object.keys(params);
    this.sizes = this.names.map((n) => params[n].size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
  }

  /**
   * Clips the gradients to a global norm of `gradClip`, then takes one step. Returns the pre-clip global norm (the
   * caller owns it). Must run inside tf.tidy or with the result disposed.
   */
  apply(params: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, gradClip: number): tf.Tensor {
    this.step += 1;
    const t = this.step;
    const lrT = (lr * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
    return tf.tidy(() => {
      const flat = tf.concat(this.names.map((n) => tf.reshape(grads[n], [-1])));
      const norm = tf.sqrt(tf.sum(tf.square(flat)));
      const g = tf.mul(flat, tf.minimum(tf.div(gradClip, tf.add(norm, 1e-6)), 1));
      const m = tf.add(tf.mul(this.m, BETA1), tf.mul(g, 1 - BETA1));
      const v = tf.add(tf.mul(this.v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
      this.m.assign(m);
      this.v.assign(v);
      const update = tf.split(tf.mul(tf.div(m, tf.add(tf.sqrt(v), EPS)), lrT), this.sizes);
      this.names.forEach((n, i) => params[n].assign(tf.sub(params[n], tf.reshape(update[i], params[n].shape))));
      return norm;
    });
  }

  /** The moments cloned on the device (tf.clone shares their data until the next step assigns new ones) and the step. */
  snapshot(): OptimizerSnapshot {
    return { step: this.step, slots: [tf.clone(this.m), tf.clone(this.v)] };
  }

  /** Back to a snapshot of this optimiser (it stays valid): the moments take its tensors' values, nothing is uploaded. */
  restore(snapshot: OptimizerSnapshot): void {
    const [m, v] = snapshot.slots;
    if (snapshot.slots.length !== 2 || m?.size !== this.m.size || v?.size !== this.v.size) {
      throw new CodedError(
        'internal',
        `an optimiser snapshot of another model: ${snapshot.slots.length} slots of sizes ${snapshot.slots.map((t) => t.size).join(', ')}, expected 2 of ${this.m.size}`,
      );
    }
    this.m.assign(m);
    this.v.assign(v);
    this.step = snapshot.step;
  }

  /** Moments per weight, as `m.<name>` / `v.<name>` entries (the checkpoint format). */
  getState(params: Record<string, tf.Variable>): Record<string, Entry> {
    const out: Record<string, Entry> = {};
    const m = this.m.dataSync();
    const v = this.v.dataSync();
    let offset = 0;
    this.names.forEach((n, i) => {
      const shape = [...params[n].shape];
      out[`m.${n}`] = { shape, data: m.slice(offset, offset + this.sizes[i]) as Float32Array };
      out[`v.${n}`] = { shape: [...shape], data: v.slice(offset, offset + this.sizes[i]) as Float32Array };
      offset += this.sizes[i];
    });
    return out;
  }

  /** Restores moments; `check` validates each entry against its weight and throws a clear error if it does not fit. */
  setState(state: Record<string, Entry | undefined>, step: number, check: (key: string, entry: Entry | undefined, size: number) => void): void {
    const m = new Float32Array(this.m.size);
    const v = new Float32Array(this.v.size);
    let offset = 0;
    this.names.forEach((n, i) => {
      for (const [key, dst] of [
        [`m.${n}`, m],
        [`v.${n}`, v],
      ] as const) {
        const entry = state[key];
        check(key, entry, this.sizes[i]);
        dst.set((entry as Entry).data, offset);
      }
      offset += this.sizes[i];
    });
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
    this.step = step;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

/** The check a policy passes to Adam.setState: each moment must exist and fit its weight, or the checkpoint is another config's. */
export function checkOptimizerEntry(key: string, entry: { data: Float32Array } | undefined, size: number): void {
  if (!entry || entry.data.length !== size) {
    throw new CodedError(
      'invalid_request',
      `policy state optimizer "${key}" is missing or has ${entry?.data.length ?? 0} values, expected ${size}; the checkpoint was made with another policy config`,
    );
  }
}
