/**
 * A pool of `node:worker_threads` workers, each with its own TF.js backend (the same tf.ts path: WASM with one
 * thread, or the pure-JS backend) and its own replica of the run's model, so one engine process can use several
 * cores. The engine's calls stay synchronous, as every training step and evaluation is today: the host posts one
 * request per worker on a MessageChannel, blocks on a shared Int32Array (Atomics.wait) until each worker has
 * answered, and reads the answers with receiveMessageOnPort. Results are combined in shard order, so a fixed
 * worker count gives the same numbers every time. The workers are started by a watch thread (pool-watch.ts) whose
 * event loop stays free while the host blocks: a worker that dies without answering raises its dead flag, and the
 * call fails at once with the reason, rather than at the answer limit.
 *
 * Weights travel as one Float32Array per worker (transferred, not cloned), only when they changed since the last
 * send (compared on the host, which downloads them anyway to send them), tagged with a version the requests name.
 * Nothing a worker holds outlives a call but those weights: a checkpoint needs nothing from the pool.
 *
 * The worker and watch entries run as TypeScript under Node and the tests (through tsx's loader, resolved from this
 * package) and as the built pool-worker.js and pool-watch.js beside the engine bundle under Electron
 * (electron.vite.config.ts emits them).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { CodedError } from '../../shared/errors';
import type { BackendName } from '../../shared/config';
import type { TransformerConfig } from '../policies/transformer';
import type { tf } from '../tf';
import type { WatchData, WorkerEnded } from './pool-watch';
import { isReply, type PoolReply, type PoolRequest } from './protocol';

/** How long a worker may take over one answer before the pool calls it lost (a hung worker, not a slow one). */
const ANSWER_LIMIT_MS = 30 * 60_000;
/** How often a blocked wait looks at the dead flags, in case the watch thread's wake-up came before the wait began. */
const LOOK_MS = 1000;
/** How long a worker may take to load its backend and build the model. */
const READY_LIMIT_MS = 120_000;

type Request = PoolRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id' | 'version'> : never) : never;

interface Member {
  port: MessagePort;
  sentVersion: number;
}

/** Where a pool entry is: beside this module as TypeScript (tsx loads it), or beside the engine bundle as JS. */
function entry(name: 'pool-worker' | 'pool-watch'): { url: URL; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { url: new URL(`./${name}.ts`, here), execArgv: ['--import', tsx] };
  }
  // The bundler may put this module in a chunk folder below the entries: the pool's entries are beside them.
  const built = [`./${name}.js`, `../${name}.js`].map((file) => new URL(file, here)).find((url) => fs.existsSync(url));
  if (!built) throw new CodedError('engine_unavailable', `the pool entry ${name}.js is missing beside ${here}; rebuild the app, or set workers to 1`);
  return { url: built, execArgv: [] };
}

export class WorkerPool {
  private version = 0;
  private names: string[] = [];
  private last: Float32Array | null = null;
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly members: Member[],
    private readonly signal: Int32Array,
    private readonly watcher: Watcher,
    /** What each worker runs on, as its backend reported it. */
    readonly backends: readonly string[],
  ) {}

  get size(): number {
    return this.members.length;
  }

  /**
   * Starts `size` workers with the model of `policy` on `backend` (a concrete backend the host itself runs on), each
   * within `resourceLimits` where given (Node's limits for a worker's JS heap; the tests give a small one).
   */
  static async start(size: number, policy: TransformerConfig, backend: BackendName, resourceLimits?: ResourceLimits): Promise<WorkerPool> {
    if (!Number.isInteger(size) || size < 2) throw new CodedError('internal', `a worker pool needs at least 2 workers (got ${size}); 1 runs in process`);
    // Answer flags for slots 0..size-1, then a dead flag per slot (pool-watch.ts).
    const signal = new Int32Array(new SharedArrayBuffer(8 * size));
    const workerAt = entry('pool-worker');
    const watchAt = entry('pool-watch');
    const members: Member[] = [];
    const data: WatchData['members'] = [];
    for (let slot = 0; slot < size; slot++) {
      const { port1, port2 } = new MessageChannel();
      data.push({ init: { type: 'init', policy, backend, slot, signal: signal.buffer as SharedArrayBuffer }, port: port2 });
      members.push({ port: port1, sentVersion: -1 });
    }
    const { port1: watch, port2: theirs } = new MessageChannel();
    const watchData: WatchData = {
      entry: workerAt.url.href,
      execArgv: workerAt.execArgv,
      members: data,
      signal: signal.buffer as SharedArrayBuffer,
      watch: theirs,
      resourceLimits,
    };
    const thread = new Worker(watchAt.url, { execArgv: watchAt.execArgv, workerData: watchData, transferList: [theirs, ...data.map((d) => d.port)] });
    // A pool must never keep the process alive on its own; the session that owns it closes it.
    thread.unref();
    watch.unref();
    const watcher = new Watcher(thread, watch, signal, size);
    const backends: string[] = [];
    try {
      for (let slot = 0; slot < size; slot++) {
        // Loading a backend is asynchronous in the worker: wait without blocking this process's event loop.
        const deadline = Date.now() + READY_LIMIT_MS;
        while (watcher.waiting(slot) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const reply = watcher.take(members[slot]!, slot, 'start');
        if (reply.type === 'error')
          throw new CodedError('engine_unavailable', `pool worker ${slot} did not start: ${reply.message}; set workers to 1 to run in process`);
        if (reply.type !== 'ready') throw new CodedError('internal', `pool worker ${slot} did not start: unexpected "${reply.type}" reply`);
        backends.push(reply.backend);
      }
    } catch (e) {
      void thread.terminate();
      throw e;
    }
    return new WorkerPool(members, signal, watcher, backends);
  }

  /**
   * Makes every worker's weights equal to `variables`' (in their key order). Downloads them, and sends them only
   * when they differ from the last ones sent. Returns the version the next requests name.
   */
  syncWeights(variables: Record<string, tf.Variable>): number {
    this.alive();
    const names = Object.keys(variables);
    const total = names.reduce((n, k) => n + variables[k]!.size, 0);
    const flat = new Float32Array(total);
    let offset = 0;
    for (const k of names) {
      const data = variables[k]!.dataSync() as Float32Array;
      flat.set(data, offset);
      offset += data.length;
    }
    const same = this.last !== null && names.join('\n') === this.names.join('\n') && equalBits(this.last, flat);
    if (!same) {
      this.version += 1;
      this.names = names;
      this.last = flat;
    }
    return this.version;
  }

  /** The weights' names in the order of every flat gradient the workers return. */
  get weightNames(): readonly string[] {
    return this.names;
  }

  /**
   * One request per worker (requests[s] goes to worker s; fewer requests than workers leave the rest idle), all
   * running at once; their answers in the same order. Throws the first worker's error, after every answer is in.
   */
  call(requests: Request[]): PoolReply[] {
    this.alive();
    this.watcher.noneEnded();
    if (requests.length > this.members.length) throw new CodedError('internal', `${requests.length} requests for ${this.members.length} workers`);
    if (this.last === null) throw new CodedError('internal', 'the pool has no weights yet: call syncWeights first');
    const ids: number[] = [];
    requests.forEach((request, slot) => {
      const m = this.members[slot]!;
      if (m.sentVersion !== this.version) {
        const copy = new Float32Array(this.last!);
        m.port.postMessage({ type: 'weights', version: this.version, names: this.names, data: copy } satisfies PoolRequest, [copy.buffer]);
        m.sentVersion = this.version;
      }
      const id = this.nextId++;
      ids.push(id);
      Atomics.store(this.signal, slot, 0);
      m.port.postMessage({ ...request, id, version: this.version } as PoolRequest);
    });
    const replies = requests.map((_, slot) => {
      const deadline = Date.now() + ANSWER_LIMIT_MS;
      while (this.watcher.waiting(slot) && Date.now() < deadline) Atomics.wait(this.signal, slot, 0, Math.min(LOOK_MS, deadline - Date.now()));
      return this.watcher.take(this.members[slot]!, slot, 'call');
    });
    replies.forEach((r, slot) => {
      if (r.type === 'error') throw new CodedError(r.code === 'invalid_request' ? 'invalid_request' : 'internal', `pool worker ${slot}: ${r.message}`);
      if ('id' in r && r.id !== ids[slot]) throw new CodedError('internal', `pool worker ${slot} answered request ${r.id}, expected ${ids[slot]}`);
    });
    return replies;
  }

  /** Stops every worker; the pool cannot be used again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const m of this.members) m.port.close();
    this.watcher.close();
  }

  /**
   * Ends worker `slot` after `afterMs`, from its watch thread, as a crash would: no answer, no goodbye. The tests
   * use it to prove that a call fails at once, with the reason, when a worker dies under it.
   */
  endWorker(slot: number, afterMs = 0): void {
    this.watcher.end(slot, afterMs);
  }

  private alive(): void {
    if (this.closed) throw new CodedError('internal', 'this worker pool was closed');
  }
}

/** The host's side of the watch thread: the dead flags, why each worker ended, and the thread itself. */
class Watcher {
  private readonly reasons = new Map<number, string>();

  constructor(
    private readonly thread: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
    private readonly size: number,
  ) {
    // Seen only while the host's event loop runs (starting): a watch thread that fails ends every worker with it.
    thread.on('error', (e) => this.endAll(`the pool's watch thread failed: ${e.message}`));
    thread.on('exit', (code) => this.endAll(`the pool's watch thread exited with code ${code}`));
  }

  ended(slot: number): boolean {
    return Atomics.load(this.signal, this.size + slot) !== 0;
  }

  /** Whether worker `slot` has neither answered nor ended. */
  waiting(slot: number): boolean {
    return Atomics.load(this.signal, slot) === 0 && !this.ended(slot);
  }

  /** Throws, naming the worker and why, if any worker has ended; the pool is then of no more use. */
  noneEnded(): void {
    for (let slot = 0; slot < this.size; slot++) if (this.ended(slot)) throw this.death(slot, 'call');
  }

  /** The answer in `slot`, or the error that says why there is none. */
  take(m: Member, slot: number, what: string): PoolReply {
    if (Atomics.load(this.signal, slot) === 0) {
      if (this.ended(slot)) throw this.death(slot, what);
      throw new CodedError('internal', `pool worker ${slot} did not answer (${what}) in time: it may hang; set workers to 1 to run in process`);
    }
    const got = receiveMessageOnPort(m.port);
    if (!got || !isReply(got.message)) throw new CodedError('internal', `pool worker ${slot} signalled an answer (${what}) but sent no valid message`);
    return got.message;
  }

  end(slot: number, afterMs: number): void {
    this.port.postMessage({ type: 'end', slot, afterMs });
  }

  close(): void {
    this.thread.removeAllListeners('exit');
    this.port.close();
    void this.thread.terminate();
  }

  private endAll(reason: string): void {
    for (let slot = 0; slot < this.size; slot++) {
      if (!this.reasons.has(slot)) this.reasons.set(slot, reason);
      Atomics.store(this.signal, this.size + slot, 1);
    }
  }

  private death(slot: number, what: string): CodedError {
    for (let got = receiveMessageOnPort(this.port); got; got = receiveMessageOnPort(this.port)) {
      const m = got.message as WorkerEnded;
      if (!this.reasons.has(m.slot)) this.reasons.set(m.slot, m.reason);
    }
    const reason = this.reasons.get(slot) ?? 'it ended';
    return new CodedError('internal', `pool worker ${slot} ended without answering (${what}): ${reason}; set workers to 1 to run in process`);
  }
}

function equalBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
