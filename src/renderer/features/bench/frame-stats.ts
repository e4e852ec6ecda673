/** Percentiles of requestAnimationFrame deltas: the frame times a user feels as smoothness. */
export interface FrameStats {
  points: number;
  charts: number;
  frames: number;
  p50: number;
  p95: number;
  max: number;
  done: boolean;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(deltas: number[], points: number, charts: number, done: boolean): FrameStats {
  const sorted = [...deltas].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    points,
    charts,
    frames: deltas.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    done,
  };
}
