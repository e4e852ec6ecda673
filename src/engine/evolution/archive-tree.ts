/**
 * The archive of agents as plain data: a tree whose root is the initial agent and whose edges are
 * self-modifications (parent -> child). The search strategies only read it; the caller adds children and records
 * their evaluations. Everything here is JSON-serialisable so a run's archive can be checkpointed and resumed.
 *
 * Which nodes may be parents is a property of the selection, not of the tree:
 * - keep-all (the Darwin Gödel Machine's default): every kept node with a score;
 * - keep-better: only kept nodes whose score is at least the initial agent's (the root's) minus a noise leeway,
 *   0.1 by default, as the DGM code's update_archive compares. The root is always eligible.
 * A node's score for selection is its full score, or, for a node evaluated on the small set only (it failed the
 * staged check), its small-set score: the DGM code keeps such a child in the archive with that score, where it
 * counts as a child of its parent and stays a low-weight candidate parent (selectionScore).
 */
import { z } from 'zod';
import { CodedError, parseOrThrow } from '../../shared/errors';

export type NodeStatus = 'evaluating' | 'kept' | 'rejected' | 'pending';

export interface EvaluationCounts {
  successes: number;
  failures: number;
}

export interface ArchiveNode {
  id: string;
  parentId: string | null;
  generation: number;
  createdOrder: number;
  /** Own full search-set score in [0, 1]; null until evaluated in full (and for good if it failed the staged check). */
  score: number | null;
  /** The node's OWN evaluation results (tasks solved / failed). */
  evaluations: EvaluationCounts;
  children: string[];
  /** 'rejected' = the gate rejected it; it stays in the tree for the record but is never a parent. */
  status: NodeStatus;
}

export type ArchiveSelection = 'keep-all' | 'keep-better';

export interface EligibilityOptions {
  selection: ArchiveSelection;
  /** keep-better only: a node is eligible when its score >= the root's score - leeway. Default 0.1 (the DGM code's). */
  keepBetterLeeway?: number;
}

/** The DGM code's noise leeway for keep-better. */
export const KEEP_BETTER_LEEWAY = 0.1;

const countSchema = z.number().int().min(0);
const nodeSchema = z.strictObject({
  id: z.string().min(1),
  parentId: z.string().min(1).nullable(),
  generation: z.number().int().min(0),
  createdOrder: z.number().int().min(0),
  score: z.number().min(0).max(1).nullable(),
  evaluations: z.strictObject({ successes: countSchema, failures: countSchema }),
  children: z.array(z.string()),
  status: z.enum(['evaluating', 'kept', 'rejected', 'pending']),
});
const treeSchema = z.strictObject({ version: z.literal(1), nodes: z.array(nodeSchema) });

export interface ArchiveTreeJson {
  version: 1;
  nodes: ArchiveNode[];
}

/** What a caller may change on a node after adding it (the tree's structure is fixed once added). */
export interface NodeUpdate {
  score?: number | null;
  status?: NodeStatus;
  evaluations?: EvaluationCounts;
}

function copyNode(node: ArchiveNode): ArchiveNode {
  return { ...node, evaluations: { ...node.evaluations }, children: [...node.children] };
}

function invalid(message: string, path: string, fix: string): CodedError {
  return new CodedError('invalid_request', `${message}; ${fix}`, [{ path, message: `${message}; ${fix}` }]);
}

export class ArchiveTree {
  private readonly byId = new Map<string, ArchiveNode>();
  private readonly order: ArchiveNode[] = [];

  /**
   * Adds a node. Its parent must already be in the tree (the first node is the root, with parentId null); its
   * generation must be the parent's + 1; its createdOrder must exceed every earlier node's. The tree records the
   * child in the parent's `children`, so `node.children` must be empty on entry.
   */
  add(node: ArchiveNode): void {
    const n = parseOrThrow(nodeSchema, node, 'invalid_request', `archive node ${JSON.stringify(node?.id)}`);
    if (this.byId.has(n.id)) throw invalid(`node id "${n.id}" is already in the archive`, 'id', 'use a fresh id');
    if (n.children.length > 0) {
      throw invalid(`node "${n.id}" arrives with children`, 'children', 'add it with children: [] and add each child after it');
    }
    const last = this.order[this.order.length - 1];
    if (last && n.createdOrder <= last.createdOrder) {
      throw invalid(`node "${n.id}" has createdOrder ${n.createdOrder}`, 'createdOrder', `use a value above ${last.createdOrder}`);
    }
    if (n.parentId === null) {
      if (this.order.length > 0) throw invalid(`node "${n.id}" has no parent but the archive already has a root`, 'parentId', 'name its parent');
      if (n.generation !== 0) throw invalid(`root "${n.id}" has generation ${n.generation}`, 'generation', 'use 0');
    } else {
      const parent = this.byId.get(n.parentId);
      if (!parent) throw invalid(`parent "${n.parentId}" of node "${n.id}" is not in the archive`, 'parentId', 'add the parent first');
      if (n.generation !== parent.generation + 1) {
        throw invalid(`node "${n.id}" has generation ${n.generation}`, 'generation', `use ${parent.generation + 1} (its parent's + 1)`);
      }
      parent.children.push(n.id);
    }
    const stored = copyNode(n);
    this.byId.set(stored.id, stored);
    this.order.push(stored);
  }

  /** Changes a node's score, status or own evaluation counts. */
  update(id: string, patch: NodeUpdate): void {
    const node = this.mutable(id);
    const next = parseOrThrow(nodeSchema, { ...copyNode(node), ...patch }, 'invalid_request', `update of node "${id}"`);
    node.score = next.score;
    node.status = next.status;
    node.evaluations = { ...next.evaluations };
  }

  /** Adds evaluation results to a node's own counts. */
  addEvaluations(id: string, successes: number, failures: number): void {
    const node = this.require(id);
    this.update(id, {
      evaluations: { successes: node.evaluations.successes + successes, failures: node.evaluations.failures + failures },
    });
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Readonly<ArchiveNode> | undefined {
    return this.byId.get(id);
  }

  /** Like get, but an unknown id is an error naming it. */
  require(id: string): Readonly<ArchiveNode> {
    return this.mutable(id);
  }

  /** The stored node itself, for the tree's own updates; callers change nodes through update(). */
  private mutable(id: string): ArchiveNode {
    const node = this.byId.get(id);
    if (!node) throw new CodedError('invalid_request', `node "${id}" is not in the archive; use an id returned by nodes()`);
    return node;
  }

  /** All nodes in the order they were added. */
  nodes(): readonly Readonly<ArchiveNode>[] {
    return this.order;
  }

  get size(): number {
    return this.order.length;
  }

  root(): Readonly<ArchiveNode> | undefined {
    return this.order[0];
  }

  childrenOf(id: string): Readonly<ArchiveNode>[] {
    return this.mutable(id).children.map((c) => this.mutable(c));
  }

  /** Every node below `id`, depth-first in the order children were added; `id` itself is excluded. */
  descendantsOf(id: string): Readonly<ArchiveNode>[] {
    const out: ArchiveNode[] = [];
    const stack = [...this.mutable(id).children].reverse();
    while (stack.length > 0) {
      const node = this.mutable(stack.pop() as string);
      out.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
    return out;
  }

  /** `id` followed by its descendants (its clade). */
  subtreeOf(id: string): Readonly<ArchiveNode>[] {
    return [this.mutable(id), ...this.descendantsOf(id)];
  }

  /** The most recently created node, or undefined when the archive is empty. */
  latest(): Readonly<ArchiveNode> | undefined {
    return this.order[this.order.length - 1];
  }

  toJSON(): ArchiveTreeJson {
    return { version: 1, nodes: this.order.map(copyNode) };
  }

  /** Rebuilds a tree from toJSON() output; children lists are rebuilt from parentId and checked against the stored ones. */
  static fromJSON(json: unknown): ArchiveTree {
    const data = parseOrThrow(treeSchema, json, 'invalid_request', 'archive');
    const tree = new ArchiveTree();
    for (const node of data.nodes) tree.add({ ...node, children: [] });
    for (const node of data.nodes) {
      const rebuilt = tree.require(node.id).children;
      if (rebuilt.join('\u0000') !== node.children.join('\u0000')) {
        throw invalid(`node "${node.id}" lists children that disagree with the nodes' parentId`, `nodes.${node.id}.children`, 'save the archive with toJSON()');
      }
    }
    return tree;
  }
}

/**
 * The score a selection sees: the full score, else the share of the tasks the node was evaluated on (a child that
 * failed the staged check has only its small-set score), else null (not evaluated yet).
 */
export function selectionScore(node: Readonly<ArchiveNode>): number | null {
  if (node.score !== null) return node.score;
  const n = node.evaluations.successes + node.evaluations.failures;
  return n > 0 ? node.evaluations.successes / n : null;
}

/**
 * Whether `node` may be chosen as a parent under the selection: kept, scored (on the full set or, after a failed
 * staged check, on the small set), and for keep-better not below the root's score minus the leeway (the root is
 * always eligible once kept and scored).
 */
export function isEligibleParent(tree: ArchiveTree, node: Readonly<ArchiveNode>, options: EligibilityOptions): boolean {
  const score = node.status === 'kept' ? selectionScore(node) : null;
  if (score === null) return false;
  if (options.selection === 'keep-all' || node.parentId === null) return true;
  const root = tree.root();
  const rootScore = root ? selectionScore(root) : null;
  if (rootScore === null) return true;
  return score >= rootScore - (options.keepBetterLeeway ?? KEEP_BETTER_LEEWAY);
}

/** Eligible parents in creation order. */
export function eligibleParents(tree: ArchiveTree, options: EligibilityOptions): Readonly<ArchiveNode>[] {
  return tree.nodes().filter((n) => isEligibleParent(tree, n, options));
}
