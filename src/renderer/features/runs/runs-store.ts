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
}

export const runsStore = createStore<RunsState>(() => ({
  runs: [],
  loaded: false,
  loading: false,
  error: null,
  text: '',
  status: 'all',
  confirming: null,
}));

/** Runs matching the text (name, id, preset, recipe) and status filters, newest first. */
export function selectVisibleRuns(s: RunsState): RunSummary[] {
  const text = s.text.trim().toLowerCase();
  return s.runs
    .filter((r) => s.status === 'all' || r.status === s.status)
    .filter((r) => !text || [r.name, r.id, r.preset, r.recipe, r.backend].some((f) => f?.toLowerCase().includes(text)))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
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
