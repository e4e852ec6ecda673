/**
 * Plain stochastic gradient descent, w <- w - lr * g, with the same global-norm clip as Adam (policies/adam.ts);
 * an infinite clip leaves the gradient as it is (the homeostatic paper's update). It keeps no state, so a
 * checkpoint of a model trained with it is its weights alone.
 */
import type { Optimizer, OptimizerSnapshot } from '../core/train-step';
import { tf } from '../tf';

export class Sgd implements Optimizer {
  apply(params: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, gradClip: number): tf.Tensor {
    return tf.tidy(() => {
      const names = Object.keys(params);
      const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))));
      const scale = Number.isFinite(gradClip) ? tf.mul(tf.minimum(tf.div(gradClip, tf.add(norm, 1e-6)), 1), lr) : tf.scalar(lr);
      for (const n of names) params[n]!.assign(tf.sub(params[n]!, tf.mul(grads[n]!, scale)));
      return norm;
    });
  }

  /** No slots and no step count: a fork of SGD is the weights alone. */
  snapshot(): OptimizerSnapshot {
    return { step: 0, slots: [] };
  }

  restore(): void {}
}
