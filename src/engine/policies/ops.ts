/**
 * Tensor building blocks chosen for the WASM backend's strengths: every matmul runs with plain (untransposed)
 * operands, forward and backward, because XNNPACK's transposed-operand path is 10-20x slower; embeddings are
 * one-hot matmuls because WASM has no UnsortedSegmentSum, which the gradient of gather needs.
 */
import { tf } from '../tf';
import {
  GELU_C,
  GELU_CUBE,
  SIMD_GELU,
  SIMD_GELU_GRAD,
  SIMD_GELU_TRAIN,
  SIMD_LAYER_NORM,
  SIMD_LAYER_NORM_GRAD,
  SIMD_LAYER_NORM_GRAD2,
  SIMD_LAYER_NORM_TRAIN,
  wasmSimdActive,
} from '../tf-wasm-simd';

type T = tf.Tensor;

/** Whether a gradient tape is recording (inside tf.variableGrads / tf.grads): then every op must be a tf op. */
export function recording(): boolean {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}

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
const mmGrad = tf.customGrad((...args: Array<T | tf.GradSaveFunc>) => {
  const a = args[0] as T;
  const b = args[1] as T;
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: T, saved: T[]) => [tf.matMul(dy, swapLast(saved[1])), tf.matMul(swapLast(saved[0]), dy)],
  };
}) as (a: T, b: T) => T;

/** a @ b (above); with no tape recording, the plain matMul that is its forward. */
export function mm(a: T, b: T): T {
  return recording() ? mmGrad(a, b) : tf.matMul(a, b);
}

/**
 * x @ w + b for x [N, K], w [K, N'], b [N'] as one fused kernel (XNNPACK adds the bias while writing the output),
 * with the same explicit-transpose gradient as mm.
 */
const linearGrad = tf.customGrad((...args: Array<T | tf.GradSaveFunc>) => {
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

/** x @ w + b (above); with no tape recording, the fused matMul that is its forward. */
export function linear(x: T, w: T, b: T): T {
  return recording() ? linearGrad(x, w, b) : tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b });
}

const LAYER_NORM_EPS = 1e-5;

/**
 * LayerNorm under a tape as three SIMD kernels around the stock Pow (tf-wasm-simd.ts), each the values of
 * layerNormOps and of tfjs's gradients of its ops, bit for bit. The tf ops read x three times (the Sub of the mean,
 * the Cast in the variance, the Mean) and the tape adds each part to x's gradient in turn, after the parts of x's
 * later readers (a residual): x comes in three times, with its three parts in the tape's order. Rsqrt's gradient
 * is tf-gradients.ts's, on one value a row, so `pow(ve, 1.5)` is the stock kernel's.
 */
const layerNormGrad = tf.customGrad((...args: Array<T | tf.GradSaveFunc>) => {
  const [x, , , gain, bias] = args as T[];
  const save = args[5] as tf.GradSaveFunc;
  const [y, mean, inv, ve] = tf.engine().runKernel(SIMD_LAYER_NORM_TRAIN, { x: x!, gain: gain!, bias: bias! }, { eps: LAYER_NORM_EPS }) as unknown as T[];
  save([x!, gain!, mean!, inv!, ve!]);
  return {
    value: y!,
    gradFunc: (dy: T, saved: T[]) => {
      const [sx, sgain, smean, sinv, sve] = saved as [T, T, T, T, T];
      const [g0, dr, dmA, dgain, dbias] = tf.engine().runKernel(SIMD_LAYER_NORM_GRAD, { x: sx, mean: smean, inv: sinv, dy, gain: sgain }, {}) as unknown as T[];
      const dve = tf.div(dr!, tf.neg(tf.mul(tf.pow(sve, 1.5), 2)));
      const [g1, g2] = tf.engine().runKernel(SIMD_LAYER_NORM_GRAD2, { x: sx, mean: smean, dve, dmA: dmA! }, {}) as unknown as T[];
      return [g0!, g1!, g2!, dgain!, dbias!];
    },
  };
}) as (x: T, x1: T, x2: T, gain: T, bias: T) => T;

/** LayerNorm over the last axis, eps 1e-5: SIMD kernels where tf-wasm-simd.ts runs, bit-identical to layerNormOps. */
export function layerNorm(x: T, gain: T, bias: T): T {
  if (x.shape[x.shape.length - 1]! < 4 || !wasmSimdActive(tf)) return layerNormOps(x, gain, bias);
  return recording() ? layerNormGrad(x, x, x, gain, bias) : (tf.engine().runKernel(SIMD_LAYER_NORM, { x, gain, bias }, { eps: LAYER_NORM_EPS }) as T);
}

/** LayerNorm as tf ops (differentiable). */
export function layerNormOps(x: T, gain: T, bias: T): T {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPS))), gain), bias);
}

/**
 * GELU under a tape as two SIMD kernels (tf-wasm-simd.ts): the forward, which also keeps tanh(inner), and the
 * gradient, each the values of geluOps and of tfjs's gradients of its ops, bit for bit.
 */
const geluGrad = tf.customGrad((...args: Array<T | tf.GradSaveFunc>) => {
  const x = args[0] as T;
  const save = args[1] as tf.GradSaveFunc;
  const [y, t] = tf.engine().runKernel(SIMD_GELU_TRAIN, { x }, {}) as unknown as [T, T];
  save([x, t!]);
  return { value: y!, gradFunc: (dy: T, saved: T[]) => tf.engine().runKernel(SIMD_GELU_GRAD, { x: saved[0]!, t: saved[1]!, dy }, {}) as T };
}) as (x: T) => T;

/** GELU, tanh approximation (as in GPT-2): SIMD kernels where tf-wasm-simd.ts runs, bit-identical to geluOps. */
export function gelu(x: T): T {
  if (x.size < 4 || !wasmSimdActive(tf)) return geluOps(x);
  return recording() ? geluGrad(x) : (tf.engine().runKernel(SIMD_GELU, { x }, {}) as T);
}

/** GELU as tf ops (differentiable). */
export function geluOps(x: T): T {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), GELU_CUBE)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Token ids -> one-hot float rows [n, depth], so the embedding lookup is a matmul with a matmul gradient. */
export function oneHotRows(ids: ArrayLike<number>, depth: number): T {
  const data = new Float32Array(ids.length * depth);
  for (let i = 0; i < ids.length; i++) data[i * depth + ids[i]] = 1;
  return tf.tensor2d(data, [ids.length, depth]);
}
