import { describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/errors';
import { ArchiveTree, eligibleParents, selectionScore } from './archive-tree';
import { buildTree } from './test-helpers';

describe('ArchiveTree', () => {
  const specs = [
    { id: 'r' },
    { id: 'a', parent: 'r' },
    { id: 'b', parent: 'r' },
    { id: 'a1', parent: 'a' },
    { id: 'a1x', parent: 'a1' },
    { id: 'a2', parent: 'a' },
  ];

  it('links children and walks clades depth-first', () => {
    const tree = buildTree(specs);
    expect(tree.get('r')?.children).toEqual(['a', 'b']);
    expect(tree.childrenOf('a').map((n) => n.id)).toEqual(['a1', 'a2']);
    expect(tree.descendantsOf('a').map((n) => n.id)).toEqual(['a1', 'a1x', 'a2']);
    expect(tree.subtreeOf('a').map((n) => n.id)).toEqual(['a', 'a1', 'a1x', 'a2']);
    expect(tree.descendantsOf('b')).toEqual([]);
    expect(tree.descendantsOf('r')).toHaveLength(5);
    expect(tree.latest()?.id).toBe('a2');
    expect(tree.root()?.id).toBe('r');
    expect(tree.get('a1x')?.generation).toBe(3);
  });

  it('round-trips through JSON and rejects inconsistent JSON', () => {
    const tree = buildTree(specs);
    tree.addEvaluations('a1', 3, 2);
    tree.update('b', { status: 'rejected', score: null });
    const json = JSON.parse(JSON.stringify(tree.toJSON())) as unknown;
    const back = ArchiveTree.fromJSON(json);
    expect(back.toJSON()).toEqual(tree.toJSON());
    expect(back.get('a1')?.evaluations).toEqual({ successes: 3, failures: 2 });
    expect(back.descendantsOf('a').map((n) => n.id)).toEqual(['a1', 'a1x', 'a2']);

    const bad = tree.toJSON();
    bad.nodes[0].children = ['b', 'a'];
    expect(() => ArchiveTree.fromJSON(bad)).toThrow(/disagree/);
    expect(() => ArchiveTree.fromJSON({ version: 1, nodes: [{ id: 'x' }] })).toThrow(CodedError);
  });

  it('refuses bad nodes with an error that names the fix', () => {
    const tree = buildTree(specs.slice(0, 2));
    const base = { generation: 1, createdOrder: 10, score: 0.5, evaluations: { successes: 0, failures: 0 }, children: [], status: 'kept' as const };
    expect(() => tree.add({ ...base, id: 'a', parentId: 'r' })).toThrow(/already in the archive/);
    expect(() => tree.add({ ...base, id: 'z', parentId: 'nope' })).toThrow(/add the parent first/);
    expect(() => tree.add({ ...base, id: 'z', parentId: 'r', generation: 5 })).toThrow(/use 1/);
    expect(() => tree.add({ ...base, id: 'z', parentId: null, generation: 0 })).toThrow(/already has a root/);
    expect(() => tree.add({ ...base, id: 'z', parentId: 'r', createdOrder: 0 })).toThrow(/createdOrder/);
    expect(() => tree.add({ ...base, id: 'z', parentId: 'r', score: 1.5 })).toThrow(/score/);
    expect(() => tree.update('a', { score: -1 })).toThrow(CodedError);
    expect(() => tree.childrenOf('missing')).toThrow(/not in the archive/);
  });

  it("keep-all admits every kept scored node; keep-better only those at least the root's score minus 0.1, as the DGM code", () => {
    const tree = buildTree([
      { id: 'r', score: 0.5 },
      { id: 'up', parent: 'r', score: 0.6 },
      { id: 'down', parent: 'r', score: 0.4 },
      { id: 'same', parent: 'r', score: 0.5 },
      { id: 'downChildUp', parent: 'down', score: 0.45 },
      { id: 'upChildDown', parent: 'up', score: 0.35 },
      { id: 'rej', parent: 'r', score: 0.9, status: 'rejected' },
      { id: 'evaluating', parent: 'r', score: null, status: 'evaluating' },
    ]);
    const ids = (sel: 'keep-all' | 'keep-better', leeway?: number): string[] =>
      eligibleParents(tree, { selection: sel, keepBetterLeeway: leeway }).map((n) => n.id);
    expect(ids('keep-all')).toEqual(['r', 'up', 'down', 'same', 'downChildUp', 'upChildDown']);
    // Against the root's 0.5 - 0.1, not the parent's: 0.4 is in, 0.35 is out although its parent is eligible.
    expect(ids('keep-better')).toEqual(['r', 'up', 'down', 'same', 'downChildUp']);
    expect(ids('keep-better', 0)).toEqual(['r', 'up', 'same']);
  });

  it('a kept child that failed the staged check competes with its small-set score', () => {
    const tree = buildTree([
      { id: 'r', score: 0.5, s: 48, f: 48 },
      // Evaluated on the 16 cheap tasks only: no full score, small-set score 3/16.
      { id: 'cheap', parent: 'r', score: null, s: 3, f: 13 },
      { id: 'cheapOk', parent: 'r', score: null, s: 7, f: 9 },
    ]);
    expect(selectionScore(tree.require('cheap'))).toBeCloseTo(3 / 16, 12);
    expect(selectionScore(tree.require('r'))).toBe(0.5);
    expect(eligibleParents(tree, { selection: 'keep-all' }).map((n) => n.id)).toEqual(['r', 'cheap', 'cheapOk']);
    // keep-better: 3/16 < 0.4 is out, 7/16 >= 0.4 is in.
    expect(eligibleParents(tree, { selection: 'keep-better' }).map((n) => n.id)).toEqual(['r', 'cheapOk']);
  });
});
