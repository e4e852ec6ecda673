import { createStore } from 'zustand/vanilla';
import type { EventPayload } from '../../../shared/contract';
import { isLive, isPausable, isResumable, isStoppable, type RunDetail, type RunStatus, type WarmupLoss } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';
import { downloadFile, type DownloadableFile } from '../../lib/download';
import { findLiveRun, type BlockingRun } from '../../lib/live-run';
import { appendMetrics, appendPoint, createBuffer, fromMetricSeries, type SeriesBuffer } from '../../lib/series';
import { MEM_PREFIX, PERF_PREFIX, scoreOf, TIME_PREFIX } from '../../../shared/metrics';

export type OffSwitchAction = 'pause' | 'resume' | 'stop' | 'kill';

export interface PhaseTiming {
  iteration: number;
  phase: string;
  ms: number;
}

/**
 * The warm-up as this page saw it (its progress for an ETA, and its running loss as its own curve, x: step), or as
 * the run kept it once it finished (the stored curve, loaded when the run opens).
 */
export interface WarmupTrack {
  done: number;
  total: number;
  /** When, and at which step, this page first saw it: the rate since then gives the ETA. */
  seenAt: number;
  seenDone: number;
  at: number;
  loss: SeriesBuffer;
}

/** Off-switch latency as the user sees it: click to the new status on screen. */
export interface LatencySample {
  action: OffSwitchAction;
  ms: number;
  from: string;
  to: string;
}

export interface RunState {
  runId: string | null;
  detail: RunDetail | null;
  status: RunStatus | null;
  statusReason: string | null;
  /** One buffer per monitor; mutated in place, `version` says when. */
  buffers: Map<string, SeriesBuffer>;
  names: string[];
  version: number;
  iterations: number[];
  lastMetrics: Record<string, number>;
  progress: EventPayload<'run.progress'> | null;
  phaseStartedAt: number | null;
  phaseTimings: PhaseTiming[];
  warmup: WarmupTrack | null;
  loading: boolean;
  error: string | null;
  actionError: string | null;
  /** A resume refused because another run holds the engine: that run, shown beside the off switch with Open and Stop. */
  busy: { message: string; blocking: BlockingRun | null; stopping: boolean } | null;
  /** A run export in flight (its format), and why the last one failed. */
  exporting: 'json' | 'csv' | null;
  exportError: string | null;
  pending: { action: OffSwitchAction; at: number; from: string } | null;
  /** Set when the engine was killed or crashed, until the run's status has been re-read from the new engine. */
  engineLost: 'killed' | 'crashed' | null;
}

const initial: RunState = {
  runId: null,
  detail: null,
  status: null,
  statusReason: null,
  buffers: new Map(),
  names: [],
  version: 0,
  iterations: [],
  lastMetrics: {},
  progress: null,
  phaseStartedAt: null,
  phaseTimings: [],
  warmup: null,
  loading: false,
  error: null,
  actionError: null,
  busy: null,
  exporting: null,
  exportError: null,
  pending: null,
  engineLost: null,
};

export const runStore = createStore<RunState>(() => ({ ...initial, buffers: new Map() }));

const now = (): number => (typeof performance === 'undefined' ? Date.now() : performance.now());

/** What the status badge shows: the engine's loss until the run's status is known again, else the run's status. */
export const selectShown = (s: RunState): string => (s.engineLost ? `engine ${s.engineLost}` : (s.status ?? 'unknown'));
export const selectCanPause = (s: RunState): boolean => !s.engineLost && s.status !== null && isPausable(s.status);
export const selectCanResume = (s: RunState): boolean => !s.engineLost && s.status !== null && isResumable(s.status);
export const selectCanStop = (s: RunState): boolean => !s.engineLost && s.status !== null && isStoppable(s.status);
/** Kill ends the engine process; it is offered while the run is live there (or the engine's loss not yet resolved). */
export const selectCanKill = (s: RunState): boolean => !s.engineLost && s.status !== null && isLive(s.status);
/**
 * Seconds left in the warm-up at the rate this page has seen it go, or null before two readings (or once done).
 */
export function selectWarmupEtaS(s: RunState): number | null {
  const w = s.warmup;
  if (!w || w.done >= w.total || w.done <= w.seenDone || w.at <= w.seenAt) return null;
  const perStep = (w.at - w.seenAt) / (w.done - w.seenDone);
  return ((w.total - w.done) * perStep) / 1000;
}
/** Whether iteration 0 is a warm-up (a text-task run's supervised start) rather than a first evaluation. */
export const selectHasWarmup = (s: RunState): boolean => s.detail?.config.policy.kind === 'transformer';
export const selectIterationsTotal = (s: RunState): number => s.detail?.iterationsTotal ?? 0;
/** Monitors of the engine's memory (tf.memory()), shown beside the charts. */
export const selectMemory = (s: RunState): Array<[string, number]> => Object.entries(s.lastMetrics).filter(([k]) => k.startsWith(MEM_PREFIX));
export const selectTimeMetrics = (s: RunState): Array<[string, number]> =>
  Object.entries(s.lastMetrics).filter(([k]) => k.startsWith(TIME_PREFIX) || k.startsWith(PERF_PREFIX));

function trackWarmup(w: WarmupTrack | null, p: EventPayload<'run.progress'>, t: number): WarmupTrack {
  const next: WarmupTrack = w
    ? { ...w, done: p.done, total: p.total, at: t }
    : { done: p.done, total: p.total, seenAt: t, seenDone: p.done, at: t, loss: createBuffer('warmup/loss') };
  if (p.loss !== undefined && Number.isFinite(p.loss)) appendPoint(next.loss, p.done, p.loss);
  return next;
}

/** A finished warm-up's stored curve as a track: done at its last step, so no progress bar or ETA. */
function storedWarmup(trace: WarmupLoss, t: number): WarmupTrack | null {
  const last = trace.steps.at(-1);
  if (last === undefined) return null;
  const loss = createBuffer('warmup/loss', trace.steps.length);
  trace.steps.forEach((step, i) => appendPoint(loss, step, trace.loss[i]!));
  return { done: last, total: last, seenAt: t, seenDone: last, at: t, loss };
}

export const runActions = {
  async open(runId: string): Promise<void> {
    runStore.setState({ ...initial, buffers: new Map(), runId, loading: true });
    const bridge = getBridge();
    try {
      const [detail, metrics] = await Promise.all([bridge.request('runs.get', { runId }), bridge.request('runs.metrics', { runId })]);
      if (runStore.getState().runId !== runId) return;
      const buffers = fromMetricSeries(metrics);
      // Events that arrived while loading are already in the store; keep them.
      const pendingBuffers = runStore.getState().buffers;
      for (const [name, b] of pendingBuffers) {
        for (let i = 0; i < b.length; i++) appendMetrics(buffers, b.x[i], { [name]: b.y[i] });
      }
      const iterations = [...new Set([...metrics.iterations, ...runStore.getState().iterations])].sort((a, b) => a - b);
      const lastIteration = iterations[iterations.length - 1];
      const lastMetrics: Record<string, number> = { ...(detail.lastMetrics ?? {}) };
      if (lastIteration !== undefined) {
        for (const [name, b] of buffers) if (b.length && b.x[b.length - 1] === lastIteration) lastMetrics[name] = b.y[b.length - 1];
      }
      const current = runStore.getState();
      // The stored curve is the whole warm-up; a live track seen while loading has only its last steps.
      const stored = detail.warmupLoss ? storedWarmup(detail.warmupLoss, now()) : null;
      runStore.setState({
        detail,
        warmup: stored ?? current.warmup,
        status: current.status ?? detail.status,
        buffers,
        names: [...buffers.keys()].sort(),
        version: current.version + 1,
        iterations,
        lastMetrics,
        loading: false,
        error: null,
      });
    } catch (error) {
      if (runStore.getState().runId === runId) runStore.setState({ loading: false, error: describeError(error).message });
    }
  },

  /**
   * Re-reads the run after the engine restarts, which marks the runs it held interrupted. A fresh engine may
   * still be loading, so an unanswered read is retried a few times rather than left hanging.
   */
  async refresh(attempts = 5, waitMs = 3000): Promise<void> {
    const { runId } = runStore.getState();
    if (!runId) return;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        const detail = await Promise.race([
          getBridge().request('runs.get', { runId }),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), waitMs)),
        ]);
        if (runStore.getState().runId !== runId) return;
        // The reason of an earlier status event ("resumed") no longer applies to the re-read status.
        runStore.setState({ detail, status: detail.status, statusReason: detail.error, engineLost: null });
        return;
      } catch {
        if (runStore.getState().runId !== runId) return;
      }
    }
  },

  onEngine(payload: EventPayload<'engine.status'>): void {
    if (payload.state === 'killed' || payload.state === 'crashed') runStore.setState({ engineLost: payload.state });
    if (payload.state === 'ready' && runStore.getState().runId) void runActions.refresh();
  },

  onIteration(payload: EventPayload<'run.iteration'>): void {
    const s = runStore.getState();
    if (payload.runId !== s.runId) return;
    const added = appendMetrics(s.buffers, payload.iteration, payload.metrics);
    const iterations = s.iterations.includes(payload.iteration) ? s.iterations : [...s.iterations, payload.iteration];
    const score = scoreOf(payload.metrics);
    const bestScore = (best: number | null): number | null => (score === undefined ? best : best === null ? score : Math.max(best, score));
    const detail = s.detail
      ? { ...s.detail, iterationsDone: Math.max(s.detail.iterationsDone, payload.iteration), bestScore: bestScore(s.detail.bestScore) }
      : s.detail;
    runStore.setState({
      version: s.version + 1,
      iterations,
      lastMetrics: { ...payload.metrics },
      detail,
      names: added ? [...s.buffers.keys()].sort() : s.names,
    });
  },

  onStatus(payload: EventPayload<'run.status'>): void {
    const s = runStore.getState();
    if (s.busy?.blocking?.id === payload.runId) {
      const blocking = { ...s.busy.blocking, status: payload.status };
      runStore.setState({ busy: isLive(payload.status) ? { ...s.busy, blocking } : null });
    }
    if (payload.runId !== s.runId) return;
    runStore.setState({
      status: payload.status,
      statusReason: payload.reason ?? null,
      engineLost: null,
      detail: s.detail ? { ...s.detail, status: payload.status } : null,
    });
  },

  onProgress(payload: EventPayload<'run.progress'>): void {
    const s = runStore.getState();
    if (payload.runId !== s.runId) return;
    const t = now();
    const previous = s.progress;
    const changed = !previous || previous.phase !== payload.phase || previous.iteration !== payload.iteration;
    const warmup = payload.phase === 'warmup' ? trackWarmup(s.warmup, payload, t) : s.warmup;
    if (warmup !== s.warmup) runStore.setState({ warmup, version: s.version + 1 });
    if (!changed) {
      runStore.setState({ progress: payload });
      return;
    }
    const timings =
      previous && s.phaseStartedAt !== null
        ? [...s.phaseTimings, { iteration: previous.iteration, phase: previous.phase, ms: t - s.phaseStartedAt }].slice(-200)
        : s.phaseTimings;
    runStore.setState({ progress: payload, phaseStartedAt: t, phaseTimings: timings });
  },

  /** Pause, resume, stop, or kill the engine; the status change itself arrives as an event. */
  async act(action: OffSwitchAction, shownNow: string): Promise<void> {
    const s = runStore.getState();
    const bridge = getBridge();
    runStore.setState({ pending: { action, at: now(), from: shownNow }, actionError: null });
    try {
      if (action === 'kill') {
        await bridge.request('engine.kill', {});
        return;
      }
      if (!s.runId) return;
      const name = action === 'pause' ? 'runs.pause' : action === 'resume' ? 'runs.resume' : 'runs.stop';
      const result = await bridge.request(name, { runId: s.runId });
      // The reply carries the status too; use it in case the event was missed.
      if (runStore.getState().runId === s.runId && runStore.getState().status === s.status) runStore.setState({ status: result.status });
    } catch (error) {
      const { message, code } = describeError(error);
      if (code === 'run_busy') {
        runStore.setState({ pending: null, busy: { message, blocking: await findLiveRun(), stopping: false } });
        return;
      }
      runStore.setState({ actionError: `${action} failed: ${message}`, pending: null });
    }
  },
  /** Stops the run that blocked a resume; the notice goes once that run no longer holds the engine. */
  async stopBlocking(): Promise<void> {
    const busy = runStore.getState().busy;
    if (!busy?.blocking) return;
    runStore.setState({ busy: { ...busy, stopping: true } });
    try {
      await getBridge().request('runs.stop', { runId: busy.blocking.id });
    } catch (error) {
      runStore.setState({ busy: { ...busy, stopping: false, message: `Stopping ${busy.blocking.id} failed: ${describeError(error).message}` } });
    }
  },
  dismissBusy(): void {
    runStore.setState({ busy: null });
  },

  /** Asks the engine for the run as a file (JSON as `evolab export` writes it, or CSV) and saves it (a download by default). */
  async exportRun(format: 'json' | 'csv', save: (file: DownloadableFile) => void = downloadFile): Promise<DownloadableFile | null> {
    const { runId } = runStore.getState();
    if (!runId) return null;
    runStore.setState({ exporting: format, exportError: null });
    try {
      const file = await getBridge().request('runs.export', { runId, format });
      save(file);
      runStore.setState({ exporting: null });
      return file;
    } catch (error) {
      runStore.setState({ exporting: null, exportError: `Export failed: ${describeError(error).message}` });
      return null;
    }
  },

  /** Called once the screen shows a new status; completes the latency sample of a pending action. */
  statusShown(shown: string, at: number): LatencySample | null {
    const { pending } = runStore.getState();
    if (!pending || shown === pending.from) return null;
    runStore.setState({ pending: null });
    return { action: pending.action, ms: at - pending.at, from: pending.from, to: shown };
  },
};
