/**
 * The ports between the runner, its loops and the session they drive: what a governed or archive loop needs of the
 * agent, and what it gets from the runner. Types only, a leaf: the runner, the loops and the session import them
 * from here rather than from each other.
 */
import type { RunConfig } from '../../shared/config';
import type { EventName, EventPayload } from '../../shared/contract';
import type { Genome, MemoryEntry } from '../../shared/genome';
import type { Evidence } from '../../shared/oversight';
import type { Metrics, ProgressPhase } from '../../shared/run';
import type { Outcome } from '../evolution/search-set';
import type { Scorecard } from '../environments/text-task';
import type { Store } from '../store/store';
import type { IterationResult, Problem, Task } from '../types';
import type { SessionState } from './agent';

export type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** What the loop needs of a session (the engine's Session). */
export interface OversightSession {
  readonly task: Task;
  readonly genome: Genome;
  iterate(iteration: number, options?: { evaluate?: boolean }): Promise<IterationResult>;
  assess(): Scorecard;
  memoryConsensus(entries: MemoryEntry[]): NonNullable<Evidence['memory']>;
  setGenome(genome: Genome): void;
  getState(): SessionState;
  setState(state: SessionState): void;
}

/** What a loop that may wait for a person gets from the runner (the oversight and the archive loops). */
export interface LoopContext {
  store: Store;
  runId: string;
  config: RunConfig;
  emit: Emit;
  /** Resolves between waits; throws StopSignal when the run was asked to stop (the runner's step boundary). */
  checkStop(): void;
  setStatus(status: 'running' | 'waiting', reason: string): void;
  log(level: 'info' | 'warn', message: string): void;
}

export interface ArchiveSession extends OversightSession {
  solve(problems: Problem[]): Outcome[];
}

export interface RunnerHooks {
  progress(phase: ProgressPhase, done: number, total: number): void;
  stepBoundary(): Promise<void>;
  /** The session is in a consistent state mid-warm-up: save it, so a kill resumes the warm-up from here. */
  checkpointWarmup(): void;
}

/** What the runner needs of a session (structurally the engine's Session). */
export interface RunnerSession {
  warmup(): Promise<Metrics>;
  iterate(iteration: number): Promise<IterationResult>;
  getState(): unknown;
  setState(state: never): void;
  dispose(): void;
  /** The session as the oversight loop drives it (the engine's Session); needed when config.oversight.enabled. */
  oversight?(): OversightSession;
  /** The session as the archive loop drives it; needed when config.archive.enabled. */
  archive?(): ArchiveSession;
  /** Iteration 0 of a run with config.startFrom: take that agent instead of warming up. */
  branch?(state: SessionState): Promise<Metrics>;
}
