import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './tf';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A scalar function touching every registered gradient, with broadcasting. */
function f(x: tf.Tensor): tf.Tensor {
  const a = tf.reshape(x, [2, 3]);
  const b = tf.transpose(a, [1, 0]);
  const [p, q] = tf.split(a, [1, 2], 1);
  const c = tf.concat([tf.exp(p), tf.tanh(q)], 1);
  const { mean, variance } = tf.moments(a, -1, true);
  const n = tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1)));
  const s = tf.softmax(tf.div(c, tf.add(tf.sqrt(tf.square(a)), 1)));
  const m = tf.minimum(tf.clipByValue(n, -0.5, 0.5), tf.neg(tf.slice(a, [0, 0], [2, 3])));
  const sd = tf.squaredDifference(s, tf.mean(b));
  return tf.sum(tf.add(tf.add(tf.mul(s, m), sd), tf.log(tf.add(tf.square(c), 1))));
}

describe('registered gradients', () => {
  it('match central finite differences', () => {
    const x0 = [0.3, -1.2, 0.7, 1.5, -0.4, 0.9];
    const analytic = tf.tidy(() => tf.grad(f)(tf.tensor1d(x0)).dataSync());
    const h = 1e-2;
    x0.forEach((_, i) => {
      const plus = [...x0];
      const minus = [...x0];
      plus[i] += h;
      minus[i] -= h;
      const fp = tf.tidy(() => f(tf.tensor1d(plus)).dataSync()[0]);
      const fm = tf.tidy(() => f(tf.tensor1d(minus)).dataSync()[0]);
      expect(analytic[i]).toBeCloseTo((fp - fm) / (2 * h), 2);
    });
  });
});
