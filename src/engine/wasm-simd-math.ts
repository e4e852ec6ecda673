/**
 * tf-wasm-simd.ts's elementwise kernels as WebAssembly SIMD code (wasm-encoder.ts): musl's tanhf (through its
 * expm1f), and ops.ts's GELU forward and its gradient in tfjs's tape order, each the float32 operations of the code
 * it stands for, in their order, on four lanes (LayerNorm's are in wasm-simd-layernorm.ts).
 */
import {
  type Code,
  Locals,
  V128,
  and,
  andNot,
  bitsC,
  c,
  f32x4ConvertI32x4S,
  f32x4Lt,
  f32x4Ne,
  f32x4Neg,
  fadd,
  fdiv,
  fmul,
  fsub,
  get,
  gtS,
  i32,
  i32x4Add,
  i32x4Eq,
  i32x4GeS,
  i32x4Shl,
  i32x4ShrS,
  i32x4Sub,
  i32x4TruncSatF32x4S,
  ltS,
  select,
  set,
  vXor,
} from './wasm-encoder';

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
export function tanhLanes(L: Locals, x: number): { code: Code; result: number } {
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

/** The constants of ops.ts's GELU (as float32 scalars, as tf.mul makes of them). */
export const GELU_CUBE = 0.044715;
export const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * ops.ts's GELU as its tf ops compute it: inner = (x + ((x * x) * x) * 0.044715) * sqrt(2/pi), then
 * (x * 0.5) * (tanh(inner) + 1), each operation rounded to float32.
 */
export function geluLanes(L: Locals, x: number): { code: Code; result: number; tanh: number } {
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
export function geluGradLanes(L: Locals, [x, t, dy]: number[]): { code: Code; results: number[] } {
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
