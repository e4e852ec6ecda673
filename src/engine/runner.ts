import fs from 'node:fs';
import type { RunConfig } from '../shared/config';
import { isPausable, isStoppable, type Metrics, type ProgressPhase, type RunStatus } from '../shared/run';
import type { IterationResult } from './types';
import type { Emit, LoopContext, RunLoop, RunnerHooks, RunnerSession } from './core/ports';
import { ArchiveLoop } from './evolution/archive-loop';
import { branchState } from './evolution/branch';
import { faultPoint } from './fault';
import { OversightLoop } from './oversight/round';
import { PersonRating } from './oversight/person-rating';
import { archiveRun, governedRun, plainRun } from './run-loops';
import { readCheckpoint, writeCheckpoint } from './store/checkpoint';
import type { Store } from './store/store';

/** Thrown from a step boundary when the run was asked to stop; the in-flight iteration is discarded. */
export class StopSignal extends Error {
  constructor() {
    super('The run was asked to stop.');
    this.name = 'StopSignal';
  }
}

export type { Emit } from './core/ports';

export type { RunnerHooks, RunnerSession } from './core/ports';

export type SessionFactory = (config: RunConfig, hooks: RunnerHooks) => Promise<RunnerSession>;
export type BackendInit = (requested: RunConfig['backend']) => Promise<{ active: string; details?: string }>;

export const defaultSessionFactory: SessionFactory = async (config, hooks) => {
  const { createRunSession } = await import('./run-session');
  return createRunSession(config, hooks);
};

export const defaultBackendInit: BackendInit = async (requested) => {
  const { backendReport } = await import('./tf');
  const { initProvenBackend } = await import('./backend-proof');
  // "auto" means "whatever works": accept the backend this process already runs on rather than refusing.
  const current = backendReport();
  if (current && requested === 'auto') return current;
  return initProvenBackend(requested);
};

export interface RunnerOptions {
  store: Store;
  runId: string;
  config: RunConfig;
  emit: Emit;
  /** Continue from the run's last checkpoint (stopped, interrupted or failed runs). */
  resume?: boolean;
  createSession?: SessionFactory;
  initBackend?: BackendInit;
}

const PROGRESS_INTERVAL_MS = 100;

/**
 * Drives one run: warm-up as iteration 0, then iterations 1..N, each made durable (checkpoint, then one
 * transaction) before the next starts. Pause, resume and stop take effect at the session's step boundaries.
 */
export class Runner {
  readonly runId: string;
  private readonly options: RunnerOptions;
  private state: RunStatus = 'running';
  private paused = false;
  private stopRequested = false;
  private waiters: Array<() => void> = [];
  private iteration = 0;
  private lastProgressAt = 0;
  private finished: Promise<RunStatus> | null = null;
  private loop: OversightLoop | null = null;
  private archive: ArchiveLoop | null = null;
  private session: RunnerSession | null = null;
  private runLoop: RunLoop | null = null;
  private person: PersonRating | null = null;

  constructor(options: RunnerOptions) {
    this.options = options;
    this.runId = options.runId;
  }

  get status(): RunStatus {
    return this.state;
  }

  /** Starts the run (once); resolves with the final status. Never rejects: failures mark the run failed. */
  start(): Promise<RunStatus> {
    this.finished ??= this.drive();
    return this.finished;
  }

  /** Resolves with the final status once the run has ended. */
  get done(): Promise<RunStatus> {
    return this.start();
  }

  pause(): RunStatus {
    if (isPausable(this.state)) {
      this.paused = true;
      this.setStatus('paused', 'paused by request');
    }
    return this.state;
  }

  resume(): RunStatus {
    if (this.state === 'paused') {
      this.paused = false;
      this.setStatus('running', 'resumed by request');
      this.wake();
    }
    return this.state;
  }

  stop(): RunStatus {
    if (isStoppable(this.state)) {
      this.stopRequested = true;
      this.setStatus('stopping', 'stop requested');
      this.wake();
      this.poke();
    }
    return this.state;
  }

  /** A decision or policy change arrived: the loop that may be waiting for one looks now. */
  poke(): void {
    this.runLoop?.poke();
    this.person?.poke();
  }

  /** The archive of an open-ended run while it runs (null otherwise). */
  get archiveLoop(): ArchiveLoop | null {
    return this.archive;
  }

  /** The oversight loop of a governed run (null otherwise): decisions and edits reach the run through it. */
  get oversight(): OversightLoop | null {
    return this.loop;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * The session calls this between steps. It always yields a macrotask turn, so requests (pause, stop) and
   * signals are handled even while training runs flat out; it waits while paused and throws when stopping.
   */
  private readonly stepBoundary = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.paused && !this.stopRequested) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.stopRequested) throw new StopSignal();
  };

  private readonly progress = (phase: ProgressPhase, done: number, total: number, loss?: number): void => {
    const now = Date.now();
    if (done < total && now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    const payload = { runId: this.runId, iteration: this.iteration, phase, done, total };
    this.options.emit('run.progress', loss !== undefined && Number.isFinite(loss) ? { ...payload, loss } : payload);
  };

  private setStatus(status: RunStatus, reason?: string, error: string | null = null): void {
    this.state = status;
    this.options.store.setStatus(this.runId, status, error);
    this.options.emit('run.status', { runId: this.runId, status, ...(reason ? { reason } : {}) });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.emit('run.log', { runId: this.runId, level, message });
  }

  private async drive(): Promise<RunStatus> {
    const { store, config } = this.options;
    let session: RunnerSession | null = null;
    try {
      this.setStatus('running', this.options.resume ? 'resumed' : 'started');
      const backend = await (this.options.initBackend ?? defaultBackendInit)(config.backend);
      store.setBackend(this.runId, backend.active);
      this.log('info', `Backend: ${backend.active}${backend.details ? ` (${backend.details})` : ''}`);
      if (config.rater.kind === 'person') this.person = new PersonRating(this.loopHooks());
      session = await (this.options.createSession ?? defaultSessionFactory)(config, {
        progress: this.progress,
        stepBoundary: this.stepBoundary,
        checkpointWarmup: this.checkpointWarmup,
        ...(this.person ? { person: this.person } : {}),
      });
      this.session = session;
      const loop = this.createRunLoop(session);
      this.runLoop = loop;
      let next = 0;
      if (this.options.resume) next = this.restore(session, loop);
      if (next > 0) await loop.settle(next - 1);
      for (let iteration = next; iteration <= config.iterations; iteration++) {
        if (loop.ended(iteration)) break;
        await this.stepBoundary();
        this.iteration = iteration;
        const startedAt = new Date().toISOString();
        const result: IterationResult = iteration === 0 ? { metrics: loop.began(await this.begin(session)), trajectories: [] } : await loop.step(iteration);
        this.progress('checkpoint', 0, 1);
        const state = { ...(session.getState() as object), ...loop.checkpointExtra() };
        // The audit log's head so far is anchored in the checkpoint too: entries removed later show against it.
        const file = writeCheckpoint(store.checkpointPath(this.runId, iteration), {
          runId: this.runId,
          iteration,
          config,
          state,
          auditHead: store.oversight.head(this.runId),
        });
        const plan = loop.commit(iteration);
        const warmupLoss = iteration === 0 ? (session.warmupLoss?.() ?? null) : null;
        store.commitIteration(this.runId, {
          iteration,
          startedAt,
          endedAt: new Date().toISOString(),
          checkpoint: file,
          metrics: result.metrics,
          trajectories: result.trajectories,
          ...(plan.archive !== undefined ? { archive: plan.archive } : {}),
          ...(warmupLoss ? { warmupLoss } : {}),
          within: plan.within,
        });
        faultPoint('iteration-committed');
        plan.durable?.();
        if (iteration === 0) store.removeWarmupCheckpoint(this.runId);
        store.pruneCheckpoints(this.runId);
        this.progress('checkpoint', 1, 1);
        this.options.emit('run.iteration', { runId: this.runId, iteration, metrics: result.metrics });
        plan.announce?.();
        await loop.settle(iteration);
      }
      this.setStatus('completed', loop.completed());
    } catch (error) {
      if (error instanceof StopSignal) {
        // Stopped inside the warm-up: keep its progress, so resume continues the warm-up instead of redoing it.
        if (this.iteration === 0 && session && !config.startFrom && this.options.store.lastCheckpoint(this.runId) === null) this.checkpointWarmup();
        this.setStatus('stopped', 'stopped by request; resume continues from the last checkpoint');
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.log('error', message);
        this.setStatus('failed', message, message);
      }
    } finally {
      session?.dispose();
    }
    return this.state;
  }

  private readonly checkpointWarmup = (): void => {
    if (!this.session) return;
    const { store, config } = this.options;
    writeCheckpoint(store.warmupCheckpointPath(this.runId), { runId: this.runId, iteration: 0, config, state: this.session.getState() });
    faultPoint('warmup-checkpointed');
  };

  /** Iteration 0: the warm-up, or the agent of the archive node the run branches from. */
  private async begin(session: RunnerSession): Promise<Metrics> {
    const { config, store } = this.options;
    if (!config.startFrom) return session.warmup();
    if (!session.branch) throw new Error("This session cannot start from an archive node (config.startFrom needs the engine's Session).");
    this.log('info', `Starting from node ${config.startFrom.nodeId} of run ${config.startFrom.runId} instead of a warm-up.`);
    return session.branch(branchState(store, config.startFrom, config));
  }

  /** The run's loop: an archive search, a governed run, or plain iterations. */
  private createRunLoop(session: RunnerSession): RunLoop {
    const { config, store } = this.options;
    if (config.archive.enabled) {
      if (!session.archive) throw new Error('This session cannot run an archive search (config.archive.enabled needs a text-task or a game session).');
      this.archive = new ArchiveLoop({ ...this.loopHooks(), session: session.archive() });
      return archiveRun(this.archive, store, this.runId, config);
    }
    if (config.oversight.enabled) {
      if (!session.oversight) throw new Error("This session cannot run with oversight (config.oversight.enabled needs the engine's Session).");
      this.loop = new OversightLoop({ ...this.loopHooks(), session: session.oversight() });
      return governedRun(this.loop, store, this.runId);
    }
    return plainRun(session);
  }

  /** What the oversight and archive loops share: the run, stop checks, status while waiting, and the log. */
  private loopHooks(): LoopContext {
    return {
      store: this.options.store,
      runId: this.runId,
      config: this.options.config,
      emit: this.options.emit,
      checkStop: () => {
        if (this.stopRequested) throw new StopSignal();
      },
      setStatus: (status, reason) => {
        if (this.stopRequested) return;
        this.setStatus(status, reason);
      },
      log: (level, message) => this.log(level, message),
    };
  }

  /** Loads the last checkpoint into the session; returns the iteration to continue with. */
  private restore(session: RunnerSession, loop: RunLoop): number {
    const { store } = this.options;
    const last = store.lastCheckpoint(this.runId);
    if (!last) {
      // Killed or stopped before the warm-up finished: continue it from its own checkpoint, or start it over.
      store.truncateAfter(this.runId, -1);
      const warm = store.warmupCheckpointPath(this.runId);
      if (fs.existsSync(warm)) {
        const state = readCheckpoint<{ warmup?: { step: number } }>(warm).state;
        session.setState(state as never);
        this.log('info', `Resuming the warm-up at step ${state.warmup?.step ?? 0} of ${this.options.config.warmup.steps}.`);
      } else {
        this.log('info', 'No checkpoint yet: starting from the warm-up.');
      }
      return 0;
    }
    const checkpoint = readCheckpoint<never>(last.path);
    session.setState(checkpoint.state);
    store.truncateAfter(this.runId, last.iteration);
    loop.restore(checkpoint.state as Record<string, unknown>, last.iteration);
    this.log('info', `Resuming after iteration ${last.iteration}.`);
    return last.iteration + 1;
  }
}
