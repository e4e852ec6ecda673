/**
 * An agent's state: everything a checkpoint holds and the governed and archive loops fork (weights and optimiser,
 * the frozen reference, the random stream, the recipe's state, curriculum level, global step, genome). Two forms:
 * SessionState, downloaded to plain arrays, is what is written to disk; AgentSnapshot keeps the tensors on the
 * device (core/snapshot.ts), for a loop that tries a child and goes back to the parent.
 */
import type { Genome } from '../../shared/genome';
import type { WarmupLoss } from '../../shared/run';
import type { PolicyState } from '../types';
import type { ModelSnapshot } from './snapshot';

/**
 * What the agent state of every family holds and the governed loop reads (its random stream, its step, its genome);
 * the rest is the family's own (the text LM's SessionState, the classifier's ClassStreamSessionState).
 */
export interface AgentState {
  rng: number[];
  globalStep: number;
  genome?: Genome;
}

/** An agent forked on the device, opaque to the governed loop: it goes back to it (restore) or frees it (dispose). */
export interface AgentFork {
  dispose(): void;
}

/** Everything needed to continue a text run bit-for-bit: stored in every checkpoint. */
export interface SessionState extends AgentState {
  policy: PolicyState;
  reference: PolicyState | null;
  rng: number[];
  recipe: unknown;
  level: number;
  globalStep: number;
  warmupDone: boolean;
  /** The agent's genome (recipe, learning rate, memory, tools). Absent in checkpoints written before oversight. */
  genome?: Genome;
  /** How far an unfinished warm-up got (a warm-up checkpoint); absent once it is done. */
  warmup?: WarmupProgress;
}

/** A warm-up in progress: steps done, and what its metrics need (the last losses, the tokens trained). */
export interface WarmupProgress {
  step: number;
  trained: number;
  losses: number[];
  tokens: number;
  /** The loss curve so far, kept with the run at iteration 0; absent in a warm-up checkpoint from before it was kept. */
  trace?: WarmupLoss;
}

/**
 * The same fields as SessionState with the models on the device: taking and restoring one downloads no weight.
 * It owns its tensors: dispose() it once the loop is done with it (restoring it does not consume it).
 */
export interface AgentSnapshot extends AgentFork, Readonly<Omit<SessionState, 'policy' | 'reference' | 'genome'>> {
  readonly policy: ModelSnapshot;
  readonly reference: ModelSnapshot | null;
  readonly genome: Genome;
  dispose(): void;
}

/** Where a run is, beside its weights: its random stream and optimiser step (what a restored parent may keep). */
export interface AgentPosition {
  rng: number[];
  globalStep: number;
  /** Where the environment is, when it moves on whatever the agent does (a class stream's epoch, order and labels). */
  world?: unknown;
}
