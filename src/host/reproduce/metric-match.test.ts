import { describe, expect, it } from 'vitest';
import { matchMetrics } from './metric-match';

const series = (values: Record<string, Array<number | null>>, iterations = [0, 1, 2]) => ({ iterations, series: values });

describe('matchMetrics', () => {
  it('is exact only when every compared metric is equal at every iteration; machine metrics are not compared', () => {
    const r = matchMetrics(
      series({ 'reward/mean': [0.1, 0.2, 0.3], 'perf/tokens_per_s': [10, 20, 30] }),
      series({ 'reward/mean': [0.1, 0.2, 0.3], 'perf/tokens_per_s': [11, 19, 35] }),
    );
    expect(r.exact).toBe(true);
    expect(r.metrics.map((m) => [m.metric, m.verdict, m.compared])).toEqual([
      ['perf/tokens_per_s', 'not compared', 0],
      ['reward/mean', 'exact', 3],
    ]);
  });

  it('names the first iteration that differs and the largest difference', () => {
    const r = matchMetrics(series({ loss: [1, 0.5, 0.25] }), series({ loss: [1, 0.5, 0.2500001] }));
    expect(r.exact).toBe(false);
    expect(r.metrics[0]).toMatchObject({ verdict: 'differs', firstDiff: 2 });
    expect(r.metrics[0].maxAbsDiff).toBeCloseTo(1e-7, 12);
  });

  it('reports missing, extra and a different set of iterations', () => {
    const r = matchMetrics(series({ a: [1, 2, 3], b: [1, 1, 1] }), series({ a: [1, 2], c: [0, 0] }, [0, 1]));
    expect(r.iterationsMatch).toBe(false);
    expect(r.exact).toBe(false);
    expect(Object.fromEntries(r.metrics.map((m) => [m.metric, m.verdict]))).toEqual({ a: 'differs', b: 'missing', c: 'extra' });
  });

  it('treats NaN as equal to NaN and null as absent', () => {
    expect(matchMetrics(series({ x: [NaN, null, 1] }), series({ x: [NaN, null, 1] })).exact).toBe(true);
  });
});
