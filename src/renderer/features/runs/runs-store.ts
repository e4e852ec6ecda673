import { createStore } from 'zustand/vanilla';
import type { EventPayload } from '../../../shared/contract';
import type { RunStatus, RunSummary } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';

export interface RunsState {
  runs: RunSummary[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  text: string;
  status: RunStatus | 'all';
  confirming: string | null;
  sort: RunSort;
  /** Runs ticked for the Compare view. */
  picked: string[];
}

/** A column the Runs list sorts by, and which way. */
export type RunSortKey = 'name' | 'id' | 'status' | 'preset' | 'recipe' | 'seed' | 'bestScore' | 'iterations' | 'createdAt';
export interface RunSort {
  key: RunSortKey;
  dir: 'asc' | 'desc';
}

export const runsStore = createStore<RunsState>(() => ({
  runs: [],
  loaded: false,
  loading: false,
  error: null,
  text: '',
  status: 'all',
  confirming: null,
  sort: { key: 'createdAt', dir: 'desc' },
  picked: [],
}));

/** The Compare view's address for the ticked runs (those still listed), or null with fewer than two. */
export function selectCompareHash(s: RunsState): string | null {
  const ids = s.picked.filter((id) => s.runs.some((r) => r.id === id));
  return ids.length >= 2 ? `#/compare?runs=${ids.map(encodeURIComponent).join(',')}` : null;
}

/** The value a run is sorted by in a column; null (no score yet, no preset) sorts last either way. */
function sortValue(r: RunSummary, key: RunSortKey): string | number | null {
  switch (key) {
    case 'name':
      return (r.name ?? r.id).toLowerCase();
    case 'iterations':
      return r.iterationsDone;
    case 'preset':
      return r.preset;
    default:
      return r[key];
  }
}

export function compareRuns(a: RunSummary, b: RunSummary, sort: RunSort): number {
  const x = sortValue(a, sort.key);
  const y = sortValue(b, sort.key);
  if (x === null || y === null) return x === y ? b.createdAt.localeCompare(a.createdAt) : x === null ? 1 : -1;
  const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
  return (sort.dir === 'asc' ? order : -order) || b.createdAt.localeCompare(a.createdAt);
}

/** Runs matching the text (name, id, preset, recipe) and status filters, in the chosen column's order (newest first by default). */
export function selectVisibleRuns(s: RunsState): RunSummary[] {
  const text = s.text.trim().toLowerCase();
  return s.runs
    .filter((r) => s.status === 'all' || r.status === s.status)
    .filter((r) => !text || [r.name, r.id, r.preset, r.recipe, r.backend].some((f) => f?.toLowerCase().includes(text)))
    .sort((a, b) => compareRuns(a, b, s.sort));
}

export const runsActions = {
  async load(): Promise<void> {
    runsStore.setState({ loading: true });
    try {
      const runs = await getBridge().request('runs.list', {});
      runsStore.setState({ runs, loaded: true, loading: false, error: null });
    } catch (error) {
      runsStore.setState({ loading: false, error: describeError(error).message });
    }
  },
  setText(text: string): void {
    runsStore.setState({ text });
  },
  /** Sorts by a column; the same column again reverses the order. Numbers and dates start high, text starts at A. */
  sortBy(key: RunSortKey): void {
    runsStore.setState(({ sort }) => ({
      sort:
        sort.key === key
          ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' }
          : { key, dir: ['seed', 'bestScore', 'iterations', 'createdAt'].includes(key) ? 'desc' : 'asc' },
    }));
  },
  togglePick(runId: string): void {
    runsStore.setState(({ picked }) => ({ picked: picked.includes(runId) ? picked.filter((id) => id !== runId) : [...picked, runId] }));
  },
  setStatus(status: RunStatus | 'all'): void {
    runsStore.setState({ status });
  },
  askDelete(runId: string | null): void {
    runsStore.setState({ confirming: runId });
  },
  async confirmDelete(runId: string): Promise<void> {
    try {
      await getBridge().request('runs.delete', { runId });
      runsStore.setState((s) => ({ runs: s.runs.filter((r) => r.id !== runId), confirming: null, error: null }));
    } catch (error) {
      runsStore.setState({ confirming: null, error: `Could not delete the run: ${describeError(error).message}` });
    }
  },
  /** Status events update the row in place; a run we have not seen yet triggers a reload. */
  onStatus(payload: EventPayload<'run.status'>): void {
    const s = runsStore.getState();
    if (!s.runs.some((r) => r.id === payload.runId)) {
      if (s.loaded) void runsActions.load();
      return;
    }
    runsStore.setState({ runs: s.runs.map((r) => (r.id === payload.runId ? { ...r, status: payload.status } : r)) });
  },
  onIteration(payload: EventPayload<'run.iteration'>): void {
    const s = runsStore.getState();
    runsStore.setState({
      runs: s.runs.map((r) => (r.id === payload.runId ? { ...r, iterationsDone: Math.max(r.iterationsDone, payload.iteration) } : r)),
    });
  },
};
