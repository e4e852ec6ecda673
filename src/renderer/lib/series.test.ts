import { describe, expect, it } from 'vitest';
import {
  allPositive,
  appendMetrics,
  appendPoint,
  createBuffer,
  fromMetricSeries,
  groupByNamespace,
  positiveOnly,
  sliceFrom,
  smooth,
  xRange,
  yRange,
} from './series';

describe('series buffers', () => {
  it('grows past its capacity and keeps every point in order', () => {
    const b = createBuffer('x', 4);
    for (let i = 0; i < 1000; i++) appendPoint(b, i, i * 2);
    expect(b.length).toBe(1000);
    expect(b.x[999]).toBe(999);
    expect(b.y[500]).toBe(1000);
  });

  it('replaces rather than duplicates a repeated iteration', () => {
    const b = createBuffer('x');
    appendPoint(b, 1, 1);
    appendPoint(b, 1, 5);
    expect(b.length).toBe(1);
    expect(b.y[0]).toBe(5);
  });

  it('drops null columns from the wire so sparse monitors draw as lines', () => {
    const m = fromMetricSeries({ iterations: [1, 2, 3], series: { 'heldout/acc': [null, 0.5, 0.7], 'reward/mean': [0.1, 0.2, 0.3] } });
    expect(m.get('heldout/acc')?.length).toBe(2);
    expect([...(m.get('heldout/acc')?.x.subarray(0, 2) ?? [])]).toEqual([2, 3]);
    expect(appendMetrics(m, 4, { 'reward/mean': 0.4 })).toBe(false);
    expect(appendMetrics(m, 4, { 'mem/tensors': 12 })).toBe(true);
  });

  it('groups monitors by namespace, sorted', () => {
    expect(groupByNamespace(['reward/mean', 'balance/score', 'reward/std', 'loss'])).toEqual([
      { namespace: 'balance', names: ['balance/score'] },
      { namespace: 'other', names: ['loss'] },
      { namespace: 'reward', names: ['reward/mean', 'reward/std'] },
    ]);
  });

  it('puts the headline namespaces first, in their order, whichever are present', () => {
    const names = ['train/loss', 'reward/mean', 'eval/success_rate', 'episode/length', 'mem/tensors'];
    expect(groupByNamespace(names, ['heldout', 'eval', 'reward', 'episode']).map((g) => g.namespace)).toEqual(['eval', 'reward', 'episode', 'mem', 'train']);
  });

  it('smooths with a debiased EMA that starts at the first value', () => {
    const y = new Float64Array([10, 10, 10, 0]);
    const out = smooth(y, 4, 0.9, new Float64Array(4));
    expect(out[0]).toBeCloseTo(10);
    expect(out[2]).toBeCloseTo(10);
    expect(out[3]).toBeLessThan(10);
    expect(out[3]).toBeGreaterThan(5);
    expect([...smooth(y, 4, 0, new Float64Array(4))]).toEqual([10, 10, 10, 0]);
  });

  it('keeps only positive values for a log scale', () => {
    const [x, y] = positiveOnly(new Float64Array([1, 2, 3]), new Float64Array([0, -1, 2]), 3);
    expect([...x]).toEqual([3]);
    expect([...y]).toEqual([2]);
  });
});

describe('axes that fit the run', () => {
  it('spreads one point over a unit either side, not 0..100', () => {
    expect(xRange(3, 3)).toEqual([2, 4]);
    expect(xRange(1, 8)).toEqual([1, 8]);
  });

  it('gives a constant a narrow band, keeps shares within 0..1, and never dips below 0 for non-negative data', () => {
    expect(yRange(5, 5, { log: false })).toEqual([4.5, 5.5]);
    expect(yRange(0, 0, { log: false })).toEqual([0, 0.5]);
    expect(yRange(1, 1, { log: false, unit: '0–1' })).toEqual([0.9, 1]);
    const [lo, hi] = yRange(0.2, 0.6, { log: false, unit: '0–1' });
    expect(lo).toBeGreaterThan(0.15);
    expect(hi).toBeLessThan(0.65);
    expect(yRange(0.01, 3, { log: false })[0]).toBe(0);
    // Values outside a 0–1 unit (an episode's return under reward/mean) are all shown.
    const [rlo, rhi] = yRange(-100, 38, { log: false, unit: '0–1' });
    expect(rlo).toBeLessThan(-100);
    expect(rhi).toBeGreaterThan(38);
  });

  it('spans whole decades on a log axis, a constant included', () => {
    expect(yRange(0.003, 0.4, { log: true })).toEqual([0.001, 1]);
    expect(yRange(100, 100, { log: true })).toEqual([100, 1000]);
    expect(yRange(2e-5, 2e-5, { log: true })[0]).toBeCloseTo(1e-5);
  });

  it('drops the warm-up (iteration 0) from an iteration chart and tells positive series apart', () => {
    const b = createBuffer('m');
    appendPoint(b, 0, 0.1);
    appendPoint(b, 1, 0.2);
    appendPoint(b, 2, 0.3);
    expect([...sliceFrom(b, 1).x]).toEqual([1, 2]);
    expect(allPositive(sliceFrom(b, 0).y)).toBe(true);
    appendPoint(b, 3, 0);
    expect(allPositive(sliceFrom(b, 0).y)).toBe(false);
    expect(allPositive(new Float64Array(0))).toBe(false);
  });
});
