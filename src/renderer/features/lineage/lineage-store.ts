import { createStore } from 'zustand/vanilla';
import type { ArchiveNode, ArchiveView } from '../../../shared/archive';
import type { StartFrom } from '../../../shared/config';
import type { Proposal } from '../../../shared/oversight';
import type { RunDetail, Trajectory } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';

/** What the detail panel shows of the selected node, loaded on click. */
export interface NodeDetail {
  nodeId: string;
  proposal: Proposal | null;
  proposalError: string | null;
  trajectories: Trajectory[] | null;
  trajectoriesTotal: number;
  trajectoriesError: string | null;
}

export interface LineageState {
  runId: string | null;
  run: RunDetail | null;
  view: ArchiveView | null;
  loading: boolean;
  error: string | null;
  selectedId: string | null;
  detail: NodeDetail | null;
}

const initial: LineageState = { runId: null, run: null, view: null, loading: false, error: null, selectedId: null, detail: null };

export const lineageStore = createStore<LineageState>(() => ({ ...initial }));

/** Refetches after bursts of iteration and decision events wait this long for the burst to end. */
export const REFRESH_DEBOUNCE_MS = 300;

export const selectSelectedNode = (s: LineageState): ArchiveNode | null => s.view?.nodes.find((n) => n.id === s.selectedId) ?? null;

export const selectParentOf = (s: LineageState, node: ArchiveNode | null): ArchiveNode | null =>
  node?.parentId ? (s.view?.nodes.find((n) => n.id === node.parentId) ?? null) : null;

/** Archive size, kept agents and mismatches in the header. */
export function selectCounts(s: LineageState): { size: number; kept: number; mismatches: number; pending: number } {
  const nodes = s.view?.nodes ?? [];
  return {
    size: nodes.length,
    kept: nodes.filter((n) => n.status === 'kept').length,
    mismatches: nodes.filter((n) => n.mismatch).length,
    pending: nodes.filter((n) => n.status === 'pending').length,
  };
}

/** Nodes made and kept per generation, recomputed from the nodes so live additions show before the refetch. */
export function growthOf(nodes: readonly ArchiveNode[]): ArchiveView['generations'] {
  const rows = new Map<number, { generation: number; made: number; kept: number }>();
  for (const n of nodes) {
    const row = rows.get(n.generation) ?? { generation: n.generation, made: 0, kept: 0 };
    row.made += 1;
    if (n.status === 'kept') row.kept += 1;
    rows.set(n.generation, row);
  }
  return [...rows.values()].sort((a, b) => a.generation - b.generation);
}

/** A node event into the view: replaces the node with that id, or appends a new one. */
export function upsertNode(view: ArchiveView, node: ArchiveNode): ArchiveView {
  const index = view.nodes.findIndex((n) => n.id === node.id);
  const nodes = index < 0 ? [...view.nodes, node] : view.nodes.map((n, i) => (i === index ? node : n));
  return { ...view, nodes, generations: growthOf(nodes) };
}

/**
 * The config a branch starts with: the source run's, from the chosen node's agent instead of a warm-up. It is
 * not part of the source's comparison, and its name says where it came from.
 */
export function branchConfig(run: RunDetail, nodeId: string): Record<string, unknown> {
  const config = structuredClone(run.config) as Record<string, unknown> & { archive?: Record<string, unknown> };
  const startFrom: StartFrom = { runId: run.id, nodeId };
  const archive = config.archive ? { ...config.archive } : undefined;
  if (archive) delete archive.comparison;
  const name = `${run.name ?? run.id} · branch from ${nodeId}`.slice(0, 200);
  return { ...config, ...(archive ? { archive } : {}), name, startFrom };
}

let loadSeq = 0;
let detailSeq = 0;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

function cancelRefresh(): void {
  if (refreshTimer !== null) clearTimeout(refreshTimer);
  refreshTimer = null;
}

export const lineageActions = {
  async open(runId: string): Promise<void> {
    cancelRefresh();
    const mine = ++loadSeq;
    lineageStore.setState({ ...initial, runId, loading: true });
    const bridge = getBridge();
    try {
      const [run, view] = await Promise.all([bridge.request('runs.get', { runId }), bridge.request('archive.get', { runId })]);
      if (mine !== loadSeq) return;
      lineageStore.setState({ run, view, loading: false, error: null });
    } catch (error) {
      if (mine === loadSeq) lineageStore.setState({ loading: false, error: describeError(error).message });
    }
  },
  /** Re-reads the archive (and the run, for its status) keeping the selection. */
  async refresh(): Promise<void> {
    const { runId } = lineageStore.getState();
    if (!runId) return;
    const mine = ++loadSeq;
    const bridge = getBridge();
    try {
      const [run, view] = await Promise.all([bridge.request('runs.get', { runId }), bridge.request('archive.get', { runId })]);
      if (mine === loadSeq && lineageStore.getState().runId === runId) lineageStore.setState({ run, view, error: null });
    } catch (error) {
      if (mine === loadSeq) lineageStore.setState({ error: describeError(error).message });
    }
  },
  close(): void {
    cancelRefresh();
    loadSeq++;
    detailSeq++;
    lineageStore.setState({ ...initial });
  },
  /** A node added or changed: shown at once, without waiting for a refetch. */
  onNode(node: ArchiveNode): void {
    const s = lineageStore.getState();
    if (!s.view || node.runId !== s.runId) return;
    lineageStore.setState({ view: upsertNode(s.view, node) });
  },
  /** Iterations and decisions change budgets, CMP estimates and the best node: refetch once per burst. */
  onRunEvent(p: { runId: string }): void {
    const { runId } = lineageStore.getState();
    if (!runId || p.runId !== runId) return;
    cancelRefresh();
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void lineageActions.refresh();
    }, REFRESH_DEBOUNCE_MS);
  },
  /** Selects a node and loads its evidence (the proposal that made it) and the trajectories of its round. */
  async select(nodeId: string | null): Promise<void> {
    const mine = ++detailSeq;
    const s = lineageStore.getState();
    const node = s.view?.nodes.find((n) => n.id === nodeId) ?? null;
    if (!node || !s.runId) {
      lineageStore.setState({ selectedId: null, detail: null });
      return;
    }
    const detail: NodeDetail = { nodeId: node.id, proposal: null, proposalError: null, trajectories: null, trajectoriesTotal: 0, trajectoriesError: null };
    lineageStore.setState({ selectedId: node.id, detail });
    const bridge = getBridge();
    const proposal = node.proposalId
      ? bridge.request('proposals.get', { id: node.proposalId }).then(
          (p) => ({ proposal: p, proposalError: null }),
          (e: unknown) => ({ proposal: null, proposalError: describeError(e).message }),
        )
      : Promise.resolve({ proposal: null, proposalError: null });
    const trajectories = bridge.request('runs.trajectories', { runId: s.runId, iteration: node.step, limit: 20 }).then(
      (t) => ({ trajectories: t.items, trajectoriesTotal: t.total, trajectoriesError: null }),
      (e: unknown) => ({ trajectories: [], trajectoriesTotal: 0, trajectoriesError: describeError(e).message }),
    );
    const [p, t] = await Promise.all([proposal, trajectories]);
    if (mine !== detailSeq || lineageStore.getState().selectedId !== node.id) return;
    lineageStore.setState({ detail: { ...detail, ...p, ...t } });
  },
};
