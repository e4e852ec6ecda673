import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { DgmStrategy, dgmParentWeights } from './dgm';
import { buildTree, chiSquare } from './test-helpers';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
// 99.9% point of chi-square with 4 degrees of freedom.
const CHI2_4_999 = 18.47;

function archive() {
  return buildTree([
    { id: 'r', score: 0.5 },
    { id: 'a', parent: 'r', score: 0.7 },
    { id: 'b', parent: 'r', score: 0.6 },
    { id: 'c', parent: 'a', score: 0.2 },
    { id: 'd', parent: 'a', score: 0.7 },
    { id: 'x', parent: 'r', score: null, status: 'evaluating' },
    { id: 'y', parent: 'b', score: 0.9, status: 'rejected' },
  ]);
}

describe('DGM parent selection', () => {
  it('weights each eligible node by sigmoid(10(score - 0.5)) / (1 + archived children)', () => {
    const rows = dgmParentWeights(archive());
    expect(rows.map((r) => r.id)).toEqual(['r', 'a', 'b', 'c', 'd']);
    const expected: Record<string, number> = {
      // r has a, b in the archive (x is evaluating, not archived); b's rejected child does not count.
      r: sigmoid(0) / 3,
      a: sigmoid(2) / 3,
      b: sigmoid(1) / 1,
      c: sigmoid(-3),
      d: sigmoid(2),
    };
    const total = Object.values(expected).reduce((s, w) => s + w, 0);
    for (const r of rows) {
      expect(r.weight).toBeCloseTo(expected[r.id], 12);
      expect(r.probability).toBeCloseTo(expected[r.id] / total, 12);
    }
    const custom = dgmParentWeights(archive(), { lambda: 2, alpha0: 0.7 });
    expect(custom.find((r) => r.id === 'd')?.scoreFactor).toBeCloseTo(0.5, 12);
  });

  it('draws parents with the frequencies its weights predict', () => {
    const tree = archive();
    const rows = dgmParentWeights(tree);
    const strategy = new DgmStrategy();
    const rng = createRng(2024);
    const counts = new Map(rows.map((r) => [r.id, 0]));
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const step = strategy.next(tree, { used: i, total: n }, rng);
      expect(step.kind).toBe('expand');
      if (step.kind === 'expand') counts.set(step.parentId, (counts.get(step.parentId) ?? 0) + 1);
    }
    const observed = rows.map((r) => counts.get(r.id) ?? 0);
    expect(
      chiSquare(
        observed,
        rows.map((r) => r.probability),
      ),
    ).toBeLessThan(CHI2_4_999);
    // The same draws are far from score-only selection, so the test can tell the child factor is applied.
    const scoreOnly = rows.map((r) => r.scoreFactor);
    const sum = scoreOnly.reduce((a, b) => a + b, 0);
    expect(
      chiSquare(
        observed,
        scoreOnly.map((w) => w / sum),
      ),
    ).toBeGreaterThan(10 * CHI2_4_999);
    // Low scores are rare: c (0.2) and d (0.7) both have no children, yet c is drawn ~19x less often.
    expect((counts.get('c') ?? 0) / n).toBeLessThan(0.03);
    expect((counts.get('c') ?? 0) / (counts.get('d') ?? 1)).toBeLessThan(0.07);
    expect(strategy.getState()).toEqual({ version: 1, strategy: 'dgm', steps: n });
  });

  it('picks a node less often as it gets more children', () => {
    const tree = buildTree([
      { id: 'r', score: 0.6 },
      { id: 'p', parent: 'r', score: 0.6 },
      { id: 'q', parent: 'r', score: 0.6 },
    ]);
    const before = dgmParentWeights(tree).find((r) => r.id === 'p')?.probability ?? 0;
    for (let i = 0; i < 3; i++) {
      tree.add({
        id: `p${i}`,
        parentId: 'p',
        generation: 2,
        createdOrder: 10 + i,
        score: 0.1,
        evaluations: { successes: 0, failures: 0 },
        children: [],
        status: 'kept',
      });
    }
    const after = dgmParentWeights(tree).find((r) => r.id === 'p')?.probability ?? 1;
    expect(after).toBeLessThan(before / 2);
  });

  it('keeps a child that failed the staged check as a low-weight candidate and a child of its parent (DGM code)', () => {
    const tree = buildTree([
      { id: 'r', score: 0.5, s: 32, f: 32 },
      { id: 'a', parent: 'r', score: 0.7, s: 45, f: 19 },
      // Failed the staged check: 2 of 16 cheap tasks, never evaluated in full, kept by the gate.
      { id: 'cheap', parent: 'r', score: null, s: 2, f: 14 },
    ]);
    const rows = dgmParentWeights(tree);
    expect(rows.map((r) => r.id)).toEqual(['r', 'a', 'cheap']);
    const cheap = rows.find((r) => r.id === 'cheap')!;
    expect(cheap.scoreFactor).toBeCloseTo(sigmoid(10 * (2 / 16 - 0.5)), 12);
    // r has two children in the archive, the staged-failed one included.
    expect(rows[0].childFactor).toBeCloseTo(1 / 3, 12);
    expect(cheap.probability).toBeLessThan(0.05);
    // With a fixed seed it is drawn now and then, at about its probability.
    const s = new DgmStrategy();
    const rng = createRng(5);
    let picks = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const step = s.next(tree, { used: i, total: n }, rng);
      if (step.kind === 'expand' && step.parentId === 'cheap') picks++;
    }
    expect(picks).toBeGreaterThan(0);
    expect(Math.abs(picks / n - cheap.probability)).toBeLessThan(0.015);
  });

  it('with keep-better, regressed children are neither parents nor counted as children', () => {
    const tree = buildTree([
      { id: 'r', score: 0.5 },
      { id: 'worse', parent: 'r', score: 0.3 },
      { id: 'better', parent: 'r', score: 0.55 },
    ]);
    const all = dgmParentWeights(tree, { selection: 'keep-all' });
    const better = dgmParentWeights(tree, { selection: 'keep-better' });
    expect(all.map((r) => r.id)).toEqual(['r', 'worse', 'better']);
    expect(better.map((r) => r.id)).toEqual(['r', 'better']);
    expect(better[0].childFactor).toBeCloseTo(1 / 2, 12);
    const s = new DgmStrategy({ selection: 'keep-better' });
    const rng = createRng(9);
    for (let i = 0; i < 200; i++) {
      const step = s.next(tree, { used: i, total: 200 }, rng);
      expect(step.kind === 'expand' && step.parentId !== 'worse').toBe(true);
    }
  });

  it('restores its state and, with the Rng restored, makes the same choices', () => {
    const tree = archive();
    const a = new DgmStrategy();
    const rng = createRng(77);
    for (let i = 0; i < 5; i++) a.next(tree, { used: i, total: 100 }, rng);
    const saved = JSON.parse(JSON.stringify({ s: a.getState(), r: rng.state() })) as { s: unknown; r: number[] };
    const next = Array.from({ length: 20 }, (_, i) => a.next(tree, { used: i, total: 100 }, rng));
    const b = new DgmStrategy();
    b.setState(saved.s);
    const rng2 = createRng(0);
    rng2.setState(saved.r);
    expect(Array.from({ length: 20 }, (_, i) => b.next(tree, { used: i, total: 100 }, rng2))).toEqual(next);
    expect(b.getState()).toEqual(a.getState());
    expect(() => b.setState({ version: 1, strategy: 'hgm', steps: 1 })).toThrow(/restore it into a hgm strategy/);
  });

  it('rejects bad options and an empty archive with clear errors', () => {
    expect(() => new DgmStrategy({ lambda: -1 })).toThrow(/lambda/);
    expect(() => new DgmStrategy({ selection: 'best' as never })).toThrow(/selection/);
    const empty = buildTree([{ id: 'r', score: null, status: 'evaluating' }]);
    expect(() => new DgmStrategy().next(empty, { used: 0, total: 1 }, createRng(1))).toThrow(/no eligible parent/);
  });
});
