import { createStore } from 'zustand/vanilla';
import type { TaskConfig } from '../../../shared/config';
import { humanNotation, type Notation } from '../../../shared/notation';
import type { Trajectory } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';

export const PAGE_SIZE = 50;

export interface TrajectoriesState {
  runId: string | null;
  iteration: number | null;
  /** Kept for training (true), rejected (false) or either (null); independent of `correct`, so "correct but rejected" is one query. */
  kept: boolean | null;
  correct: boolean | null;
  search: string;
  /** The run's task, for its human notation; null until read (or where it could not be). */
  task: TaskConfig | null;
  /** Show prompts and outputs as the model writes them instead of in human notation. */
  modelNotation: boolean;
  offset: number;
  items: Trajectory[];
  total: number;
  iterations: number[];
  loading: boolean;
  error: string | null;
  /** The "same prompt across iterations" view, when open. */
  samePrompt: { prompt: string; items: Trajectory[] } | null;
}

export const trajectoriesStore = createStore<TrajectoriesState>(() => ({
  runId: null,
  iteration: null,
  kept: null,
  correct: null,
  search: '',
  task: null,
  modelNotation: false,
  offset: 0,
  items: [],
  total: 0,
  iterations: [],
  loading: false,
  error: null,
  samePrompt: null,
}));

let generation = 0;

/** Groups one prompt's samples by iteration, oldest first, for the side-by-side view. */
export function groupByIteration(items: Trajectory[]): Array<{ iteration: number; items: Trajectory[] }> {
  const map = new Map<number, Trajectory[]>();
  for (const t of items) map.set(t.iteration, [...(map.get(t.iteration) ?? []), t]);
  return [...map.entries()].sort(([a], [b]) => a - b).map(([iteration, list]) => ({ iteration, items: list }));
}

/** The notation prompts and outputs are shown in: the task's human notation unless the person asked for the model's. */
export function selectNotation(s: TrajectoriesState): Notation | null {
  return s.modelNotation || !s.task ? null : humanNotation(s.task);
}

export const trajectoriesActions = {
  async open(runId: string): Promise<void> {
    if (trajectoriesStore.getState().runId !== runId) {
      trajectoriesStore.setState({
        runId,
        iteration: null,
        kept: null,
        correct: null,
        search: '',
        task: null,
        offset: 0,
        items: [],
        total: 0,
        iterations: [],
        samePrompt: null,
      });
      void getBridge()
        .request('runs.get', { runId })
        .then(
          (d) => trajectoriesStore.getState().runId === runId && trajectoriesStore.setState({ task: d.config.task }),
          () => undefined,
        );
    }
    await trajectoriesActions.fetch();
  },
  setModelNotation(modelNotation: boolean): void {
    trajectoriesStore.setState({ modelNotation });
  },
  async fetch(): Promise<void> {
    const s = trajectoriesStore.getState();
    if (!s.runId) return;
    const mine = ++generation;
    trajectoriesStore.setState({ loading: true });
    try {
      const result = await getBridge().request('runs.trajectories', {
        runId: s.runId,
        iteration: s.iteration ?? undefined,
        ...(s.kept === null ? {} : { kept: s.kept }),
        ...(s.correct === null ? {} : { correct: s.correct }),
        search: s.search || undefined,
        limit: PAGE_SIZE,
        offset: s.offset,
      });
      // A newer query (the user kept typing) wins over a slow older one.
      if (mine !== generation) return;
      trajectoriesStore.setState({ items: result.items, total: result.total, iterations: result.iterations, loading: false, error: null });
    } catch (error) {
      if (mine === generation) trajectoriesStore.setState({ loading: false, error: describeError(error).message });
    }
  },
  set(patch: Partial<Pick<TrajectoriesState, 'iteration' | 'kept' | 'correct' | 'search' | 'offset'>>): void {
    trajectoriesStore.setState({ offset: 0, ...patch });
    void trajectoriesActions.fetch();
  },
  async openSamePrompt(prompt: string): Promise<void> {
    const { runId } = trajectoriesStore.getState();
    if (!runId) return;
    trajectoriesStore.setState({ samePrompt: { prompt, items: [] } });
    try {
      const result = await getBridge().request('runs.trajectories', { runId, search: prompt, filter: 'all', limit: 1000, offset: 0 });
      // Search matches substrings of prompt or output; the view wants this exact prompt only.
      trajectoriesStore.setState({ samePrompt: { prompt, items: result.items.filter((t) => t.prompt === prompt) } });
    } catch (error) {
      trajectoriesStore.setState({ samePrompt: null, error: describeError(error).message });
    }
  },
  closeSamePrompt(): void {
    trajectoriesStore.setState({ samePrompt: null });
  },
};
