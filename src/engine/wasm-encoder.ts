/**
 * A minimal WebAssembly encoder: the instructions tf-wasm-simd.ts's kernels use, as byte arrays that concatenate
 * (stack code: operands first, then the operation), a module of exported functions that imports one memory
 * (`env.memory`), and a few helpers over them (locals, f32x4 expressions, constants kept in locals, elementwise
 * loops). No toolchain is needed; WebAssembly.validate and the kernels' tests check what it writes.
 */

export type Code = number[];

export const uleb = (n: number): Code => {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};

export const sleb = (n: number): Code => {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};

const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (s: string): Code => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

// --- Scalar instructions ---
export const get = (l: number): Code => [0x20, ...uleb(l)];
export const set = (l: number): Code => [0x21, ...uleb(l)];
export const tee = (l: number): Code => [0x22, ...uleb(l)];
export const i32 = (n: number): Code => [0x41, ...sleb(n)];
export const f32 = (x: number): Code => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)];
export const i32Add: Code = [0x6a];
export const i32Sub: Code = [0x6b];
export const i32Mul: Code = [0x6c];
export const i32LtU: Code = [0x49];
export const i32GtU: Code = [0x4b];
export const i32LeU: Code = [0x4d];
export const i32Eqz: Code = [0x45];
export const f32Load: Code = [0x2a, 2, 0];
export const f32Store: Code = [0x38, 2, 0];
export const f32Add: Code = [0x92];
export const f32Mul: Code = [0x94];
export const f32ConvertI32U: Code = [0xb3];
export const f32ReinterpretI32: Code = [0xbe];
/** select(a, b, cond): a if cond is not 0, else b. */
export const selectI32: Code = [0x1b];

export const i32And: Code = [0x71];
export const i32Eq: Code = [0x46];

/** `block { loop { leave unless cond; body; continue } }`. */
export const whileLoop = (cond: Code, body: Code): Code => [0x02, 0x40, 0x03, 0x40, ...cond, ...i32Eqz, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
/** `if (cond) { body }`. */
export const ifThen = (cond: Code, body: Code): Code => [...cond, 0x04, 0x40, ...body, 0x0b];
/** local += by (an i32 constant, or code that leaves an i32). */
export const increment = (l: number, by: number | Code): Code => [...get(l), ...(typeof by === 'number' ? i32(by) : by), ...i32Add, ...set(l)];
/** `for (index = 0; index < limit; index += step) body`, limit as code that leaves an i32. */
export const countUp = (index: number, limit: Code, body: Code, step = 1): Code => [
  ...i32(0),
  ...set(index),
  ...whileLoop([...get(index), ...limit, ...i32LtU], [...body, ...increment(index, step)]),
];
/** x * 4: a float32 count to bytes. */
export const times4 = (x: Code): Code => [...x, ...i32(4), ...i32Mul];

// --- SIMD (128-bit) instructions ---
const simd = (op: number): Code => [0xfd, ...uleb(op)];
export const vLoad = (offset = 0): Code => [...simd(0x00), 0, ...uleb(offset)];
export const vStore = (offset = 0): Code => [...simd(0x0b), 0, ...uleb(offset)];
/** A v128 constant: the same 32-bit pattern in every lane. */
export const vConstBits = (bits: number): Code => [
  ...simd(0x0c),
  ...Array.from({ length: 4 }, () => [bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, bits >>> 24]).flat(),
];
export const vConstF32 = (x: number): Code => vConstBits(new Uint32Array(new Float32Array([x]).buffer)[0]!);
export const f32x4Splat = simd(0x13);
export const f32x4ExtractLane = (lane: number): Code => [...simd(0x1f), lane];
export const f32x4ReplaceLane = (lane: number): Code => [...simd(0x20), lane];
export const f32x4Sqrt = simd(0xe3);
export const i32x4Eq = simd(0x37);
export const i32x4LtS = simd(0x39);
export const i32x4GtS = simd(0x3b);
export const i32x4GeS = simd(0x3f);
export const f32x4Ne = simd(0x42);
export const f32x4Lt = simd(0x43);
export const vNot = simd(0x4d);
export const vAnd = simd(0x4e);
export const vAndNot = simd(0x4f);
export const vOr = simd(0x50);
export const vXor = simd(0x51);
/** bitselect(a, b, mask): a where mask bits are 1, b elsewhere. */
export const vBitselect = simd(0x52);
export const i32x4Shl = simd(0xab);
export const i32x4ShrS = simd(0xac);
export const i32x4Add = simd(0xae);
export const i32x4Sub = simd(0xb1);
export const f32x4Neg = simd(0xe1);
export const f32x4Add = simd(0xe4);
export const f32x4Sub = simd(0xe5);
export const f32x4Mul = simd(0xe6);
export const f32x4Div = simd(0xe7);
export const i32x4TruncSatF32x4S = simd(0xf8);
export const f32x4ConvertI32x4S = simd(0xfa);

export interface WasmFunction {
  name: string;
  /** i32 parameters (pointers and counts). */
  params: number;
  /** Local types after the parameters, in index order. */
  locals: ValType[];
  code: Code;
}

/** A module exporting `functions` (each returning nothing), importing its memory as env.memory. */
export function wasmModule(functions: WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0]);
  const bodies = functions.map((f) => {
    // Locals as runs of one type, in order.
    const runs: Code[] = [];
    for (let i = 0; i < f.locals.length;) {
      let j = i;
      while (j < f.locals.length && f.locals[j] === f.locals[i]) j++;
      runs.push([...uleb(j - i), f.locals[i]!]);
      i = j;
    }
    const body = [...vec(runs), ...f.code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
}

// --- A small language over the instructions, for tf-wasm-simd.ts's kernels ---

/** Hands out local indices after the parameters, recording their types. */
export class Locals {
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
export const fadd = x4(f32x4Add);
export const fsub = x4(f32x4Sub);
export const fmul = x4(f32x4Mul);
export const fdiv = x4(f32x4Div);
export const and = x4(vAnd);
export const andNot = x4(vAndNot);
export const gtS = x4(i32x4GtS);
export const ltS = x4(i32x4LtS);
/** a where mask, else b. */
export const select = (a: Code, b: Code, mask: Code): Code => [...a, ...b, ...mask, ...vBitselect];
/** While a function is generated: its constants as locals, set once before its loop. */
let pool: { L: Locals; locals: Map<number, number> } | null = null;
export const bitsC = (bits: number): Code => {
  if (!pool) return vConstBits(bits);
  const key = bits >>> 0;
  let l = pool.locals.get(key);
  if (l === undefined) pool.locals.set(key, (l = pool.L.add(V128)));
  return get(l);
};
export const c = (x: number): Code => bitsC(new Uint32Array(new Float32Array([x]).buffer)[0]!);

/**
 * `index = min(index, count - 4)`: the last vector of a row of count >= 4 floats starts 4 before its end, and may
 * overlap the one before it (elementwise work, so it rewrites the same values).
 */
export const lastVector = (index: number, count: number): Code => [
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
export type Lanes = (L: Locals, inputs: number[]) => { code: Code; results: number[] };

/**
 * An elementwise function of n >= 4 floats: params (in_0 .. in_{a-1}, out_0 .. out_{b-1}, n), byte offsets and a
 * count. Four at a time; the last four may overlap the ones before (each element is rewritten with the same value).
 * Constants become locals set once before the loop.
 */
export function elementwise(name: string, inputs: number, outputs: number, lanes: Lanes) {
  const N = inputs + outputs;
  const L = new Locals(N + 1);
  const i = L.add(I32);
  const xs = L.many(V128, inputs);
  pool = { L, locals: new Map() };
  const f = lanes(L, xs);
  const constants = pool.locals;
  pool = null;
  const at = (base: number): Code => [...get(base), ...times4(get(i)), ...i32Add];
  const body: Code = [
    ...lastVector(i, N),
    ...xs.flatMap((x, k) => [...at(k), ...vLoad(), ...set(x)]),
    ...f.code,
    ...f.results.flatMap((r, k) => [...at(inputs + k), ...get(r), ...vStore()]),
  ];
  const init = [...constants].flatMap(([bits, l]) => [...vConstBits(bits), ...set(l)]);
  const code = [...init, ...countUp(i, get(N), body, 4)];
  return { name, params: N + 1, locals: L.types, code };
}
