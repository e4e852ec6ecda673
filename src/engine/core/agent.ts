/**
 * An agent's state: everything a checkpoint holds and the governed and archive loops fork (weights and optimiser,
 * the frozen reference, the random stream, the recipe's state, curriculum level, global step, genome).
 */
import type { Genome } from '../../shared/genome';
import type { PolicyState } from '../types';

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
}
