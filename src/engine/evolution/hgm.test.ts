import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { cladeCounts, cmpEstimate } from './cmp';
import { dgmParentWeights } from './dgm';
import { HgmStrategy, hgmCoolDownScale, hgmSearchCounts, hgmShouldExpand } from './hgm';
import { buildTree, type NodeSpec } from './test-helpers';

/** A's own score is high but its children are poor; B's own score is low but its children are good. */
function mismatchTree() {
  const specs: NodeSpec[] = [
    { id: 'r', score: 0.4, s: 0, f: 0 },
    { id: 'A', parent: 'r', score: 0.9, s: 9, f: 1 },
    { id: 'B', parent: 'r', score: 0.3, s: 3, f: 7 },
  ];
  for (let i = 0; i < 3; i++) specs.push({ id: `A${i}`, parent: 'A', score: 0.1, s: 1, f: 9 });
  for (let i = 0; i < 3; i++) specs.push({ id: `B${i}`, parent: 'B', score: 0.8, s: 8, f: 2 });
  return buildTree(specs);
}

describe('HGM', () => {
  it('expands while evaluations^alpha >= nodes', () => {
    expect(hgmShouldExpand(0, 0, 0.6)).toBe(true);
    expect(hgmShouldExpand(10, 3, 0.6)).toBe(true); // 10^0.6 = 3.98
    expect(hgmShouldExpand(10, 4, 0.6)).toBe(false);
    expect(hgmShouldExpand(100, 15, 0.6)).toBe(true); // 15.85
    expect(hgmShouldExpand(100, 16, 0.6)).toBe(false);
  });

  it('counts search evaluations without the root and agents without the root or rejected children', () => {
    const tree = buildTree([
      { id: 'r', s: 30, f: 70 },
      { id: 'a', parent: 'r', s: 2, f: 3 },
      { id: 'b', parent: 'r', s: 1, f: 4 },
      { id: 'x', parent: 'r', status: 'rejected', f: 1 },
    ]);
    expect(hgmSearchCounts(tree)).toEqual({ evaluations: 11, nodes: 2 });
  });

  it('chooses expand or evaluate by the alpha rule over the archive', () => {
    const rng = createRng(3);
    const hgm = new HgmStrategy();
    const budget = { used: 0, total: 100 };
    // Only the root: 0^0.6 >= 0, so expand the root.
    const start = buildTree([{ id: 'r', s: 3, f: 7 }]);
    expect(hgm.next(start, budget, rng)).toEqual({ kind: 'expand', parentId: 'r' });
    // One fresh child and no search evaluations: 0 < 1, so evaluate.
    const fresh = buildTree([
      { id: 'r', s: 3, f: 7 },
      { id: 'a', parent: 'r', status: 'pending', score: null },
    ]);
    expect(hgm.next(fresh, budget, rng).kind).toBe('evaluate');
    // 10 evaluations: 3 agents -> expand; 4 agents -> evaluate.
    const specs: NodeSpec[] = [
      { id: 'r', s: 3, f: 7 },
      { id: 'a', parent: 'r', s: 5, f: 5 },
      { id: 'b', parent: 'r' },
      { id: 'c', parent: 'r' },
    ];
    expect(hgm.next(buildTree(specs), budget, rng).kind).toBe('expand');
    expect(hgm.next(buildTree([...specs, { id: 'd', parent: 'r' }]), budget, rng).kind).toBe('evaluate');
    // A gate-rejected child is not an agent, so it does not tip the rule.
    expect(hgm.next(buildTree([...specs, { id: 'd', parent: 'r', status: 'rejected' }]), budget, rng).kind).toBe('expand');
    // When every node has been evaluated on the whole task pool there is nothing to evaluate: expand.
    const full = buildTree([
      { id: 'r', s: 3, f: 7 },
      { id: 'a', parent: 'r', s: 1, f: 1 },
      { id: 'b', parent: 'r', s: 0, f: 2 },
      { id: 'c', parent: 'r', s: 2, f: 0 },
    ]);
    expect(hgm.next(full, budget, rng).kind).toBe('evaluate');
    expect(new HgmStrategy({ maxEvaluationsPerNode: 2 }).next(full, budget, rng).kind).toBe('expand');
  });

  it('expands the clade with better descendants even when its root scores worse (metaproductivity-performance mismatch)', () => {
    const tree = mismatchTree();
    // The CMP estimates disagree with the own scores ...
    expect(cmpEstimate(cladeCounts(tree, 'B')).mean).toBeGreaterThan(cmpEstimate(cladeCounts(tree, 'A')).mean + 0.4);
    // ... and DGM, which only sees scores, prefers A.
    const w = dgmParentWeights(tree);
    expect(w.find((r) => r.id === 'A')?.probability).toBeGreaterThan((w.find((r) => r.id === 'B')?.probability ?? 1) * 5);

    const hgm = new HgmStrategy({ coolDown: false });
    const rng = createRng(11);
    const picks = new Map<string, number>();
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const id = hgm.chooseParent(tree, rng);
      picks.set(id, (picks.get(id) ?? 0) + 1);
    }
    const share = (prefix: string): number => [...picks].filter(([id]) => id.startsWith(prefix)).reduce((s, [, c]) => s + c, 0) / n;
    expect(share('B')).toBeGreaterThan(0.9);
    expect(picks.get('B') ?? 0).toBeGreaterThan(5 * (picks.get('A') ?? 0));
    // r has no evaluations of its own, so it is never a candidate (the code requires a positive mean).
    expect(picks.get('r') ?? 0).toBe(0);
  });

  it("pools a node's own evaluations with its descendants' in the expansion draw, as the HGM code does", () => {
    // Two fresh leaves: only their own results tell them apart. Descendants alone would make both Beta(1, 1).
    const tree = buildTree([
      { id: 'r', s: 0, f: 0 },
      { id: 'good', parent: 'r', s: 9, f: 1 },
      { id: 'poor', parent: 'r', s: 1, f: 9 },
    ]);
    const share = (hgm: HgmStrategy, seed: number): number => {
      const rng = createRng(seed);
      let good = 0;
      for (let i = 0; i < 2000; i++) if (hgm.chooseParent(tree, rng) === 'good') good++;
      return good / 2000;
    };
    expect(share(new HgmStrategy({ coolDown: false }), 3)).toBeGreaterThan(0.97);
    const descendantsOnly = share(new HgmStrategy({ coolDown: false, cladeIncludesSelf: false }), 3);
    expect(descendantsOnly).toBeGreaterThan(0.45);
    expect(descendantsOnly).toBeLessThan(0.55);
    // And a node's clade adds its descendants' results to its own: a poor child below 'poor' lowers it further.
    tree.add({
      id: 'poorChild',
      parentId: 'poor',
      generation: 2,
      createdOrder: 3,
      score: null,
      evaluations: { successes: 0, failures: 10 },
      children: [],
      status: 'kept',
    });
    expect(cladeCounts(tree, 'poor', { includeSelf: true })).toEqual({ successes: 1, failures: 19 });
  });

  it('cools down: the same choice becomes greedy as the budget runs out', () => {
    expect(hgmCoolDownScale({ used: 0, total: 100 })).toBe(1);
    expect(hgmCoolDownScale({ used: 50, total: 100 })).toBeCloseTo(2, 12);
    expect(hgmCoolDownScale({ used: 50, total: 100 }, 2)).toBeCloseTo(4, 12);
    expect(hgmCoolDownScale({ used: 100, total: 100 })).toBe(10000);

    const tree = buildTree([
      { id: 'r', s: 0, f: 0 },
      { id: 'x', parent: 'r', s: 6, f: 4 },
      { id: 'y', parent: 'r', s: 5, f: 5 },
    ]);
    const worseShare = (strategy: HgmStrategy, used: number): number => {
      const rng = createRng(5);
      let y = 0;
      for (let i = 0; i < 2000; i++) {
        // Evaluations (10 here) >= 2 agents, so every step is an expansion.
        const step = strategy.next(tree, { used, total: 1000 }, rng);
        if (step.kind === 'expand' && step.parentId === 'y') y++;
      }
      return y / 2000;
    };
    const cooling = new HgmStrategy();
    expect(worseShare(cooling, 0)).toBeGreaterThan(0.2);
    expect(worseShare(cooling, 999)).toBeLessThan(0.01);
    expect(worseShare(new HgmStrategy({ coolDown: false }), 999)).toBeGreaterThan(0.2);
  });

  it("chooses what to evaluate by the node's own results by default, by its clade on request", () => {
    // good scores well but its children are poor; bad is the reverse. The children are fully evaluated (20 tasks),
    // so only r, good and bad can take another evaluation; alpha = 0.1 makes every step an evaluation.
    const specs: NodeSpec[] = [
      { id: 'r', s: 0, f: 0 },
      { id: 'good', parent: 'r', s: 9, f: 1 },
      { id: 'bad', parent: 'r', s: 1, f: 9 },
    ];
    for (let i = 0; i < 4; i++) specs.push({ id: `g${i}`, parent: 'bad', s: 20, f: 0 });
    for (let i = 0; i < 8; i++) specs.push({ id: `z${i}`, parent: 'good', s: 0, f: 20 });
    const tree = buildTree(specs);
    const count = (strategy: HgmStrategy): Map<string, number> => {
      const rng = createRng(8);
      const m = new Map<string, number>();
      for (let i = 0; i < 1000; i++) {
        const step = strategy.next(tree, { used: 0, total: 100 }, rng);
        expect(step.kind).toBe('evaluate');
        if (step.kind === 'evaluate') expect(['r', 'good', 'bad']).toContain(step.nodeId);
        if (step.kind === 'evaluate') m.set(step.nodeId, (m.get(step.nodeId) ?? 0) + 1);
      }
      return m;
    };
    const own = count(new HgmStrategy({ coolDown: false, alpha: 0.1, maxEvaluationsPerNode: 20 }));
    expect(own.get('good') ?? 0).toBeGreaterThan(10 * (own.get('bad') ?? 0));
    const clade = count(new HgmStrategy({ coolDown: false, alpha: 0.1, maxEvaluationsPerNode: 20, evaluateBy: 'clade' }));
    expect(clade.get('bad') ?? 0).toBeGreaterThan(10 * (clade.get('good') ?? 0));
  });

  it('restores its state and, with the Rng restored, makes the same choices', () => {
    const tree = mismatchTree();
    const a = new HgmStrategy();
    const rng = createRng(21);
    a.next(tree, { used: 1, total: 50 }, rng);
    const saved = JSON.parse(JSON.stringify({ s: a.getState(), r: rng.state() })) as { s: unknown; r: number[] };
    const run = (s: HgmStrategy, r: ReturnType<typeof createRng>) => Array.from({ length: 30 }, (_, i) => s.next(tree, { used: 2 + i, total: 50 }, r));
    const expected = run(a, rng);
    const b = new HgmStrategy();
    b.setState(saved.s);
    const rng2 = createRng(0);
    rng2.setState(saved.r);
    expect(run(b, rng2)).toEqual(expected);
    expect(b.getState()).toEqual({ version: 1, strategy: 'hgm', steps: 31 });
    expect(() => new HgmStrategy({ alpha: 0 })).toThrow(/alpha/);
  });
});
