/**
 * WASM kernels written as WebAssembly SIMD, bit for bit the stock ones (or the tf ops they stand for), where
 * bench/profile-step.ts showed scalar code taking a large share of a step:
 *
 * - **Batched matmul.** The stock BatchMatMul sends a matmul to XNNPACK only when neither operand has a batch nor a
 *   transposed layout; every batched one (attention's q @ k^T and att @ v and their gradients: twelve per training
 *   step at two layers; decoding's q @ K^T on the cached keys, b transposed) goes to its `slow_batch_matmul`, whose
 *   every output is one float32 sum over k, left to right, `sum += a[i,k] * b[k,j]` from 0 (in blocks of 48 over k,
 *   each added to the output). That chain of dependent adds runs at about 2 GFLOPS; at width 32 it was a sixth of a
 *   training step. Here each SIMD lane keeps one output's sum, four to sixteen outputs of a row at a time, so the
 *   order over k is untouched (k up to 48: one block).
 * - **Tanh** (GELU's): the stock kernel calls the C library's tanhf (musl: expm1f and a division, in float32, along
 *   one of five branches by magnitude) on one element at a time: 8% of a training step and 14% of a decoding one.
 *   Here four lanes go through the same float32 operations, every branch computed and each lane's own selected.
 * - **GELU and LayerNorm forward** (no tape: decoding, greedy evaluation, log-probs): one kernel each instead of
 *   about eight (around the tanh) and eleven tf ops, doing those ops' float32 operations in their order.
 * - **GELU and LayerNorm in training** (ops.ts's custom gradients): GELU's forward and gradient as two kernels, and
 *   LayerNorm's forward and its gradient's two passes as three (around the stock Pow, on one value a row), doing the
 *   float32 operations of tfjs's gradients of the tf ops in the order its tape walks them: about 430 kernels fewer
 *   per training step.
 *
 * f32x4 arithmetic rounds like the scalar f32 operations (WebAssembly never fuses a multiply-add), so the values are
 * the stock ones exactly; tf-wasm-simd.test.ts compares every kernel with the stock kernels or tf ops bit for bit
 * (the matmul over every tail and chunk width, tanh over a million inputs of every magnitude and raw bit patterns).
 *
 * The kernels' code is generated in wasm-simd-matmul.ts and wasm-simd-math.ts; wasm-encoder.ts writes it as bytes
 * (there is no toolchain). The module imports the backend's own memory, so it
 * reads and writes tensors in the heap with no copy. Where it cannot share that memory (the threaded build's shared
 * memory) or a shape is not one it takes, the stock kernels and tf ops run, as before; the backend's details in
 * Settings and the run report say which (`wasmSimdStatus`).
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { elementwise, wasmModule } from './wasm-encoder';
import { geluGradLanes, geluLanes, tanhLanes } from './wasm-simd-math';
import { layerNormFunction, layerNormGrad2Function, layerNormGradFunction } from './wasm-simd-layernorm';
import { bmmFunction } from './wasm-simd-matmul';

export { GELU_C, GELU_CUBE } from './wasm-simd-math';

type Tf = typeof TfCore;
type Info = TfCore.TensorInfo;

/** The stock kernel's block over k: above it, its sum is split into partial sums, which this kernel does not do. */
export const STOCK_K_BLOCK = 48;

/** The stock kernels under names of their own, so the tests can compare with them. */
export const STOCK_BATCH_MATMUL = 'EvolabStockBatchMatMul';
export const STOCK_TANH = 'EvolabStockTanh';

/** GELU's forward pass as one SIMD kernel (ops.ts uses it when nothing is differentiated). */
export const SIMD_GELU = 'EvolabGelu';
/** GELU's forward pass under a tape, [y, tanh(inner)], and its gradient from x, tanh(inner) and dy (ops.ts's custom gradient). */
export const SIMD_GELU_TRAIN = 'EvolabGeluTrain';
export const SIMD_GELU_GRAD = 'EvolabGeluGrad';
/** LayerNorm's forward pass (the last axis, d >= 4) as one SIMD kernel, for ops.ts likewise. */
export const SIMD_LAYER_NORM = 'EvolabLayerNormSimd';
/**
 * LayerNorm under a tape: the forward, [y, mean, inv, ve] (each row's mean, 1 / sqrt(ve), variance + eps); the
 * gradient's pass down to rsqrt, [g0, dr, dmA, dgain, dbias]; and its pass from the variance's gradient dve to x,
 * [g1, g2] (ops.ts's custom gradient; wasm-simd-layernorm.ts says what each is).
 */
export const SIMD_LAYER_NORM_TRAIN = 'EvolabLayerNormTrain';
export const SIMD_LAYER_NORM_GRAD = 'EvolabLayerNormGrad';
export const SIMD_LAYER_NORM_GRAD2 = 'EvolabLayerNormGrad2';

interface WasmBackend {
  makeOutput(shape: number[], dtype: TfCore.DataType): Info;
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
  wasm: { asm?: { memory?: unknown } };
}

/** The part of the WebAssembly JS API used here (the engine's TypeScript lib has no DOM types). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

interface Kernels {
  bmm(a: number, b: number, out: number, batch: number, m: number, k: number, n: number): void;
  /** The same with b stored transposed, [n, k] per batch. */
  bmmT(a: number, b: number, out: number, batch: number, m: number, k: number, n: number): void;
  tanh(x: number, out: number, n: number): void;
  gelu(x: number, out: number, n: number): void;
  geluWithTanh(x: number, out: number, tanh: number, n: number): void;
  geluGrad(x: number, tanh: number, dy: number, dx: number, n: number): void;
  layerNorm(x: number, gain: number, bias: number, out: number, rows: number, d: number, epsBits: number): void;
  layerNormTrain(x: number, gain: number, bias: number, out: number, mean: number, inv: number, ve: number, rows: number, d: number, epsBits: number): void;
  layerNormGrad(...args: number[]): void;
  layerNormGrad2(...args: number[]): void;
}

/** The compiled module, once per process; an instance per backend, on its memory. */
let compiled: object | null | undefined;
/** Why the kernels are not in use, once known. */
let problem = '';
const instances = new WeakMap<object, Kernels | null>();

/** The kernels on `backend`'s memory, or null where they cannot share it. */
function kernelsFor(backend: WasmBackend): Kernels | null {
  const known = instances.get(backend);
  if (known !== undefined) return known;
  let kernels: Kernels | null = null;
  try {
    const memory = backend.wasm.asm?.memory;
    if (!WA || !(memory instanceof WA.Memory)) problem = "the backend's WebAssembly memory is not reachable";
    else {
      if (compiled === undefined) {
        const bytes = wasmModule([
          bmmFunction(false),
          bmmFunction(true),
          elementwise('tanh', 1, 1, (L, [x]) => {
            const t = tanhLanes(L, x!);
            return { code: t.code, results: [t.result] };
          }),
          elementwise('gelu', 1, 1, (L, [x]) => {
            const g = geluLanes(L, x!);
            return { code: g.code, results: [g.result] };
          }),
          elementwise('geluWithTanh', 1, 2, (L, [x]) => {
            const g = geluLanes(L, x!);
            return { code: g.code, results: [g.result, g.tanh] };
          }),
          elementwise('geluGrad', 3, 1, geluGradLanes),
          layerNormFunction(false),
          layerNormFunction(true),
          layerNormGradFunction(),
          layerNormGrad2Function(),
        ]);
        compiled = WA.validate(bytes) ? new WA.Module(bytes) : null;
        if (!compiled) problem = 'this WebAssembly engine does not take the SIMD module';
      }
      if (compiled) kernels = new WA.Instance(compiled, { env: { memory } }).exports as unknown as Kernels;
    }
  } catch (e) {
    problem = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    kernels = null; // a shared (threaded) memory, or no SIMD: the stock kernels serve
  }
  instances.set(backend, kernels);
  return kernels;
}

/** What the run report says of these kernels on the active WASM backend. */
export function wasmSimdStatus(tf: Tf): string {
  return wasmSimdActive(tf) ? 'own SIMD kernels on' : `own SIMD kernels off (${problem || 'not the WASM backend'}), stock kernels in their place`;
}

/** Whether the active backend is WASM and these kernels run on it (not the stock ones in their place). */
export function wasmSimdActive(tf: Tf): boolean {
  return tf.getBackend() === 'wasm' && kernelsFor(tf.backend() as unknown as WasmBackend) !== null;
}

/** Whether the SIMD matmul takes a BatchMatMul of these operands (else the stock kernel does, as before). */
export function takesBatchMatMul(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): boolean {
  if (transposeA || a.length < 3 || a.length !== b.length) return false;
  for (let d = 0; d < a.length - 2; d++) if (a[d] !== b[d]) return false;
  const batch = sizeFromShape(a.slice(0, -2));
  const k = a[a.length - 1]!;
  const [bk, n] = transposeB ? [b[b.length - 1]!, b[b.length - 2]!] : [b[b.length - 2]!, b[b.length - 1]!];
  // No batch and neither operand transposed is XNNPACK's case (other sums): left to the stock kernel.
  return (batch > 1 || transposeB) && k >= 1 && k <= STOCK_K_BLOCK && bk === k && a[a.length - 2]! > 0 && n > 0;
}

const offset = (backend: WasmBackend, t: Info): number => backend.typedArrayFromHeap(t).byteOffset;
const sizeFromShape = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

export function registerWasmSimdKernels(tf: Tf): void {
  /** Puts the kernel `make` builds in the stock kernel's place, keeping the stock one as `stockName` too. */
  const replace = (kernelName: string, stockName: string, make: (stock: TfCore.KernelFunc) => TfCore.KernelFunc): void => {
    const stock = tf.getKernel(kernelName, 'wasm');
    if (!stock) return;
    // A stock kernel binds its WebAssembly function in its setupFunc, which the backend runs at start-up for every
    // kernel registered then: both registrations keep it.
    const { kernelFunc, setupFunc } = stock;
    if (!tf.getKernel(stockName, 'wasm')) tf.registerKernel({ kernelName: stockName, backendName: 'wasm', kernelFunc, setupFunc });
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', setupFunc, kernelFunc: make(kernelFunc) });
  };

  replace(tf.BatchMatMul, STOCK_BATCH_MATMUL, (stock) => (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const backend = args.backend as WasmBackend;
    const kernels = a.dtype === 'float32' && b.dtype === 'float32' && takesBatchMatMul(a.shape, b.shape, transposeA, transposeB) ? kernelsFor(backend) : null;
    if (!kernels) return stock(args);
    const r = a.shape.length;
    const [m, k, n] = [a.shape[r - 2]!, a.shape[r - 1]!, b.shape[transposeB ? r - 2 : r - 1]!];
    const out = backend.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
    const batch = sizeFromShape(a.shape.slice(0, -2));
    (transposeB ? kernels.bmmT : kernels.bmm)(offset(backend, a), offset(backend, b), offset(backend, out), batch, m, k, n);
    return out;
  });

  /**
   * An elementwise kernel of the module: float32 inputs of one size (4 or more values), `outputs` outputs of their
   * shape, `fn` the export to call with the inputs' offsets, the outputs' and the count. Anything else goes to
   * `fallback` (the stock kernel a replacement stands in for), or is a caller's mistake, said (ops.ts asks for its
   * own kernels only where they take the input).
   */
  const elementwiseFunc =
    (name: string, inputNames: string[], outputs: number, fn: (k: Kernels) => (...args: number[]) => void, fallback?: TfCore.KernelFunc): TfCore.KernelFunc =>
    (args) => {
      const xs = inputNames.map((n) => (args.inputs as Record<string, Info>)[n]!);
      const backend = args.backend as WasmBackend;
      const n = sizeFromShape(xs[0]!.shape);
      const takes = n >= 4 && xs.every((x) => x.dtype === 'float32' && sizeFromShape(x.shape) === n);
      const kernels = takes ? kernelsFor(backend) : null;
      if (!kernels) {
        if (fallback) return fallback(args);
        throw new Error(`${name} takes float32 tensors of one size, 4 or more values, on the WASM backend`);
      }
      const outs = Array.from({ length: outputs }, () => backend.makeOutput([...xs[0]!.shape], 'float32'));
      fn(kernels)(...xs.map((x) => offset(backend, x)), ...outs.map((o) => offset(backend, o)), n);
      return outputs === 1 ? outs[0]! : outs;
    };
  const elementwiseKernel = (name: string, inputNames: string[], outputs: number, fn: (k: Kernels) => (...args: number[]) => void) => {
    if (!tf.getKernel(name, 'wasm')) tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: elementwiseFunc(name, inputNames, outputs, fn) });
  };
  replace(tf.Tanh, STOCK_TANH, (stock) => elementwiseFunc(tf.Tanh, ['x'], 1, (k) => k.tanh, stock));
  elementwiseKernel(SIMD_GELU, ['x'], 1, (k) => k.gelu);
  elementwiseKernel(SIMD_GELU_TRAIN, ['x'], 2, (k) => k.geluWithTanh);
  elementwiseKernel(SIMD_GELU_GRAD, ['x', 't', 'dy'], 1, (k) => k.geluGrad);

  /**
   * A LayerNorm kernel of the module over rows of x's last axis (float32, d >= 4): each input and output of x's
   * shape ('x'), one value a row ('row', x's shape with a last axis of 1) or one a column ('d'); `fn` takes their
   * offsets, inputs first, then rows, d and `extra` of the attributes.
   */
  type RowShape = 'x' | 'row' | 'd';
  const rowKernel = (
    name: string,
    inputs: Array<[string, RowShape]>,
    outputs: RowShape[],
    fn: (k: Kernels) => (...args: number[]) => void,
    extra: (attrs: TfCore.NamedAttrMap) => number[] = () => [],
  ) => {
    if (tf.getKernel(name, 'wasm')) return;
    const kernelFunc: TfCore.KernelFunc = (args) => {
      const ins = inputs.map(([n]) => (args.inputs as Record<string, Info>)[n]!);
      const x = ins[0]!;
      const backend = args.backend as WasmBackend;
      const d = x.shape[x.shape.length - 1] ?? 0;
      const rows = sizeFromShape(x.shape.slice(0, -1));
      const shapes: Record<RowShape, number[]> = { x: [...x.shape], row: [...x.shape.slice(0, -1), 1], d: [d] };
      const sizes: Record<RowShape, number> = { x: rows * d, row: rows, d };
      const kernels = kernelsFor(backend);
      if (!kernels || d < 4 || ins.some((t, k) => t.dtype !== 'float32' || sizeFromShape(t.shape) !== sizes[inputs[k]![1]]))
        throw new Error(
          `${name} takes float32 rows of 4 or more values, with ${inputs
            .slice(1)
            .map(([n, s]) => `${n} (${s === 'd' ? 'a value a column' : s === 'row' ? 'a value a row' : "x's shape"})`)
            .join(', ')}, on the WASM backend`,
        );
      const outs = outputs.map((s) => backend.makeOutput(shapes[s], 'float32'));
      fn(kernels)(...ins.map((t) => offset(backend, t)), ...outs.map((o) => offset(backend, o)), rows, d, ...extra(args.attrs ?? {}));
      return outs.length === 1 ? outs[0]! : outs;
    };
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
  };
  const epsBits = (attrs: TfCore.NamedAttrMap) => [new Int32Array(new Float32Array([(attrs as { eps: number }).eps]).buffer)[0]!];
  rowKernel(
    SIMD_LAYER_NORM,
    [
      ['x', 'x'],
      ['gain', 'd'],
      ['bias', 'd'],
    ],
    ['x'],
    (k) => k.layerNorm,
    epsBits,
  );
  rowKernel(
    SIMD_LAYER_NORM_TRAIN,
    [
      ['x', 'x'],
      ['gain', 'd'],
      ['bias', 'd'],
    ],
    ['x', 'row', 'row', 'row'],
    (k) => k.layerNormTrain,
    epsBits,
  );
  rowKernel(
    SIMD_LAYER_NORM_GRAD,
    [
      ['x', 'x'],
      ['mean', 'row'],
      ['inv', 'row'],
      ['dy', 'x'],
      ['gain', 'd'],
    ],
    ['x', 'row', 'row', 'd', 'd'],
    (k) => k.layerNormGrad,
  );
  rowKernel(
    SIMD_LAYER_NORM_GRAD2,
    [
      ['x', 'x'],
      ['mean', 'row'],
      ['dve', 'row'],
      ['dmA', 'row'],
    ],
    ['x', 'x'],
    (k) => k.layerNormGrad2,
  );
}
