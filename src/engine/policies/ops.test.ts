import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { initBackend, tf } from '../tf';
import { gelu, linear, mm, oneHotRows } from './ops';

beforeAll(async () => {
  await initBackend('wasm');
});

function randn(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}

function close(actual: tf.Tensor, expected: tf.Tensor) {
  expect(actual.shape).toEqual(expected.shape);
  const e = expected.dataSync();
  Array.from(actual.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(e[i], 4));
}

/** d/da sum(mm(a, b) * r) = r b^T and d/db = a^T r (computed here with tfjs's transpose flags, forward only). */
function checkMm(a: tf.Tensor, b: tf.Tensor) {
  const r = randn([...a.shape.slice(0, -1), b.shape[b.shape.length - 1]], 99);
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x, y), r)))([a, b]);
  close(ga, tf.matMul(r, b, false, true));
  close(gb, tf.matMul(a, r, true, false));
  close(mm(a, b), tf.matMul(a, b));
}

describe('ops', () => {
  it('mm and linear have the gradients of a plain matmul (+ bias), in 2D and batched', () => {
    tf.tidy(() => {
      checkMm(randn([5, 3], 1), randn([3, 4], 2));
      checkMm(randn([2, 5, 3], 3), randn([2, 3, 4], 4));
      const x = randn([6, 3], 5);
      const w = randn([3, 4], 6);
      const b = randn([4], 7);
      const r = randn([6, 4], 8);
      const [gx, gw, gb] = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(linear(x, w, b), r)))([x, w, b]);
      expect(gb.dataSync()).toEqual(tf.sum(r, 0).dataSync());
      close(gx, tf.matMul(r, w, false, true));
      close(gw, tf.matMul(x, r, true, false));
      close(linear(x, w, b), tf.add(tf.matMul(x, w), b));
    });
  });

  it('gelu matches the tanh approximation at known points', () => {
    const y = tf.tidy(() => gelu(tf.tensor1d([-3, 0, 1, 3])).dataSync());
    expect(y[1]).toBe(0);
    expect(y[2]).toBeCloseTo(0.8412, 3);
    expect(y[3]).toBeCloseTo(2.9964, 3);
    expect(y[0]).toBeCloseTo(-0.0036, 3);
  });

  it('oneHotRows puts a single 1 per row', () => {
    const t = oneHotRows([2, 0], 3);
    expect(Array.from(t.dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
    t.dispose();
  });
});
