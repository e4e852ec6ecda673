/**
 * Adam (Kingma & Ba 2015), written out so its moments and step count are plain state that a checkpoint saves and
 * restores exactly (tf.train.adam keeps its accumulators private). The learning rate comes from the caller each step.
 */
import { tf } from '../tf';

const BETA1 = 0.9;
const BETA2 = 0.99;
const EPS = 1e-8;

export class Adam {
  step = 0;
  readonly m: Record<string, tf.Variable> = {};
  readonly v: Record<string, tf.Variable> = {};

  constructor(params: Record<string, tf.Variable>) {
    for (const [name, p] of Object.entries(params)) {
      this.m[name] = tf.variable(tf.zeros(p.shape), false);
      this.v[name] = tf.variable(tf.zeros(p.shape), false);
    }
  }

  /** One update; `scale` (a scalar tensor) multiplies every gradient first, for global-norm clipping. */
  apply(params: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, scale: tf.Tensor): void {
    this.step += 1;
    const t = this.step;
    const lrT = (lr * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
    tf.tidy(() => {
      for (const [name, p] of Object.entries(params)) {
        const g = tf.mul(grads[name], scale);
        const m = tf.add(tf.mul(this.m[name], BETA1), tf.mul(g, 1 - BETA1));
        const v = tf.add(tf.mul(this.v[name], BETA2), tf.mul(tf.mul(g, g), 1 - BETA2));
        this.m[name].assign(m);
        this.v[name].assign(v);
        p.assign(tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), EPS)), lrT)));
      }
    });
  }

  dispose(): void {
    for (const x of [...Object.values(this.m), ...Object.values(this.v)]) x.dispose();
  }
}
