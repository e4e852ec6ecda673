/**
 * How many pool workers a run gets: its `workers` field, with 0 ("auto") the cores less one for the engine process.
 * Only the WASM and pure-JS backends are replicated in worker threads: a native or CUDA backend is one per process
 * (a second copy would load libtensorflow again, and one GPU is not shared faster by threads), so those run with 1.
 */
import os from 'node:os';
import { isTextRun, type RunConfig, type Workers } from '../../shared/config';
import { isTextGameRun } from '../text-game-check';

/** Backends a pool worker can bring up in its own thread. */
export const POOL_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/** The `workers` value that means "auto". */
export const AUTO_WORKERS = 0;

/** What "auto" gives on this machine. */
export function autoWorkers(cores = os.availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/** The workers a run with `requested` uses on `backend` (the active one; null before it is known: as requested). */
export function resolveWorkers(requested: Workers, backend: string | null, cores = os.availableParallelism()): number {
  if (backend !== null && !POOL_BACKENDS.includes(backend)) return 1;
  return requested === AUTO_WORKERS ? autoWorkers(cores) : requested;
}

/**
 * The workers `config` runs with: only the text LM's runs share their work with a pool, on a text task or playing a
 * game (a stored config from before the field: 1).
 */
export function runWorkers(config: RunConfig, backend: string | null, cores = os.availableParallelism()): number {
  return isTextRun(config) || isTextGameRun(config) ? resolveWorkers((config.workers as Workers | undefined) ?? 1, backend, cores) : 1;
}
