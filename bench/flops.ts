/** FLOPs of one training step of the transformer policy as implemented (forward x3 for forward + backward). */
export interface FlopShape {
  vocab: number;
  width: number;
  layers: number;
  time: number;
  batch: number;
}

export function trainingFlopsPerStep(s: FlopShape): number {
  const { vocab: v, width: d, layers: l, time: t, batch: b } = s;
  const perTokenMatmul = 2 * (d * 3 * d + d * d + 2 * d * 4 * d) * l + 2 * d * v /* head */ + 2 * v * d; /* one-hot embedding */
  // Attention: q @ K^T and att @ V over all t keys (the causal half is masked, not skipped).
  const perTokenAttention = 2 * 2 * t * d * l;
  return 3 * b * t * (perTokenMatmul + perTokenAttention);
}
