import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { initialGenome } from '../../shared/genome';
import { createTask } from '../tasks';
import { ArchiveTree } from './archive-tree';
import { archiveView, bestNode, type ArchiveState, type NodeRecord } from './archive-state';
import { buildSearchSet, countOutcomes, encodeOutcomes, searchAssessment } from './search-set';

const task = createTask({
  kind: 'arithmetic',
  operation: 'add',
  warmupMaxDigits: 3,
  maxDigits: 5,
  reverseAnswer: true,
  reverseOperands: true,
  padOperands: true,
  heldoutPerLevel: 16,
});

describe('the search set', () => {
  it('is drawn from the seed, spread over the levels above the warm-up, and shuffled', () => {
    const a = buildSearchSet(task, 7, { poolSize: 40 });
    expect(a).toHaveLength(40);
    expect(buildSearchSet(task, 7, { poolSize: 40 })).toEqual(a);
    expect(buildSearchSet(task, 8, { poolSize: 40 }).map((p) => p.prompt)).not.toEqual(a.map((p) => p.prompt));
    expect(a.filter((p) => p.level === 4)).toHaveLength(20);
    expect(a.filter((p) => p.level === 5)).toHaveLength(20);
    // Shuffled: a prefix (the cheap check) covers both levels.
    expect(new Set(a.slice(0, 8).map((p) => p.level))).toEqual(new Set([4, 5]));
  });

  it('codes outcomes per task and compares parent and child on the same prefix', () => {
    const pool = buildSearchSet(task, 1, { poolSize: 8 });
    const child = encodeOutcomes([
      { correct: true, wellFormed: true },
      { correct: false, wellFormed: false },
      { correct: false, wellFormed: true },
    ]);
    expect(child).toBe('1x0');
    expect(countOutcomes('1x01')).toEqual({ successes: 2, failures: 2 });
    const a = searchAssessment(pool, '1x01', 3);
    expect(a.score).toEqual({ correct: 1, n: 3 });
    expect(a.probes[0]).toMatchObject({ id: 'well-formed', value: 2 / 3 });
    expect(a.perLevel.reduce((s, r) => s + r.n, 0)).toBe(3);
  });
});

describe('the archive view', () => {
  const record = (step: number): NodeRecord => ({
    step,
    kind: step === 0 ? 'root' : 'model:promote',
    rationale: '',
    changes: [],
    genome: initialGenomeFor(),
    checkpoint: `runs/r/nodes/n${step}.ckpt`,
    outcomes: '',
    cheapScore: null,
    rejectedBy: null,
    proposalId: null,
    training: null,
    createdAt: '',
  });

  it('flags the mismatch where own score lies outside the CMP interval, and picks the best by posterior mean', () => {
    const tree = new ArchiveTree();
    // A weak root whose children are strong: a good ancestor, a poor agent.
    tree.add({
      id: 'n0',
      parentId: null,
      generation: 0,
      createdOrder: 0,
      score: 0.1,
      evaluations: { successes: 2, failures: 18 },
      children: [],
      status: 'kept',
    });
    tree.add({
      id: 'n1',
      parentId: 'n0',
      generation: 1,
      createdOrder: 1,
      score: 0.8,
      evaluations: { successes: 16, failures: 4 },
      children: [],
      status: 'kept',
    });
    tree.add({
      id: 'n2',
      parentId: 'n0',
      generation: 1,
      createdOrder: 2,
      score: null,
      evaluations: { successes: 2, failures: 0 },
      children: [],
      status: 'kept',
    });
    tree.add({
      id: 'n3',
      parentId: 'n1',
      generation: 2,
      createdOrder: 3,
      score: 0.9,
      evaluations: { successes: 18, failures: 2 },
      children: [],
      status: 'rejected',
    });
    const state: ArchiveState = {
      version: 1,
      strategy: 'dgm',
      strategyState: { version: 1, strategy: 'dgm', steps: 3 },
      rng: [1, 2, 3, 4],
      budgetUsed: 100,
      steps: 3,
      tree: tree.toJSON(),
      records: { n0: record(0), n1: record(1), n2: record(2), n3: record(3) },
    };
    const config = RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'star' } }).archive;
    const view = archiveView('r', config, state, () => undefined);
    const byId = new Map(view.nodes.map((n) => [n.id, n]));
    // n0's CMP pools n1, n2 and n3 (36 of 42), not its own 2 of 20.
    expect(byId.get('n0')!.cmp.n).toBe(42);
    expect(byId.get('n0')!.mismatch).toBe(true);
    expect(byId.get('n3')!.cmp.n).toBe(0);
    expect(byId.get('n3')!.mismatch).toBe(false);
    // n2's 2/2 is lucky; n1's 16/20 has the higher posterior mean; the rejected n3 is never the best.
    expect(bestNode(tree)).toBe('n1');
    expect(view.generations).toEqual([
      { generation: 0, made: 1, kept: 1 },
      { generation: 1, made: 2, kept: 2 },
      { generation: 2, made: 1, kept: 0 },
    ]);
  });
});

function initialGenomeFor(): NodeRecord['genome'] {
  return initialGenome(RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'star' } }));
}
