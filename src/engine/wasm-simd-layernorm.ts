/**
 * ops.ts's LayerNorm over the last axis (d >= 4) as WebAssembly SIMD code (wasm-encoder.ts) for tf-wasm-simd.ts:
 * the forward pass, the same keeping what the gradient needs, and the gradient in two passes around the stock Pow
 * kernel, each doing the float32 operations of the tf ops (`layerNormOps`) and of tfjs's tape over them
 * (tf-gradients.ts's gradients) in their order.
 *
 * Row sums run four rows at a time, a lane per row, so each row keeps its own left-to-right order (tfjs-backend-wasm's
 * Sum and Mean add a row left to right in float32 from 0); a last partial group repeats its last row, which
 * rewrites that row's values with the same bits. Column sums (the gain's and bias's gradients, summed over the rows
 * in order, as Sum does after moving the rows innermost) run four columns at a time; the last four may overlap.
 */
import {
  type Code,
  I32,
  Locals,
  V128,
  c,
  countUp,
  f32ConvertI32U,
  f32Load,
  f32ReinterpretI32,
  f32Store,
  f32x4ExtractLane,
  f32x4Neg,
  f32x4ReplaceLane,
  f32x4Splat,
  f32x4Sqrt,
  fadd,
  fdiv,
  fmul,
  fsub,
  get,
  i32,
  i32Add,
  i32And,
  i32Eq,
  i32LtU,
  i32Mul,
  i32Sub,
  ifThen,
  increment,
  lastVector,
  selectI32,
  set,
  times4,
  vLoad,
  vStore,
  whileLoop,
} from './wasm-encoder';

const LANES = [0, 1, 2, 3];
/** A function's parameter indices, 0 .. n - 1. */
const params = (n: number): number[] => Array.from({ length: n }, (_, k) => k);

/**
 * Offsets of four rows from row `r` on (clamped to the last row): `rq` in bytes into per-row values ([rows]), `oq`
 * into the rows themselves ([rows, d]).
 */
function rowGroup(L: Locals, r: number, ROWS: number, D: number) {
  const rq = L.many(I32, 4);
  const oq = L.many(I32, 4);
  const code: Code = LANES.flatMap((lane) => [
    // min(r + lane, rows - 1) * 4
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
    ...i32(4),
    ...i32Mul,
    ...set(rq[lane]!),
    ...get(rq[lane]!),
    ...get(D),
    ...i32Mul,
    ...set(oq[lane]!),
  ]);
  /** The four rows' values at column j of `base` ([rows, d]), or their per-row values (j null, `base` [rows]). */
  const gather = (base: number, j: number | null): Code =>
    LANES.flatMap((lane) => [
      ...get(base),
      ...get((j === null ? rq : oq)[lane]!),
      ...i32Add,
      ...(j === null ? [] : [...times4(get(j)), ...i32Add]),
      ...f32Load,
      ...(lane === 0 ? f32x4Splat : f32x4ReplaceLane(lane)),
    ]);
  /** The lanes of v128 local `v` stored at column j of the four rows of `base`, or as their per-row values. */
  const scatter = (base: number, j: number | null, v: number): Code =>
    LANES.flatMap((lane) => [
      ...get(base),
      ...get((j === null ? rq : oq)[lane]!),
      ...i32Add,
      ...(j === null ? [] : [...times4(get(j)), ...i32Add]),
      ...get(v),
      ...f32x4ExtractLane(lane),
      ...f32Store,
    ]);
  return { code, rq, oq, gather, scatter };
}

/** d as a float32 in every lane of a new local, and the code that sets it. */
function widthLanes(L: Locals, D: number): { code: Code; dF: number } {
  const dF = L.add(V128);
  return { code: [...get(D), ...f32ConvertI32U, ...f32x4Splat, ...set(dF)], dF };
}

/**
 * layerNorm(x, gain, bias, out, rows, d, epsBits), and with `train` layerNormTrain(x, gain, bias, out, mean, inv,
 * ve, rows, d, epsBits), which also stores each row's mean, inv and ve: mean = (the row's sum) / d, the variance
 * likewise of the squared deviations, ve = variance + eps, inv = 1 / sqrt(ve) (the stock Rsqrt), then
 * y = ((x - mean) * inv) * gain + bias, four columns at a time (the last four may overlap).
 */
export function layerNormFunction(train: boolean) {
  const [X, G, BIAS, OUT] = [0, 1, 2, 3];
  const [MEAN, INV, VE] = train ? [4, 5, 6] : [-1, -1, -1];
  const [ROWS, D, EPS] = train ? [7, 8, 9] : [4, 5, 6];
  const L = new Locals(train ? 10 : 7);
  const [r, j, q, row, jj] = L.many(I32, 5);
  const [sum, mean, sq, ve, inv, v, dev, m, iv] = L.many(V128, 9);
  const rows = rowGroup(L, r, ROWS, D);
  const width = widthLanes(L, D);
  const overColumns = (body: Code): Code => countUp(j, get(D), body);
  /** Row `row`'s output, its mean and inv splat in m and iv, four columns at a time. */
  const at = (base: number, inRow: boolean): Code => [
    ...get(base),
    ...times4(inRow ? [...get(row), ...get(D), ...i32Mul, ...get(jj), ...i32Add] : get(jj)),
    ...i32Add,
  ];
  const outRow: Code = countUp(
    jj,
    get(D),
    [
      ...lastVector(jj, D),
      ...at(OUT, true),
      ...fadd(fmul(fmul(fsub([...at(X, true), ...vLoad()], get(m)), get(iv)), [...at(G, false), ...vLoad()]), [...at(BIAS, false), ...vLoad()]),
      ...vStore(),
    ],
    4,
  );
  const perLane: Code = [
    ...i32(0),
    ...set(q),
    ...whileLoop(
      // q < 4 and r + q < rows
      [...get(q), ...i32(4), ...i32LtU, ...get(r), ...get(q), ...i32Add, ...get(ROWS), ...i32LtU, ...i32And],
      [
        ...get(r),
        ...get(q),
        ...i32Add,
        ...set(row),
        // m, iv = lane q of mean, inv (a lane index must be a constant: one branch per lane)
        ...LANES.flatMap((lane) =>
          ifThen(
            [...get(q), ...i32(lane), ...i32Eq],
            [...get(mean), ...f32x4ExtractLane(lane), ...f32x4Splat, ...set(m), ...get(inv), ...f32x4ExtractLane(lane), ...f32x4Splat, ...set(iv)],
          ),
        ),
        ...outRow,
        ...increment(q, 1),
      ],
    ),
  ];
  const group: Code = [
    ...rows.code,
    ...c(0),
    ...set(sum),
    ...overColumns([...rows.gather(X, j), ...set(v), ...fadd(get(sum), get(v)), ...set(sum)]),
    ...fdiv(get(sum), get(width.dF)),
    ...set(mean),
    ...c(0),
    ...set(sq),
    ...overColumns([...rows.gather(X, j), ...set(v), ...fsub(get(v), get(mean)), ...set(dev), ...fadd(get(sq), fmul(get(dev), get(dev))), ...set(sq)]),
    ...fadd(fdiv(get(sq), get(width.dF)), [...get(EPS), ...f32ReinterpretI32, ...f32x4Splat]),
    ...set(ve),
    ...fdiv(c(1), [...get(ve), ...f32x4Sqrt]),
    ...set(inv),
    ...(train ? [...rows.scatter(MEAN, null, mean), ...rows.scatter(INV, null, inv), ...rows.scatter(VE, null, ve)] : []),
    ...perLane,
  ];
  const code = [...width.code, ...countUp(r, get(ROWS), group, 4)];
  return { name: train ? 'layerNormTrain' : 'layerNorm', params: train ? 10 : 7, locals: L.types, code };
}

/**
 * layerNormGrad(x, mean, inv, dy, gain, g0, dr, dmA, dgain, dbias, rows, d): the tape's first pass back through
 * LayerNorm's ops, from dy down to rsqrt's input (the Add of the bias, the Multiply by the gain, the Multiply by inv,
 * the Sub of the mean from x), with a = x - mean:
 * - dn = dy * gain; x's first part g0 = dn * inv;
 * - dr = the row's sum of dn * a (inv's gradient), dmA = the row's sum of -g0 (the mean's from the Sub);
 * - dgain = the column's sum of dy * (a * inv) over the rows, dbias = the column's sum of dy.
 */
export function layerNormGradFunction() {
  const [X, MEAN, INV, DY, G, G0, DR, DMA, DGAIN, DBIAS, ROWS, D] = params(12);
  const L = new Locals(12);
  const [r, j, jj, i, at] = L.many(I32, 5);
  const [m, iv, dn, g0, dr, dm, db, dg, dyv] = L.many(V128, 9);
  const rows = rowGroup(L, r, ROWS, D);
  const perRow: Code = [
    ...rows.code,
    ...rows.gather(MEAN, null),
    ...set(m),
    ...rows.gather(INV, null),
    ...set(iv),
    ...c(0),
    ...set(dr),
    ...c(0),
    ...set(dm),
    ...countUp(j, get(D), [
      ...fmul(rows.gather(DY, j), [...get(G), ...times4(get(j)), ...i32Add, ...f32Load, ...f32x4Splat]),
      ...set(dn),
      ...fmul(get(dn), get(iv)),
      ...set(g0),
      ...rows.scatter(G0, j, g0),
      ...fadd(get(dr), fmul(get(dn), fsub(rows.gather(X, j), get(m)))),
      ...set(dr),
      ...fadd(get(dm), [...get(g0), ...f32x4Neg]),
      ...set(dm),
    ]),
    ...rows.scatter(DR, null, dr),
    ...rows.scatter(DMA, null, dm),
  ];
  /** Row i's scalar of `base` ([rows]) in every lane. */
  const rowScalar = (base: number): Code => [...get(base), ...times4(get(i)), ...i32Add, ...f32Load, ...f32x4Splat];
  const perColumns: Code = [
    ...lastVector(jj, D),
    ...c(0),
    ...set(db),
    ...c(0),
    ...set(dg),
    ...countUp(i, get(ROWS), [
      // at = 4 (i d + jj)
      ...times4([...get(i), ...get(D), ...i32Mul, ...get(jj), ...i32Add]),
      ...set(at),
      ...get(DY),
      ...get(at),
      ...i32Add,
      ...vLoad(),
      ...set(dyv),
      ...fadd(get(db), get(dyv)),
      ...set(db),
      ...fadd(get(dg), fmul(get(dyv), fmul(fsub([...get(X), ...get(at), ...i32Add, ...vLoad()], rowScalar(MEAN)), rowScalar(INV)))),
      ...set(dg),
    ]),
    ...get(DBIAS),
    ...times4(get(jj)),
    ...i32Add,
    ...get(db),
    ...vStore(),
    ...get(DGAIN),
    ...times4(get(jj)),
    ...i32Add,
    ...get(dg),
    ...vStore(),
  ];
  const code = [...countUp(r, get(ROWS), perRow, 4), ...countUp(jj, get(D), perColumns, 4)];
  return { name: 'layerNormGrad', params: 12, locals: L.types, code };
}

/**
 * layerNormGrad2(x, mean, dve, dmA, g1, g2, rows, d): the tape's second pass, from the variance's gradient dve
 * (rsqrt's, computed between the passes with the stock Pow kernel) down to x, with a = x - mean:
 * - dq = dve / d (the Mean of the squares), x's second part g1 = dq * (a * 2) (the Square, through the Cast);
 * - the mean's gradient dmA + (the row's sum of -g1) (the Sub in the variance), and x's third part, that over d in
 *   every column (the Mean of x).
 */
export function layerNormGrad2Function() {
  const [X, MEAN, DVE, DMA, G1, G2, ROWS, D] = params(8);
  const L = new Locals(8);
  const [r, j, jj] = L.many(I32, 3);
  const [m, dq, g1, acc, g2, fill] = L.many(V128, 6);
  const rows = rowGroup(L, r, ROWS, D);
  const width = widthLanes(L, D);
  const perRow: Code = [
    ...rows.code,
    ...rows.gather(MEAN, null),
    ...set(m),
    // dq = (dve * 1) / d: the ones it is spread with leave it as it is
    ...fdiv(rows.gather(DVE, null), get(width.dF)),
    ...set(dq),
    ...c(0),
    ...set(acc),
    ...countUp(j, get(D), [
      ...fmul(get(dq), fmul(fsub(rows.gather(X, j), get(m)), c(2))),
      ...set(g1),
      ...rows.scatter(G1, j, g1),
      ...fadd(get(acc), [...get(g1), ...f32x4Neg]),
      ...set(acc),
    ]),
    ...fdiv(fadd(rows.gather(DMA, null), get(acc)), get(width.dF)),
    ...set(g2),
    // Each row of g2 is one value: a lane of g2 in every column.
    ...LANES.flatMap((lane) => [
      ...get(g2),
      ...f32x4ExtractLane(lane),
      ...f32x4Splat,
      ...set(fill),
      ...countUp(
        jj,
        get(D),
        [...lastVector(jj, D), ...get(G2), ...get(rows.oq[lane]!), ...i32Add, ...times4(get(jj)), ...i32Add, ...get(fill), ...vStore()],
        4,
      ),
    ]),
  ];
  const code = [...width.code, ...countUp(r, get(ROWS), perRow, 4)];
  return { name: 'layerNormGrad2', params: 8, locals: L.types, code };
}
