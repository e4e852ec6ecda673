/**
 * Faster WASM kernels for four data-movement ops that tfjs-backend-wasm 4.22 implements by copying, found with
 * bench/profile-step.ts on one training step of the transformer at width 128:
 * - Identity copies its input, and tfjs clones (Identity) every tensor an op saves for its gradient: about 250
 *   copies per step. Tensors are immutable (a variable's assign swaps its data, never writes into it), so sharing
 *   the data with a reference count, as the cpu backend and the wasm Reshape already do, is safe.
 * - Cast to the same dtype copies too (the gradients cast float32 operands to float32, 80 a step): shared the same way.
 * - Slice and SplitV read their whole input with readSync, which copies the heap out for every piece: Adam's split of
 *   the flat update (400k floats into 30 pieces) copied 48 MB per step. Here they read a view of the heap instead.
 * - Concat copies each input's rows with a typed-array view and set() per row: appending one position to the
 *   decoding cache's transposed keys ([B*H, hd, Tk] along its last axis) is thousands of one-float rows per step,
 *   where creating the view costs more than the copy. Here short rows are copied element by element.
 * Every value is bit-for-bit what the stock kernels give; only copies are gone.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

type Tf = typeof TfCore;
type Info = TfCore.TensorInfo;

/** The part of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  incRef(dataId: unknown): void;
  makeOutput(shape: number[], dtype: TfCore.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
}

export function registerWasmKernels(tf: Tf): void {
  const replace = (kernelName: string, kernelFunc: TfCore.KernelFunc) => {
    if (!tf.getKernel(kernelName, 'wasm')) return;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };
  const share = (backend: WasmBackend, x: Info): Info => {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  const stockIdentity = tf.getKernel(tf.Identity, 'wasm')?.kernelFunc;
  const stockCast = tf.getKernel(tf.Cast, 'wasm')?.kernelFunc;
  const stockSlice = tf.getKernel(tf.Slice, 'wasm')?.kernelFunc;
  const stockConcat = tf.getKernel(tf.Concat, 'wasm')?.kernelFunc;
  if (!stockIdentity || !stockCast || !stockSlice || !stockConcat) return;

  replace(tf.Identity, (args) => {
    const x = args.inputs.x as Info;
    return x.dtype === 'string' ? stockIdentity(args) : share(args.backend as WasmBackend, x);
  });
  replace(tf.Cast, (args) => {
    const x = args.inputs.x as Info;
    return x.dtype !== 'string' && x.dtype === (args.attrs as { dtype: string }).dtype ? share(args.backend as WasmBackend, x) : stockCast(args);
  });

  /** One slice of x as a view-to-view copy; strings and ranks above 4 go to the stock kernel. */
  const slice = (backend: WasmBackend, x: Info, beginIn: number[], sizeIn: number[], args: Parameters<TfCore.KernelFunc>[0]): Info => {
    if (x.dtype === 'string' || x.shape.length > 4) return stockSlice({ ...args, inputs: { x }, attrs: { begin: beginIn, size: sizeIn } }) as Info;
    const [begin, size] = tf.slice_util.parseSliceParams(x as TfCore.Tensor, beginIn, sizeIn);
    const out = backend.makeOutput(size, x.dtype);
    // Views are taken after makeOutput: allocating may grow the heap, which detaches earlier views.
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const n = size.reduce((a, b) => a * b, 1);
    if (n === 0) return out;
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const offset = tf.slice_util.computeFlatOffset(begin, strides);
      dst.set(src.subarray(offset, offset + n));
      return out;
    }
    // Copy rows of the last axis: pad shapes to rank 4 and walk the outer three.
    const pad = 4 - x.shape.length;
    const b4 = [...new Array<number>(pad).fill(0), ...begin];
    const s4 = [...new Array<number>(pad).fill(1), ...size];
    const st4 = [...new Array<number>(pad).fill(0), ...strides, 1].slice(-4);
    let o = 0;
    for (let i = 0; i < s4[0]!; i++)
      for (let j = 0; j < s4[1]!; j++)
        for (let k = 0; k < s4[2]!; k++) {
          const at = (b4[0]! + i) * st4[0]! + (b4[1]! + j) * st4[1]! + (b4[2]! + k) * st4[2]! + b4[3]!;
          dst.set(src.subarray(at, at + s4[3]!), o);
          o += s4[3]!;
        }
    return out;
  };

  replace(tf.Concat, (args) => {
    const inputs = args.inputs as unknown as Info[];
    const backend = args.backend as WasmBackend;
    const nonEmpty = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (inputs.length === 0 || inputs[0]!.dtype === 'string' || nonEmpty.length < 2) return stockConcat(args);
    const axis = tf.util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, inputs[0]!.shape)[0]!;
    tf.backend_util.assertParamsConsistent(
      inputs.map((t) => t.shape),
      axis,
    );
    const out = backend.makeOutput(
      tf.backend_util.computeOutShape(
        inputs.map((t) => t.shape),
        axis,
      ),
      inputs[0]!.dtype,
    );
    const outer = tf.util.sizeFromShape(nonEmpty[0]!.shape.slice(0, axis));
    const inner = nonEmpty.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    const total = inner.reduce((a, b) => a + b, 0);
    // Views after makeOutput: allocating may grow the heap, which detaches earlier views.
    const src = nonEmpty.map((t) => backend.typedArrayFromHeap(t));
    const dst = backend.typedArrayFromHeap(out);
    let at = 0;
    for (let i = 0; i < nonEmpty.length; i++) {
      const n = inner[i]!;
      const from = src[i]!;
      if (n >= 32) {
        for (let b = 0; b < outer; b++) dst.set(from.subarray(b * n, b * n + n), b * total + at);
      } else {
        for (let b = 0; b < outer; b++) {
          const o = b * total + at;
          const q = b * n;
          for (let j = 0; j < n; j++) dst[o + j] = from[q + j]!;
        }
      }
      at += n;
    }
    return out;
  });

  replace(tf.Slice, (args) => {
    const { begin, size } = args.attrs as { begin: number[]; size: number[] };
    return slice(args.backend as WasmBackend, args.inputs.x as Info, begin, size, args);
  });
  replace(tf.SplitV, (args) => {
    const x = args.inputs.x as Info;
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    const ax = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as TfCore.Tensor, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[ax] = s;
      const piece = slice(args.backend as WasmBackend, x, [...begin], size, args);
      begin[ax]! += s;
      return piece;
    });
  });
}
