/**
 * The pool's watch thread (worker-pool.ts). The host blocks on Atomics.wait while its workers compute, so it cannot
 * see a worker's 'exit' event until the call ends; a worker that dies without answering (its JS heap out of memory,
 * a fatal error) would hold the engine until the answer limit. This thread starts the workers and does nothing else:
 * its event loop stays free, so when one ends it says why on the watch port, raises that worker's flag in the
 * `dead` half of the shared signal (signal[size + slot]) and wakes the host waiting on the worker's answer slot.
 * Ending this thread (the pool's close) ends its workers with it.
 */
import { Worker, workerData, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import type { PoolRequest } from './protocol';

/** What the host gives the watch thread. */
export interface WatchData {
  /** The worker entry (pool-worker.ts or the built pool-worker.js), as a file URL, and the Node flags it needs. */
  entry: string;
  execArgv: string[];
  /** Each worker's own data: its init request and its end of the host's MessageChannel. */
  members: Array<{ init: Extract<PoolRequest, { type: 'init' }>; port: MessagePort }>;
  /** The shared signal: answer flags for slots 0..size-1, then a dead flag per slot. */
  signal: SharedArrayBuffer;
  /** Where the thread says why a worker ended, and takes `end` requests (WorkerPool.endWorker). */
  watch: MessagePort;
  resourceLimits?: ResourceLimits;
}

/** A message from the watch thread: worker `slot` ended, and why. */
export interface WorkerEnded {
  slot: number;
  reason: string;
}

const { entry, execArgv, members, signal, watch, resourceLimits } = workerData as WatchData;
const flags = new Int32Array(signal);
const size = members.length;
const workers = members.map((data, slot) => {
  const worker = new Worker(new URL(entry), { execArgv, workerData: data, transferList: [data.port], resourceLimits });
  let error: string | null = null;
  worker.on('error', (e: Error & { code?: string }) => {
    error = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `it ran out of memory (${e.message})` : `it failed: ${e.message}`;
  });
  worker.on('exit', (code) => {
    // The reason is queued before the flag is raised, so the host's receiveMessageOnPort finds it.
    watch.postMessage({ slot, reason: error ?? `it exited with code ${code}` } satisfies WorkerEnded);
    Atomics.store(flags, size + slot, 1);
    Atomics.notify(flags, slot);
  });
  return worker;
});

watch.on('message', (m: { type?: string; slot?: number; afterMs?: number }) => {
  if (m.type !== 'end' || typeof m.slot !== 'number' || !workers[m.slot]) return;
  const worker = workers[m.slot]!;
  setTimeout(() => void worker.terminate(), m.afterMs ?? 0);
});
