import type { ArchiveNode } from '../../../shared/archive';

/** Geometry of the lineage tree: one row per generation, columns wide enough for a node's labels. */
export const COLUMN_WIDTH = 128;
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
 * Rows by generation; within a row, children follow their parents' order (so edges cross little) and then
 * creation order. Every node gets its own column slot, so nothing overlaps however many nodes there are: the
 * SVG grows wider instead and the view scrolls. Rows are centred on the widest one.
 */
export function layoutTree(nodes: readonly ArchiveNode[]): TreeLayout {
  const byGeneration = new Map<number, ArchiveNode[]>();
  for (const node of nodes) byGeneration.set(node.generation, [...(byGeneration.get(node.generation) ?? []), node]);
  const generations = [...byGeneration.keys()].sort((a, b) => a - b);
  const slot = new Map<string, number>();
  const rows: ArchiveNode[][] = [];
  for (const generation of generations) {
    const row = [...(byGeneration.get(generation) ?? [])].sort((a, b) => {
      const pa = a.parentId === null ? -1 : (slot.get(a.parentId) ?? Number.MAX_SAFE_INTEGER);
      const pb = b.parentId === null ? -1 : (slot.get(b.parentId) ?? Number.MAX_SAFE_INTEGER);
      return pa - pb || a.createdOrder - b.createdOrder;
    });
    row.forEach((node, i) => slot.set(node.id, i));
    rows.push(row);
  }
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = MARGIN_X * 2 + widest * COLUMN_WIDTH;
  const height = MARGIN_TOP + MARGIN_BOTTOM + Math.max(0, rows.length - 1) * ROW_HEIGHT + NODE_RADIUS * 2;
  const position = new Map<string, PlacedNode>();
  const placed: PlacedNode[] = [];
  rows.forEach((row, r) => {
    const offset = ((widest - row.length) * COLUMN_WIDTH) / 2;
    row.forEach((node, i) => {
      const p = { node, x: MARGIN_X + offset + (i + 0.5) * COLUMN_WIDTH, y: MARGIN_TOP + NODE_RADIUS + r * ROW_HEIGHT };
      position.set(node.id, p);
      placed.push(p);
    });
  });
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
export function statusBadge(node: Pick<ArchiveNode, 'status' | 'rejectedBy'>): { text: string; title: string; tone: 'ok' | 'warn' | 'bad' | 'muted' } {
  switch (node.status) {
    case 'kept': return { text: '✓', title: 'kept: in the archive, may be a parent', tone: 'ok' };
    case 'pending': return { text: '?', title: 'pending: waiting for a person\'s decision', tone: 'warn' };
    case 'evaluating': return { text: '…', title: 'evaluating', tone: 'muted' };
    case 'rejected': {
      const by = node.rejectedBy ?? 'gate';
      const letter = by === 'staged' ? 'S' : by === 'person' ? 'P' : 'G';
      const words = by === 'staged' ? 'by the staged (cheap) evaluation' : by === 'person' ? 'by a person' : 'by the gate';
      return { text: `✗${letter}`, title: `rejected ${words}: kept in the tree for the record, never a parent`, tone: 'bad' };
    }
  }
}

export function formatScore(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(2);
}

/** "0.52 [0.31, 0.71]", or "no evidence" while no descendant has been evaluated. */
export function formatCmp(cmp: ArchiveNode['cmp']): string {
  if (cmp.n === 0) return 'no evidence';
  return `${formatScore(cmp.mean)} [${formatScore(cmp.lo)}, ${formatScore(cmp.hi)}]`;
}
