import { createStore } from 'zustand/vanilla';
import type { EventPayload } from '../../../shared/contract';
import type { PairChoice, RatingCount, RatingIteration, RatingPair } from '../../../shared/ratings';
import type { RunStatus } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';

/**
 * The Rate page: pairs waiting for a person across runs (or one run's), the one shown, and what the run did with
 * the choices of each iteration. Live: rating.requested / rating.chosen / run.status events re-read it.
 */
export interface RateState {
  /** The run the page is filtered to (the route's ?run=), else null: every run's pairs, oldest first. */
  runId: string | null;
  waiting: RatingPair[];
  /** Pairs waiting per run: the per-run counts and the badge in the navigation. */
  counts: RatingCount[];
  /** Null until first read. */
  total: number | null;
  loaded: boolean;
  error: string | null;
  /** The pair a choice is being sent for. */
  busy: string | null;
  chooseError: string | null;
  /** The run whose iterations are summarised: the filtered run, else the one rated last. */
  summaryRun: string | null;
  summary: RatingIteration[];
  statuses: Record<string, RunStatus>;
}

const initial: RateState = {
  runId: null,
  waiting: [],
  counts: [],
  total: null,
  loaded: false,
  error: null,
  busy: null,
  chooseError: null,
  summaryRun: null,
  summary: [],
  statuses: {},
};

export const rateStore = createStore<RateState>(() => ({ ...initial }));

/** The pair on screen: the oldest waiting one of the page's run (or of any run). */
export const selectCurrent = (s: RateState): RatingPair | null => s.waiting.find((p) => !s.runId || p.runId === s.runId) ?? null;
export const selectTotal = (s: RateState): number | null => s.total;

/** The key a person presses for each choice: 1 / 2 / S (no modifier), null for any other key or a key typed into a field. */
export function choiceForKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, target?: EventTarget | null): PairChoice | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const el = target as HTMLElement | null | undefined;
  if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)) return null;
  const key = e.key.toLowerCase();
  return key === '1' ? 'a' : key === '2' ? 'b' : key === 's' ? 'skip' : null;
}

let loadSeq = 0;

async function loadSummary(runId: string | null): Promise<void> {
  if (!runId) return rateStore.setState({ summaryRun: null, summary: [] });
  try {
    const { iterations } = await getBridge().request('ratings.summary', { runId });
    if (rateStore.getState().summaryRun === runId) rateStore.setState({ summary: iterations });
  } catch {
    // The summary is an aside: the pairs stay usable; the next event retries.
  }
}

export const rateActions = {
  /** Opens the page (for one run, or every run's pairs). */
  async open(runId: string | null): Promise<void> {
    const s = rateStore.getState();
    const summaryRun = runId ?? s.summaryRun;
    rateStore.setState({ runId, chooseError: null, summaryRun, ...(summaryRun !== s.summaryRun ? { summary: [] } : {}) });
    await rateActions.load();
  },

  /** Re-reads the waiting pairs, the counts, the runs' statuses and the summary. */
  async load(): Promise<void> {
    const seq = ++loadSeq;
    const bridge = getBridge();
    try {
      const [list, runs] = await Promise.all([bridge.request('ratings.list', {}), bridge.request('runs.list', {}).catch(() => [])]);
      if (seq !== loadSeq) return;
      const s = rateStore.getState();
      rateStore.setState({
        waiting: list.waiting,
        counts: list.counts,
        total: list.counts.reduce((a, c) => a + c.waiting, 0),
        loaded: true,
        error: null,
        statuses: Object.fromEntries(runs.map((r) => [r.id, r.status])),
        summaryRun: s.summaryRun ?? s.runId ?? list.waiting[0]?.runId ?? null,
      });
      await loadSummary(rateStore.getState().summaryRun);
    } catch (error) {
      if (seq === loadSeq) rateStore.setState({ error: describeError(error).message });
    }
  },

  /** A choice on the pair shown: sent once (a second press while it is in flight does nothing). */
  async choose(pair: RatingPair, choice: PairChoice): Promise<boolean> {
    if (rateStore.getState().busy) return false;
    rateStore.setState({ busy: pair.id, chooseError: null, summaryRun: pair.runId });
    try {
      await getBridge().request('ratings.choose', { id: pair.id, choice });
      rateStore.setState((s) => ({ busy: null, waiting: s.waiting.filter((p) => p.id !== pair.id) }));
      await rateActions.load();
      return true;
    } catch (error) {
      rateStore.setState({ busy: null, chooseError: describeError(error).message });
      await rateActions.load();
      return false;
    }
  },

  onRating(_p: EventPayload<'rating.requested'> | EventPayload<'rating.chosen'>): void {
    void rateActions.load();
  },

  /** A run that starts or stops waiting, or commits an iteration, changes what the page shows. */
  onRunEvent(p: { runId: string }): void {
    const s = rateStore.getState();
    if (s.loaded && (s.summaryRun === p.runId || s.counts.some((c) => c.runId === p.runId))) void rateActions.load();
  },

  reset(): void {
    loadSeq++;
    rateStore.setState({ ...initial });
  },
};
