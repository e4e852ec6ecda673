/**
 * The batched matmul of tf-wasm-simd.ts as WebAssembly SIMD code (wasm-encoder.ts), in the stock kernel's order of
 * float32 operations: every output one sum over k from 0, left to right, each SIMD lane one output's.
 */
import {
  type Code,
  F32,
  I32,
  Locals,
  V128,
  c,
  f32,
  f32Add,
  f32Load,
  f32Mul,
  f32Store,
  f32x4Add,
  f32x4Mul,
  f32x4ReplaceLane,
  f32x4Splat,
  get,
  i32,
  i32Add,
  i32Eqz,
  i32GtU,
  i32LtU,
  i32Mul,
  set,
  vLoad,
  vStore,
  whileLoop,
  countUp,
  increment,
  times4,
} from './wasm-encoder';

/**
 * bmm(a, b, out, batch, m, k, n): out[t] = a[t] @ b[t] for t < batch; a [m, k], b [k, n], out [m, n], row-major
 * float32 at byte offsets. Each output is `s = 0; for p < k: s = s + a[i,p] * b[p,j]`.
 */
export function bmmFunction(transposedB: boolean) {
  const [A, B, OUT, BATCH, M, K, N] = [0, 1, 2, 3, 4, 5, 6];
  const L = new Locals(7);
  const [t, i, j, p, aRow, bCol, oRow, bMat, kb4] = L.many(I32, 9);
  const acc = L.many(V128, 4);
  const s = L.add(F32);
  const sv = L.add(V128);
  // b[p, j] is at b + 4*(p*n + j); transposed (b [n, k]), at b + 4*(j*k + p).
  const columnStart: Code = [...get(bMat), ...(transposedB ? times4([...get(j), ...get(K), ...i32Mul]) : times4(get(j))), ...i32Add, ...set(bCol)];
  const nextP: Code = increment(bCol, transposedB ? 4 : times4(get(N)));
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
    inner.push(...nextP);
    const body: Code = [];
    for (let q = 0; q < width; q++) body.push(...c(0), ...set(acc[q]!));
    body.push(...columnStart, ...countUp(p, get(K), inner));
    for (let q = 0; q < width; q++) body.push(...get(oRow), ...times4(get(j)), ...i32Add, ...get(acc[q]!), ...vStore(16 * q));
    body.push(...increment(j, 4 * width));
    // while j + 4*width <= n
    return whileLoop([...get(j), ...i32(4 * width), ...i32Add, ...get(N), ...i32GtU, ...i32Eqz], body);
  };
  /** The last n % 4 outputs of the row, one scalar sum each. */
  const inner = [...get(s), ...get(aRow), ...times4(get(p)), ...i32Add, ...f32Load, ...get(bCol), ...f32Load, ...f32Mul, ...f32Add, ...set(s)];
  inner.push(...nextP);
  const tail = whileLoop(
    [...get(j), ...get(N), ...i32LtU],
    [
      ...f32(0),
      ...set(s),
      ...columnStart,
      ...countUp(p, get(K), inner),
      ...get(oRow),
      ...times4(get(j)),
      ...i32Add,
      ...get(s),
      ...f32Store,
      ...increment(j, 1),
    ],
  );
  const row = (base: number, width: number): Code => [
    ...get(base),
    ...times4([...get(t), ...get(M), ...i32Mul, ...get(i), ...i32Add, ...get(width), ...i32Mul]),
    ...i32Add,
  ];
  const rowBody = [...row(A, K), ...set(aRow), ...row(OUT, N), ...set(oRow), ...i32(0), ...set(j), ...chunk(4), ...chunk(2), ...chunk(1), ...tail];
  const matBody = [...get(B), ...times4([...get(t), ...get(K), ...i32Mul, ...get(N), ...i32Mul]), ...i32Add, ...set(bMat), ...countUp(i, get(M), rowBody)];
  const code = [...times4(get(K)), ...set(kb4), ...countUp(t, get(BATCH), matBody)];
  return { name: transposedB ? 'bmmT' : 'bmm', params: 7, locals: L.types, code };
}
