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

/** Everything needed to continue a run bit-for-bit: stored in every checkpoint. */
export interface SessionState {
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
export interface AgentSnapshot extends Readonly<Omit<SessionState, 'policy' | 'reference' | 'genome'>> {
  readonly policy: ModelSnapshot;
  readonly reference: ModelSnapshot | null;
  readonly genome: Genome;
  dispose(): void;
}

/** Where a run is, beside its weights: its random stream and optimiser step (what a restored parent may keep). */
export interface AgentPosition {
  rng: number[];
  globalStep: number;
}
