/**
 * Fused forward kernels for the WASM backend, for the two transformer blocks that cost most in kernel count when
 * nothing is differentiated (decoding, greedy evaluation, log-probs): LayerNorm (about eleven kernels and a
 * scalar upload as tf ops) and GELU's arithmetic around its tanh (eight kernels and four scalars). Each is one pass
 * over the WASM heap that does, element by element and in the same order, the float32 operations the stock kernels
 * do (tfjs-backend-wasm's Mean sums a row left to right in float32 and divides by its length; the binary and unary
 * kernels round each result to float32), with Math.fround after every operation. So the values are bit-for-bit
 * those of the tf ops (tf-wasm-fused.test.ts compares them over random inputs of several shapes and scales); the
 * tanh itself stays the stock kernel, since Math.tanh is not the C library's tanhf.
 *
 * Only the forward pass is fused: under a gradient tape (training) ops.ts keeps the tf ops, whose gradients tfjs
 * derives.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

type Tf = typeof TfCore;
type Info = TfCore.TensorInfo;

export const FUSED_LAYER_NORM = 'EvolabLayerNorm';
export const FUSED_GELU_INNER = 'EvolabGeluInner';
export const FUSED_GELU_OUTER = 'EvolabGeluOuter';

/** The constants of ops.ts's GELU, as the float32 scalars tf.mul makes of them. */
export const GELU_CUBE = 0.044715;
export const GELU_C = Math.sqrt(2 / Math.PI);

interface WasmBackend {
  makeOutput(shape: number[], dtype: TfCore.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
}

const f = Math.fround;

export function registerWasmFusedKernels(tf: Tf): void {
  if (!tf.getKernel(tf.Mean, 'wasm')) return;
  const register = (kernelName: string, kernelFunc: TfCore.KernelFunc) => {
    if (tf.getKernel(kernelName, 'wasm')) return;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };

  // LayerNorm over the last axis: ((x - mean) * rsqrt(var + eps)) * gain + bias, var the mean of (x - mean)^2.
  register(FUSED_LAYER_NORM, (args) => {
    const backend = args.backend as WasmBackend;
    const { x, gain, bias } = args.inputs as { x: Info; gain: Info; bias: Info };
    const eps = f((args.attrs as { eps: number }).eps);
    const out = backend.makeOutput([...x.shape], 'float32');
    // Views after makeOutput: allocating may grow the heap, which detaches earlier views.
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const g = backend.typedArrayFromHeap(gain) as Float32Array;
    const b = backend.typedArrayFromHeap(bias) as Float32Array;
    const y = backend.typedArrayFromHeap(out) as Float32Array;
    const d = x.shape[x.shape.length - 1]!;
    const rows = d === 0 ? 0 : xs.length / d;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let sum = 0;
      for (let j = 0; j < d; j++) sum = f(sum + xs[o + j]!);
      const mean = f(sum / d);
      let sq = 0;
      for (let j = 0; j < d; j++) {
        const dev = f(xs[o + j]! - mean);
        sq = f(sq + f(dev * dev));
      }
      const variance = f(sq / d);
      const inv = f(1 / f(Math.sqrt(f(variance + eps))));
      for (let j = 0; j < d; j++) y[o + j] = f(f(f(f(xs[o + j]! - mean) * inv) * g[j]!) + b[j]!);
    }
    return out;
  });

  // GELU's tanh argument: ((x * x * x) * 0.044715 + x) * sqrt(2 / pi), as ops.ts writes it.
  register(FUSED_GELU_INNER, (args) => {
    const backend = args.backend as WasmBackend;
    const x = args.inputs.x as Info;
    const out = backend.makeOutput([...x.shape], 'float32');
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const y = backend.typedArrayFromHeap(out) as Float32Array;
    const cube = f(GELU_CUBE);
    const c = f(GELU_C);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      y[i] = f(f(v + f(f(f(v * v) * v) * cube)) * c);
    }
    return out;
  });

  // GELU from x and t = tanh(inner): (x * 0.5) * (t + 1).
  register(FUSED_GELU_OUTER, (args) => {
    const backend = args.backend as WasmBackend;
    const { x, t } = args.inputs as { x: Info; t: Info };
    const out = backend.makeOutput([...x.shape], 'float32');
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const ts = backend.typedArrayFromHeap(t) as Float32Array;
    const y = backend.typedArrayFromHeap(out) as Float32Array;
    for (let i = 0; i < xs.length; i++) y[i] = f(f(xs[i]! * 0.5) * f(ts[i]! + 1));
    return out;
  });
}
