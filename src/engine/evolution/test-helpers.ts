/** Small builders shared by the evolution tests. */
import { ArchiveTree, type NodeStatus } from './archive-tree';

export interface NodeSpec {
  id: string;
  parent?: string;
  score?: number | null;
  s?: number;
  f?: number;
  status?: NodeStatus;
}

/** Builds a tree from specs in order; each node's generation is its parent's + 1. */
export function buildTree(specs: NodeSpec[]): ArchiveTree {
  const tree = new ArchiveTree();
  specs.forEach((spec, i) => {
    const parent = spec.parent === undefined ? null : spec.parent;
    const generation = parent === null ? 0 : (tree.get(parent)?.generation ?? 0) + 1;
    tree.add({
      id: spec.id,
      parentId: parent,
      generation,
      createdOrder: i,
      score: spec.score === undefined ? 0.5 : spec.score,
      evaluations: { successes: spec.s ?? 0, failures: spec.f ?? 0 },
      children: [],
      status: spec.status ?? 'kept',
    });
  });
  return tree;
}

/** Pearson chi-square statistic of observed counts against expected probabilities. */
export function chiSquare(observed: number[], probabilities: number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  let chi = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = n * probabilities[i];
    chi += ((observed[i] - e) * (observed[i] - e)) / e;
  }
  return chi;
}
