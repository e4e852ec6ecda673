/**
 * Tensor building blocks chosen for the WASM backend's strengths: every matmul runs with plain (untransposed)
 * operands, forward and backward, because XNNPACK's transposed-operand path is 10-20x slower; embeddings are
 * one-hot matmuls because WASM has no UnsortedSegmentSum, which the gradient of gather needs.
 */
import { tf } from '../tf';

type T = tf.Tensor;

function swapLast(x: T): T {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  perm[n - 1] = n - 2;
  perm[n - 2] = n - 1;
  return tf.transpose(x, perm);
}

/**
 * a @ b for [.., M, K] x [.., K, N] (same batch dims), whose gradient builds the transposes explicitly:
 * tfjs's own matMul gradient asks for transposeA/transposeB, the slow path on WASM.
 */
export const mm = tf.customGrad((...args: Array<T | tf.GradSaveFunc>) => {
  const a = args[0] as T;
  const b = args[1] as T;
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: T, saved: T[]) => [tf.matMul(dy, swapLast(saved[1])), tf.matMul(swapLast(saved[0]), dy)],
  };
}) as (a: T, b: T) => T;

/**
 * x @ w + b for x [N, K], w [K, N'], b [N'] as one fused kernel (XNNPACK adds the bias while writing the output),
 * with the same explicit-transpose gradient as mm.
 */
export const linear = tf.customGrad((...args: Array<T | tf.GradSaveFunc>) => {
  const x = args[0] as T;
  const w = args[1] as T;
  const b = args[2] as T;
  const save = args[3] as tf.GradSaveFunc;
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
    gradFunc: (dy: T, saved: T[]) => [tf.matMul(dy, swapLast(saved[1])), tf.matMul(swapLast(saved[0]), dy), tf.sum(dy, 0)],
  };
}) as (x: T, w: T, b: T) => T;

/** LayerNorm over the last axis, eps 1e-5. */
export function layerNorm(x: T, gain: T, bias: T): T {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gain), bias);
}

const GELU_C = Math.sqrt(2 / Math.PI);
/** GELU, tanh approximation (as in GPT-2). */
export function gelu(x: T): T {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Token ids -> one-hot float rows [n, depth], so the embedding lookup is a matmul with a matmul gradient. */
export function oneHotRows(ids: ArrayLike<number>, depth: number): T {
  const data = new Float32Array(ids.length * depth);
  for (let i = 0; i < ids.length; i++) data[i * depth + ids[i]] = 1;
  return tf.tensor2d(data, [ids.length, depth]);
}
