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
 *
 * f32x4 arithmetic rounds like the scalar f32 operations (WebAssembly never fuses a multiply-add), so the values are
 * the stock ones exactly; tf-wasm-simd.test.ts compares every kernel with the stock kernels or tf ops bit for bit
 * (the matmul over every tail and chunk width, tanh over a million inputs of every magnitude and raw bit patterns).
 *
 * The module (wasm-encoder.ts writes it as bytes; there is no toolchain) imports the backend's own memory, so it
 * reads and writes tensors in the heap with no copy. Where it cannot share that memory (the threaded build's shared
 * memory) or a shape is not one it takes, the stock kernels and tf ops run, as before; the backend's details in
 * Settings and the run report say which (`wasmSimdStatus`).
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import {
  type Code,
  F32,
  I32,
  V128,
  type ValType,
  f32,
  f32Add,
  f32Load,
  f32Mul,
  f32Store,
  f32x4Add,
  f32x4ConvertI32x4S,
  f32x4Div,
  f32x4Lt,
  f32x4Ne,
  f32x4Mul,
  f32x4Neg,
  f32x4Splat,
  f32x4Sub,
  get,
  i32,
  i32Add,
  i32GtU,
  i32LtU,
  i32Mul,
  i32Sub,
  i32Eqz,
  i32x4Add,
  i32x4Eq,
  i32x4GeS,
  i32x4GtS,
  i32x4LtS,
  i32x4Shl,
  i32x4ShrS,
  i32x4Sub,
  i32x4TruncSatF32x4S,
  set,
  vAnd,
  vAndNot,
  vBitselect,
  vConstBits,
  vLoad,
  vStore,
  vXor,
  wasmModule,
  whileLoop,
  select as selectI32,
  f32ConvertI32U,
  f32ReinterpretI32,
  f32x4ExtractLane,
  f32x4ReplaceLane,
  f32x4Sqrt,
} from './wasm-encoder';

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
}

/** Hands out local indices after the parameters, recording their types. */
class Locals {
  readonly types: ValType[] = [];
  constructor(private readonly params: number) {}
  add(type: ValType): number {
    this.types.push(type);
    return this.params + this.types.length - 1;
  }
  many(type: ValType, n: number): number[] {
    return Array.from({ length: n }, () => this.add(type));
  }
}

const x4 =
  (op: Code) =>
  (a: Code, b: Code): Code => [...a, ...b, ...op];
const fadd = x4(f32x4Add);
const fsub = x4(f32x4Sub);
const fmul = x4(f32x4Mul);
const fdiv = x4(f32x4Div);
const and = x4(vAnd);
const andNot = x4(vAndNot);
const gtS = x4(i32x4GtS);
const ltS = x4(i32x4LtS);
/** a where mask, else b. */
const select = (a: Code, b: Code, mask: Code): Code => [...a, ...b, ...mask, ...vBitselect];
/** While a function is generated: its constants as locals, set once before its loop. */
let pool: { L: Locals; locals: Map<number, number> } | null = null;
const bitsC = (bits: number): Code => {
  if (!pool) return vConstBits(bits);
  const key = bits >>> 0;
  let l = pool.locals.get(key);
  if (l === undefined) pool.locals.set(key, (l = pool.L.add(V128)));
  return get(l);
};
const c = (x: number): Code => bitsC(new Uint32Array(new Float32Array([x]).buffer)[0]!);

/**
 * bmm(a, b, out, batch, m, k, n): out[t] = a[t] @ b[t] for t < batch; a [m, k], b [k, n], out [m, n], row-major
 * float32 at byte offsets. Each output is `s = 0; for p < k: s = s + a[i,p] * b[p,j]`.
 */
function bmmFunction(transposedB: boolean) {
  const [A, B, OUT, BATCH, M, K, N] = [0, 1, 2, 3, 4, 5, 6];
  const L = new Locals(7);
  const [t, i, j, p, aRow, bCol, oRow, bMat, kb4] = L.many(I32, 9);
  const acc = L.many(V128, 4);
  const s = L.add(F32);
  const sv = L.add(V128);
  const times4 = (x: Code): Code => [...x, ...i32(4), ...i32Mul];
  const step = (l: number, by: Code): Code => [...get(l), ...by, ...i32Add, ...set(l)];
  // b[p, j] is at b + 4*(p*n + j); transposed (b [n, k]), at b + 4*(j*k + p).
  const columnStart: Code = [...get(bMat), ...(transposedB ? times4([...get(j), ...get(K), ...i32Mul]) : times4(get(j))), ...i32Add, ...set(bCol)];
  const nextP: Code = step(bCol, transposedB ? i32(4) : times4(get(N)));
  /** b[p, j + 4q .. j + 4q + 3] as a vector: one load, or transposed four (lane l is kb4*(4q + l) bytes on). */
  const loadB = (q: number): Code =>
    transposedB
      ? [0, 1, 2, 3].flatMap((l) => [
          ...get(bCol),
          ...(4 * q + l === 0 ? [] : [...get(kb4), ...i32(4 * q + l), ...i32Mul, ...i32Add]),
          ...f32Load,
          ...(l === 0 ? f32x4Splat : f32x4ReplaceLane(l)),
        ])
      : [...get(bCol), ...vLoad(16 * q)];
  /** Outputs j .. j + 4*width of row i, each lane one output's sum over p. */
  const chunk = (width: number): Code => {
    const inner: Code = [...get(aRow), ...times4(get(p)), ...i32Add, ...f32Load, ...f32x4Splat, ...set(sv)];
    for (let q = 0; q < width; q++) inner.push(...get(acc[q]!), ...get(sv), ...loadB(q), ...f32x4Mul, ...f32x4Add, ...set(acc[q]!));
    inner.push(...nextP, ...step(p, i32(1)));
    const body: Code = [];
    for (let q = 0; q < width; q++) body.push(...c(0), ...set(acc[q]!));
    body.push(...columnStart, ...i32(0), ...set(p));
    body.push(...whileLoop([...get(p), ...get(K), ...i32LtU], inner));
    for (let q = 0; q < width; q++) body.push(...get(oRow), ...times4(get(j)), ...i32Add, ...get(acc[q]!), ...vStore(16 * q));
    body.push(...step(j, i32(4 * width)));
    // while j + 4*width <= n
    return whileLoop([...get(j), ...i32(4 * width), ...i32Add, ...get(N), ...i32GtU, ...i32Eqz], body);
  };
  /** The last n % 4 outputs of the row, one scalar sum each. */
  const inner = [...get(s), ...get(aRow), ...times4(get(p)), ...i32Add, ...f32Load, ...get(bCol), ...f32Load, ...f32Mul, ...f32Add, ...set(s)];
  inner.push(...nextP, ...step(p, i32(1)));
  const tail = whileLoop(
    [...get(j), ...get(N), ...i32LtU],
    [
      ...f32(0),
      ...set(s),
      ...columnStart,
      ...i32(0),
      ...set(p),
      ...whileLoop([...get(p), ...get(K), ...i32LtU], inner),
      ...get(oRow),
      ...times4(get(j)),
      ...i32Add,
      ...get(s),
      ...f32Store,
      ...step(j, i32(1)),
    ],
  );
  const row = (base: number, width: number): Code => [
    ...get(base),
    ...times4([...get(t), ...get(M), ...i32Mul, ...get(i), ...i32Add, ...get(width), ...i32Mul]),
    ...i32Add,
  ];
  const rowBody = [
    ...row(A, K),
    ...set(aRow),
    ...row(OUT, N),
    ...set(oRow),
    ...i32(0),
    ...set(j),
    ...chunk(4),
    ...chunk(2),
    ...chunk(1),
    ...tail,
    ...step(i, i32(1)),
  ];
  const matBody = [
    ...get(B),
    ...times4([...get(t), ...get(K), ...i32Mul, ...get(N), ...i32Mul]),
    ...i32Add,
    ...set(bMat),
    ...i32(0),
    ...set(i),
    ...whileLoop([...get(i), ...get(M), ...i32LtU], rowBody),
    ...step(t, i32(1)),
  ];
  const code = [...times4(get(K)), ...set(kb4), ...i32(0), ...set(t), ...whileLoop([...get(t), ...get(BATCH), ...i32LtU], matBody)];
  return { name: transposedB ? 'bmmT' : 'bmm', params: 7, locals: L.types, code };
}

/** musl's expm1f on four lanes of `y` (a v128 local), for the arguments tanhf gives it (|y| <= 20, no NaN). */
function expm1Lanes(L: Locals, y: number): { code: Code; result: number } {
  const v = () => L.add(V128);
  const [hy, sy, red, k1m, kgm, small, hi, lo, kv, kg, tg, xr, cc, hfx, hxs, r1, tt, e, e2, r] = Array.from({ length: 20 }, v);
  const Y = get(y);
  const code: Code = [
    ...and(Y, bitsC(0x7fffffff)),
    ...set(hy),
    ...Y,
    ...i32(31),
    ...i32x4ShrS,
    ...set(sy), // all ones where y < 0
    ...gtS(get(hy), bitsC(0x3eb17218)),
    ...set(red), // |y| > 0.5 ln2: reduced
    ...and(get(red), ltS(get(hy), bitsC(0x3f851592))),
    ...set(k1m), // and |y| < 1.5 ln2: k = +-1
    ...andNot(get(red), get(k1m)),
    ...set(kgm), // k from y / ln2
    ...andNot(ltS(get(hy), bitsC(0x33000000)), get(red)),
    ...set(small), // |y| < 2^-25: y itself
    // k = (int)(invln2 * y + (y < 0 ? -0.5 : 0.5)), t = k, hi = y - t * ln2_hi, lo = t * ln2_lo
    ...fadd(fmul(c(1.4426950216), Y), select(c(-0.5), c(0.5), get(sy))),
    ...i32x4TruncSatF32x4S,
    ...set(kg),
    ...get(kg),
    ...f32x4ConvertI32x4S,
    ...set(tg),
    // hi, lo, k by case: +-1 | general | 0
    ...select(
      select(fadd(Y, c(6.9313812256e-1)), fsub(Y, c(6.9313812256e-1)), get(sy)),
      select(fsub(Y, fmul(get(tg), c(6.9313812256e-1))), Y, get(kgm)),
      get(k1m),
    ),
    ...set(hi),
    ...select(select(c(-9.0580006145e-6), c(9.0580006145e-6), get(sy)), select(fmul(get(tg), c(9.0580006145e-6)), c(0), get(kgm)), get(k1m)),
    ...set(lo),
    ...select(select(bitsC(-1), bitsC(1), get(sy)), select(get(kg), bitsC(0), get(kgm)), get(k1m)),
    ...set(kv),
    ...select(fsub(get(hi), get(lo)), Y, get(red)),
    ...set(xr),
    ...select(fsub(fsub(get(hi), get(xr)), get(lo)), c(0), get(red)),
    ...set(cc),
    // The primary range: hfx = 0.5x, hxs = x hfx, r1 = 1 + hxs (Q1 + hxs Q2), t = 3 - r1 hfx, e = hxs ((r1 - t) / (6 - x t))
    ...fmul(c(0.5), get(xr)),
    ...set(hfx),
    ...fmul(get(xr), get(hfx)),
    ...set(hxs),
    ...fadd(c(1), fmul(get(hxs), fadd(c(-3.3333212137e-2), fmul(get(hxs), c(1.5807170421e-3))))),
    ...set(r1),
    ...fsub(c(3), fmul(get(r1), get(hfx))),
    ...set(tt),
    ...fmul(get(hxs), fdiv(fsub(get(r1), get(tt)), fsub(c(6), fmul(get(xr), get(tt))))),
    ...set(e),
    // e2 = (x (e - c) - c) - hxs
    ...fsub(fsub(fmul(get(xr), fsub(get(e), get(cc))), get(cc)), get(hxs)),
    ...set(e2),
    // k >= 2 (k < 23 | k >= 23), with twopk = 2^k and u = 2^-k built from their exponent bits
    ...select(
      fmul(fadd(fsub(get(xr), get(e2)), fsub(c(1), [...bitsC(0x7f), ...get(kv), ...i32x4Sub, ...i32(23), ...i32x4Shl])), [
        ...get(kv),
        ...bitsC(0x7f),
        ...i32x4Add,
        ...i32(23),
        ...i32x4Shl,
      ]),
      fmul(fadd(fsub(get(xr), fadd(get(e2), [...bitsC(0x7f), ...get(kv), ...i32x4Sub, ...i32(23), ...i32x4Shl])), c(1)), [
        ...get(kv),
        ...bitsC(0x7f),
        ...i32x4Add,
        ...i32(23),
        ...i32x4Shl,
      ]),
      ltS(get(kv), bitsC(23)),
    ),
    ...set(r),
    // k == 1: x < -0.25 ? -2 (e - (x + 0.5)) : 1 + 2 (x - e)
    ...select(
      select(fmul(c(-2), fsub(get(e2), fadd(get(xr), c(0.5)))), fadd(c(1), fmul(c(2), fsub(get(xr), get(e2)))), [...get(xr), ...c(-0.25), ...f32x4Lt]),
      get(r),
      [...get(kv), ...bitsC(1), ...i32x4Eq],
    ),
    ...set(r),
    // k == -1: 0.5 (x - e) - 0.5
    ...select(fsub(fmul(c(0.5), fsub(get(xr), get(e2))), c(0.5)), get(r), [...get(kv), ...bitsC(-1), ...i32x4Eq]),
    ...set(r),
    // k == 0: x - (x e - hxs), with the unreduced e
    ...select(fsub(get(xr), fsub(fmul(get(xr), get(e)), get(hxs))), get(r), [...get(kv), ...bitsC(0), ...i32x4Eq]),
    ...set(r),
    ...select(Y, get(r), get(small)),
    ...set(r),
  ];
  return { code, result: r };
}

/** musl's tanhf on four lanes of `x` (a v128 local): every branch computed, each lane's own selected. */
function tanhLanes(L: Locals, x: number): { code: Code; result: number } {
  const [w, sgn, big, ma, mb, mc, y, d, q, r] = L.many(V128, 10);
  const em = expm1Lanes(L, y);
  const W = get(w);
  const code: Code = [
    ...and(get(x), bitsC(0x7fffffff)),
    ...set(w),
    ...and(get(x), bitsC(0x80000000)),
    ...set(sgn),
    ...gtS(W, bitsC(0x41200000)),
    ...set(big), // |x| > 10 (or inf, NaN): 1 + 0/|x|
    ...gtS(W, bitsC(0x3f0c9f54)),
    ...set(ma), // |x| > log(3)/2: 1 - 2/(expm1(2|x|) + 2)
    ...andNot(gtS(W, bitsC(0x3e82c578)), get(ma)),
    ...set(mb), // |x| > log(5/3)/2: t/(t + 2), t = expm1(2|x|)
    ...andNot(andNot([...W, ...bitsC(0x00800000), ...i32x4GeS], get(ma)), get(mb)),
    ...set(mc), // normal: -t/(t + 2), t = expm1(-2|x|); else (subnormal, zero) |x|
    ...select(fmul(W, c(-2)), fmul(W, c(2)), get(mc)),
    ...set(y),
    ...em.code,
    ...fadd(get(em.result), c(2)),
    ...set(d),
    // One division a lane: 2/d where |x| > log(3)/2, t/d below.
    ...fdiv(select(c(2), get(em.result), get(ma)), get(d)),
    ...set(q),
    ...select(
      // 1 + 0/|x| is 1, or NaN for a NaN (whose payload is not compared)
      select(W, c(1), [...W, ...W, ...f32x4Ne]),
      select(fsub(c(1), get(q)), select(get(q), select([...get(q), ...f32x4Neg], W, get(mc)), get(mb)), get(ma)),
      get(big),
    ),
    ...get(sgn),
    ...vXor, // the sign back: -t for x < 0
    ...set(r),
  ];
  return { code, result: r };
}

/**
 * `index = min(index, count - 4)`: the last vector of a row of count >= 4 floats starts 4 before its end, and may
 * overlap the one before it (elementwise work, so it rewrites the same values).
 */
const lastVector = (index: number, count: number): Code => [
  ...get(count),
  ...i32(4),
  ...i32Sub,
  ...get(index),
  ...get(index),
  ...i32(4),
  ...i32Add,
  ...get(count),
  ...i32GtU,
  ...selectI32,
  ...set(index),
];

/** What an elementwise kernel's lanes compute: from v128 locals holding its inputs, code and the locals of its outputs. */
type Lanes = (L: Locals, inputs: number[]) => { code: Code; results: number[] };

/**
 * An elementwise function of n >= 4 floats: params (in_0 .. in_{a-1}, out_0 .. out_{b-1}, n), byte offsets and a
 * count. Four at a time; the last four may overlap the ones before (each element is rewritten with the same value).
 * Constants become locals set once before the loop.
 */
function elementwise(name: string, inputs: number, outputs: number, lanes: Lanes) {
  const N = inputs + outputs;
  const L = new Locals(N + 1);
  const i = L.add(I32);
  const xs = L.many(V128, inputs);
  pool = { L, locals: new Map() };
  const f = lanes(L, xs);
  const constants = pool.locals;
  pool = null;
  const at = (base: number): Code => [...get(base), ...get(i), ...i32(4), ...i32Mul, ...i32Add];
  const body: Code = [
    ...lastVector(i, N),
    ...xs.flatMap((x, k) => [...at(k), ...vLoad(), ...set(x)]),
    ...f.code,
    ...f.results.flatMap((r, k) => [...at(inputs + k), ...get(r), ...vStore()]),
    ...get(i),
    ...i32(4),
    ...i32Add,
    ...set(i),
  ];
  const init = [...constants].flatMap(([bits, l]) => [...vConstBits(bits), ...set(l)]);
  const code = [...init, ...i32(0), ...set(i), ...whileLoop([...get(i), ...get(N), ...i32LtU], body)];
  return { name, params: N + 1, locals: L.types, code };
}

/** The constants of ops.ts's GELU (as float32 scalars, as tf.mul makes of them). */
export const GELU_CUBE = 0.044715;
export const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * ops.ts's GELU as its tf ops compute it: inner = (x + ((x * x) * x) * 0.044715) * sqrt(2/pi), then
 * (x * 0.5) * (tanh(inner) + 1), each operation rounded to float32.
 */
function geluLanes(L: Locals, x: number): { code: Code; result: number; tanh: number } {
  const [inner, out] = L.many(V128, 2);
  const X = get(x);
  const t = tanhLanes(L, inner);
  const code: Code = [
    ...fmul(fadd(X, fmul(fmul(fmul(X, X), X), c(GELU_CUBE))), c(GELU_C)),
    ...set(inner),
    ...t.code,
    ...fmul(fmul(X, c(0.5)), fadd(get(t.result), c(1))),
    ...set(out),
  ];
  return { code, result: out, tanh: t.result };
}

/**
 * The gradient of ops.ts's GELU tf ops with respect to x, given x, t = tanh(inner) and dy, as tfjs's tape computes it
 * (tf-gradients.ts's Multiply, Add and Tanh gradients in the order the tape walks them, x's four parts added in that
 * order): dh = dy (t + 1), du = dy (x 0.5), de = (1 - t t) du, dd = de c, db = dd cube, then
 * ((((dh 0.5 + dd) + db (x x)) + db x x) + db x x), the last two the same product.
 */
function geluGradLanes(L: Locals, [x, t, dy]: number[]): { code: Code; results: number[] } {
  const [dd, db, last, acc] = L.many(V128, 4);
  const X = get(x);
  const code: Code = [
    // dd = ((1 - t t) (dy (x 0.5))) c
    ...fmul(fmul(fsub(c(1), fmul(get(t), get(t))), fmul(get(dy), fmul(X, c(0.5)))), c(GELU_C)),
    ...set(dd),
    ...fmul(get(dd), c(GELU_CUBE)),
    ...set(db),
    // last = (db x) x
    ...fmul(fmul(get(db), X), X),
    ...set(last),
    // acc = (((dy (t + 1)) 0.5 + dd) + db (x x)) + last, then + last
    ...fadd(fadd(fadd(fadd(fmul(fmul(get(dy), fadd(get(t), c(1))), c(0.5)), get(dd)), fmul(get(db), fmul(X, X))), get(last)), get(last)),
    ...set(acc),
  ];
  return { code, results: [acc] };
}

/**
 * layerNorm(x, gain, bias, out, rows, d, epsBits): ops.ts's LayerNorm over the last axis (d >= 4), in the stock
 * kernels' float32 order (tfjs-backend-wasm's Mean sums a row left to right in float32 and divides by its length): mean = (sum of the row, left to right) / d, variance likewise of the squared
 * deviations, inv = 1 / sqrt(variance + eps), y = ((x - mean) * inv) * gain + bias. The sums run four rows at a time
 * (a lane per row, so each row keeps its own left-to-right order; a last partial group repeats its last row), the
 * output four columns at a time (the last four may overlap).
 */
function layerNormFunction() {
  const [X, G, BIAS, OUT, ROWS, D, EPS] = [0, 1, 2, 3, 4, 5, 6];
  const L = new Locals(7);
  const [r, j, q, p0, p1, p2, p3, row, jj] = L.many(I32, 9);
  const [sum, mean, sq, inv, v, dev, m, iv, dF] = L.many(V128, 9);
  const ptrs = [p0, p1, p2, p3];
  const times4 = (x: Code): Code => [...x, ...i32(4), ...i32Mul];
  /** The lanes' values at column j: x[row_q, j] for q < 4. */
  const gather: Code = [
    ...get(p0),
    ...times4(get(j)),
    ...i32Add,
    ...f32Load,
    ...f32x4Splat,
    ...[1, 2, 3].flatMap((lane) => [...get(ptrs[lane]!), ...times4(get(j)), ...i32Add, ...f32Load, ...f32x4ReplaceLane(lane)]),
    ...set(v),
  ];
  const overColumns = (body: Code): Code => [
    ...i32(0),
    ...set(j),
    ...whileLoop([...get(j), ...get(D), ...i32LtU], [...body, ...get(j), ...i32(1), ...i32Add, ...set(j)]),
  ];
  // Row pointers: x + 4*d*min(r + q, rows - 1).
  const pointers: Code = ptrs.flatMap((ptr, lane) => [
    ...get(r),
    ...i32(lane),
    ...i32Add,
    ...get(ROWS),
    ...i32(1),
    ...i32Sub,
    ...get(r),
    ...i32(lane),
    ...i32Add,
    ...get(ROWS),
    ...i32LtU,
    ...selectI32,
    ...get(D),
    ...i32Mul,
    ...i32(4),
    ...i32Mul,
    ...get(X),
    ...i32Add,
    ...set(ptr),
  ]);
  /** Row `row`'s output, its mean and inv splat in m and iv, four columns at a time. */
  const at = (base: number, inRow: boolean): Code => [
    ...get(base),
    ...(inRow ? [...get(row), ...get(D), ...i32Mul, ...get(jj), ...i32Add] : get(jj)),
    ...i32(4),
    ...i32Mul,
    ...i32Add,
  ];
  const outRow: Code = [
    ...i32(0),
    ...set(jj),
    ...whileLoop(
      [...get(jj), ...get(D), ...i32LtU],
      [
        ...lastVector(jj, D),
        ...at(OUT, true),
        ...fadd(fmul(fmul(fsub([...at(X, true), ...vLoad()], get(m)), get(iv)), [...at(G, false), ...vLoad()]), [...at(BIAS, false), ...vLoad()]),
        ...vStore(),
        ...get(jj),
        ...i32(4),
        ...i32Add,
        ...set(jj),
      ],
    ),
  ];
  const perLane: Code = [
    ...i32(0),
    ...set(q),
    ...whileLoop(
      // q < 4 and r + q < rows
      [...get(q), ...i32(4), ...i32LtU, ...get(r), ...get(q), ...i32Add, ...get(ROWS), ...i32LtU, 0x71],
      [
        ...get(r),
        ...get(q),
        ...i32Add,
        ...set(row),
        // m, iv = lane q of mean, inv (a lane index must be a constant: one branch per lane)
        ...[0, 1, 2, 3].flatMap((lane) => [
          ...get(q),
          ...i32(lane),
          0x46, // i32.eq
          0x04,
          0x40, // if
          ...get(mean),
          ...f32x4ExtractLane(lane),
          ...f32x4Splat,
          ...set(m),
          ...get(inv),
          ...f32x4ExtractLane(lane),
          ...f32x4Splat,
          ...set(iv),
          0x0b,
        ]),
        ...outRow,
        ...get(q),
        ...i32(1),
        ...i32Add,
        ...set(q),
      ],
    ),
  ];
  const group: Code = [
    ...pointers,
    ...c(0),
    ...set(sum),
    ...overColumns([...gather, ...fadd(get(sum), get(v)), ...set(sum)]),
    ...fdiv(get(sum), get(dF)),
    ...set(mean),
    ...c(0),
    ...set(sq),
    ...overColumns([...gather, ...fsub(get(v), get(mean)), ...set(dev), ...fadd(get(sq), fmul(get(dev), get(dev))), ...set(sq)]),
    ...fdiv(c(1), [...fadd(fdiv(get(sq), get(dF)), [...get(EPS), ...f32ReinterpretI32, ...f32x4Splat]), ...f32x4Sqrt]),
    ...set(inv),
    ...perLane,
    ...get(r),
    ...i32(4),
    ...i32Add,
    ...set(r),
  ];
  const code = [...get(D), ...f32ConvertI32U, ...f32x4Splat, ...set(dF), ...i32(0), ...set(r), ...whileLoop([...get(r), ...get(ROWS), ...i32LtU], group)];
  return { name: 'layerNorm', params: 7, locals: L.types, code };
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
          layerNormFunction(),
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
  const batch = a.slice(0, -2).reduce((x, y) => x * y, 1);
  const k = a[a.length - 1]!;
  const [bk, n] = transposeB ? [b[b.length - 1]!, b[b.length - 2]!] : [b[b.length - 2]!, b[b.length - 1]!];
  // No batch and neither operand transposed is XNNPACK's case (other sums): left to the stock kernel.
  return (batch > 1 || transposeB) && k >= 1 && k <= STOCK_K_BLOCK && bk === k && a[a.length - 2]! > 0 && n > 0;
}

const offset = (backend: WasmBackend, t: Info): number => backend.typedArrayFromHeap(t).byteOffset;

export function registerWasmSimdKernels(tf: Tf): void {
  /** Puts `kernelFunc` in the stock kernel's place (keeping it as `stockName` too), or returns false. */
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
    const batch = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    (transposeB ? kernels.bmmT : kernels.bmm)(offset(backend, a), offset(backend, b), offset(backend, out), batch, m, k, n);
    return out;
  });

  replace(tf.Tanh, STOCK_TANH, (stock) => (args) => {
    const { x } = args.inputs as { x: Info };
    const backend = args.backend as WasmBackend;
    const n = x.shape.reduce((p, d) => p * d, 1);
    const kernels = x.dtype === 'float32' && n >= 4 ? kernelsFor(backend) : null;
    if (!kernels) return stock(args);
    const out = backend.makeOutput([...x.shape], 'float32');
    kernels.tanh(offset(backend, x), offset(backend, out), n);
    return out;
  });

  /**
   * An elementwise kernel of the module under `name`: float32 inputs of one size (4 or more values: ops.ts asks only
   * then, so anything else is a caller's mistake, said), `outputs` outputs of that shape, `fn` the export to call
   * with the inputs' offsets, the outputs' and the count.
   */
  const elementwiseKernel = (name: string, inputNames: string[], outputs: number, fn: (k: Kernels) => (...args: number[]) => void) => {
    if (tf.getKernel(name, 'wasm')) return;
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: (args) => {
        const xs = inputNames.map((n) => (args.inputs as Record<string, Info>)[n]!);
        const backend = args.backend as WasmBackend;
        const kernels = kernelsFor(backend);
        const n = xs[0]!.shape.reduce((p, d) => p * d, 1);
        if (!kernels || n < 4 || xs.some((x) => x.dtype !== 'float32' || x.shape.reduce((p, d) => p * d, 1) !== n))
          throw new Error(`${name} takes float32 tensors of one size, 4 or more values, on the WASM backend`);
        const outs = Array.from({ length: outputs }, () => backend.makeOutput([...xs[0]!.shape], 'float32'));
        fn(kernels)(...xs.map((x) => offset(backend, x)), ...outs.map((o) => offset(backend, o)), n);
        return outputs === 1 ? outs[0]! : outs;
      },
    });
  };
  elementwiseKernel(SIMD_GELU, ['x'], 1, (k) => k.gelu);
  elementwiseKernel(SIMD_GELU_TRAIN, ['x'], 2, (k) => k.geluWithTanh);
  elementwiseKernel(SIMD_GELU_GRAD, ['x', 't', 'dy'], 1, (k) => k.geluGrad);

  if (!tf.getKernel(SIMD_LAYER_NORM, 'wasm'))
    tf.registerKernel({
      kernelName: SIMD_LAYER_NORM,
      backendName: 'wasm',
      kernelFunc: (args) => {
        const { x, gain, bias } = args.inputs as { x: Info; gain: Info; bias: Info };
        const backend = args.backend as WasmBackend;
        const d = x.shape[x.shape.length - 1] ?? 0;
        const kernels = kernelsFor(backend);
        if (!kernels || x.dtype !== 'float32' || d < 4 || gain.shape.join() !== String(d) || bias.shape.join() !== String(d))
          throw new Error(`${SIMD_LAYER_NORM} takes float32 rows of 4 or more values, with a gain and a bias of that width, on the WASM backend`);
        const rows = x.shape.slice(0, -1).reduce((p, n) => p * n, 1);
        const out = backend.makeOutput([...x.shape], 'float32');
        const eps = new Uint32Array(new Float32Array([(args.attrs as { eps: number }).eps]).buffer)[0]!;
        kernels.layerNorm(offset(backend, x), offset(backend, gain), offset(backend, bias), offset(backend, out), rows, d, eps | 0);
        return out;
      },
    });
}
