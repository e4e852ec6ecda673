import type { ArchiveNode } from '../../../shared/archive';

/** Geometry of the lineage tree: one row per generation, columns wide enough for a node's labels. */
export const COLUMN_WIDTH = 92;
export const ROW_HEIGHT = 104;
export const NODE_RADIUS = 17;
const MARGIN_X = 24;
const MARGIN_TOP = 34;
const MARGIN_BOTTOM = 48;

export interface PlacedNode {
  node: ArchiveNode;
  x: number;
  y: number;
}

export interface TreeLayout {
  width: number;
  height: number;
  placed: PlacedNode[];
  edges: Array<{ id: string; x1: number; y1: number; x2: number; y2: number }>;
}

/**
 * Rows by generation. Columns come from a tidy-tree pass: leaves take the next free column in creation order
 * (depth first, siblings by creation), and a parent sits centred over its first and last child. Every node thus
 * has its own column within its row and no edges cross; nothing overlaps however many nodes there are: the
 * SVG grows wider instead and the view scrolls.
 */
export function layoutTree(nodes: readonly ArchiveNode[]): TreeLayout {
  const ids = new Set(nodes.map((n) => n.id));
  const children = new Map<string | null, ArchiveNode[]>();
  for (const node of nodes) {
    // A node whose parent is not (yet) in the view starts its own tree rather than disappearing.
    const parent = node.parentId !== null && ids.has(node.parentId) ? node.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), node]);
  }
  for (const list of children.values()) list.sort((a, b) => a.createdOrder - b.createdOrder);
  const column = new Map<string, number>();
  let nextLeaf = 0;
  // Iterative post-order: archives are deep chains under no-darwin, too deep for recursion to be safe.
  const stack: Array<{ node: ArchiveNode; visited: boolean }> = [...(children.get(null) ?? [])].reverse().map((node) => ({ node, visited: false }));
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const kids = children.get(top.node.id) ?? [];
    if (!top.visited && kids.length > 0) {
      top.visited = true;
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], visited: false });
      continue;
    }
    stack.pop();
    if (kids.length === 0) column.set(top.node.id, nextLeaf++);
    else column.set(top.node.id, ((column.get(kids[0].id) ?? 0) + (column.get(kids[kids.length - 1].id) ?? 0)) / 2);
  }
  const generations = [...new Set(nodes.map((n) => n.generation))].sort((a, b) => a - b);
  const rowOf = new Map(generations.map((g, i) => [g, i]));
  const width = MARGIN_X * 2 + Math.max(1, nextLeaf) * COLUMN_WIDTH;
  const height = MARGIN_TOP + MARGIN_BOTTOM + Math.max(0, generations.length - 1) * ROW_HEIGHT + NODE_RADIUS * 2;
  const position = new Map<string, PlacedNode>();
  const placed: PlacedNode[] = [];
  for (const node of [...nodes].sort((a, b) => a.generation - b.generation || (column.get(a.id) ?? 0) - (column.get(b.id) ?? 0))) {
    const p = {
      node,
      x: MARGIN_X + ((column.get(node.id) ?? 0) + 0.5) * COLUMN_WIDTH,
      y: MARGIN_TOP + NODE_RADIUS + (rowOf.get(node.generation) ?? 0) * ROW_HEIGHT,
    };
    position.set(node.id, p);
    placed.push(p);
  }
  const edges = placed.flatMap(({ node, x, y }) => {
    const parent = node.parentId === null ? undefined : position.get(node.parentId);
    return parent ? [{ id: `${parent.node.id}-${node.id}`, x1: parent.x, y1: parent.y + NODE_RADIUS, x2: x, y2: y - NODE_RADIUS }] : [];
  });
  return { width, height, placed, edges };
}

/** Fill by own score: red (0) through amber to green (1); grey before any evaluation. */
export function scoreFill(score: number | null): string {
  if (score === null || !Number.isFinite(score)) return 'var(--chip)';
  const s = Math.min(1, Math.max(0, score));
  return `hsl(${Math.round(s * 120)} 65% 52%)`;
}

/** The short status badge of a node and the words behind it. */
export function statusBadge(node: Pick<ArchiveNode, 'status' | 'rejectedBy'> & Partial<Pick<ArchiveNode, 'fullyEvaluated' | 'cheapScore'>>): {
  text: string;
  title: string;
  tone: 'ok' | 'warn' | 'bad' | 'muted';
} {
  switch (node.status) {
    case 'kept':
      // The DGM family keeps a child that failed the staged check, with the score of the small set it was evaluated on.
      if (node.fullyEvaluated === false && node.cheapScore != null) {
        return {
          text: '✓',
          title: `kept with its small-set score ${formatScore(node.cheapScore)}: it failed the staged check, so it is a low-weight parent`,
          tone: 'ok',
        };
      }
      return { text: '✓', title: 'kept: in the archive, may be a parent', tone: 'ok' };
    case 'pending':
      return { text: '?', title: "pending: waiting for a person's decision", tone: 'warn' };
    case 'evaluating':
      return { text: '…', title: 'evaluating', tone: 'muted' };
    case 'rejected': {
      const by = node.rejectedBy ?? 'gate';
      const letter = by === 'staged' ? 'S' : by === 'person' ? 'P' : 'G';
      const words =
        by === 'staged' ? 'by the staged (cheap) evaluation, in a run made before such children were kept' : by === 'person' ? 'by a person' : 'by the gate';
      return { text: `✗${letter}`, title: `rejected ${words}: kept in the tree for the record, never a parent`, tone: 'bad' };
    }
  }
}

export function formatScore(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(2);
}

/** What CMP means wherever it is shown: the paper's clade metaproductivity, estimated from the descendants alone. */
export const CMP_MEANING = "clade metaproductivity: mean [90% interval] of its descendants' evaluations (not its own)";

/** Why a mismatch is worth a look. HGM's expansion draw pools the node's own evaluations with its descendants'. */
export function mismatchText(score: string, cmp: string): string {
  return `Own score ${score} lies outside its descendants' CMP interval ${cmp}: how well this agent does is a poor guide to how well its descendants do. HGM expands by a draw pooling the node's own evaluations with its descendants', DGM by own score.`;
}

/** "0.52 [0.31, 0.71]", or "no evidence" while no descendant has been evaluated. */
export function formatCmp(cmp: ArchiveNode['cmp']): string {
  if (cmp.n === 0) return 'no evidence';
  return `${formatScore(cmp.mean)} [${formatScore(cmp.lo)}, ${formatScore(cmp.hi)}]`;
}

/** The same on two short lines, to fit under a node in a narrow column. */
export function cmpLines(cmp: ArchiveNode['cmp']): [string, string] {
  if (cmp.n === 0) return ['CMP —', 'no evidence'];
  return [`CMP ${formatScore(cmp.mean)}`, `[${formatScore(cmp.lo)}, ${formatScore(cmp.hi)}]`];
}
