import { Frame, type EventName, type EventPayload, type RequestInput, type RequestName, type RequestOutput } from '../shared/contract';
import { CodedError, CodedErrorShape } from '../shared/errors';
import { minimalEnv, nodeSpawner, type EngineProcess, type EngineSpawner, type ExitInfo } from './engine-host-process';

export { minimalEnv, nodeSpawner, packageRoot } from './engine-host-process';
export type { EngineProcess, EngineSpawner, ExitInfo, NodeSpawnerOptions, SpawnRequest } from './engine-host-process';

export type EngineState = EventPayload<'engine.status'>['state'] | 'idle';

/** Why the engine process ended, as onExit / onCrash report it. */
export interface EngineExit {
  state: 'crashed' | 'killed' | 'exited';
  code: number | null;
  signal: string | null;
  /** The last lines the engine wrote to stderr, oldest first. */
  stderrTail: string[];
  /** One sentence for a person: what ended it, and its last stderr line. */
  reason: string;
}

export interface EngineHostOptions {
  workspace: string;
  spawn?: EngineSpawner;
  /** Extra arguments after `--workspace DIR`. */
  args?: string[];
  /** Extra EVOLAB_* variables for the child, on top of the minimal environment. */
  env?: Record<string, string>;
  /** Start a fresh process after a crash (never replaying work). Default: no restart. */
  restartOnCrash?: boolean | { max: number; windowMs: number };
  /** Copy the engine's stdout/stderr to ours. Default true. */
  echoOutput?: boolean;
  /**
   * How long a started engine may take to send its `ready` handshake before it is killed and reported as
   * crashed (its held-back requests fail). Default 60 s: loading the engine is quick, but a busy machine is slow.
   */
  readyTimeoutMs?: number;
}

type EventListener = (name: string, payload: unknown) => void;
type ExitListener = (exit: EngineExit) => void;

interface Pending {
  resolve(value: unknown): void;
  reject(error: CodedError): void;
  name: string;
}

interface Held {
  id: number;
  frame: Frame;
}

const STDERR_LINES = 20;

/**
 * Supervises one engine process: start, request/response by id, events, graceful stop, hard kill,
 * crash reports, and restart of the process (not of the work: runs the dead engine held are marked
 * interrupted by the next engine and resume only when asked).
 */
export class EngineHost {
  private readonly spawnProcess: EngineSpawner;
  private process: EngineProcess | null = null;
  private currentState: EngineState = 'idle';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<EventListener>();
  private readonly exitListeners = new Set<ExitListener>();
  private readonly crashListeners = new Set<ExitListener>();
  private stderrTail: string[] = [];
  private intent: 'killed' | 'exited' | null = null;
  private exitWaiters: Array<() => void> = [];
  private crashTimes: number[] = [];
  private startPromise: Promise<void> | null = null;
  /** Requests made while the engine is starting, sent in order once it says `ready`. */
  private held: Held[] = [];
  private startupFailure: string | null = null;

  constructor(private readonly options: EngineHostOptions) {
    this.spawnProcess = options.spawn ?? nodeSpawner();
  }

  get state(): EngineState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /**
   * Starts the engine; resolves once it has sent its `ready` handshake (its service exists and it listens for
   * requests), rejects if it died before that. The OS 'spawn' event is not enough: the new process still has to
   * load its modules and attach its message handler, and a request it misses is never answered.
   */
  start(): Promise<void> {
    if (this.process && this.startPromise) return this.startPromise;
    this.intent = null;
    this.stderrTail = [];
    this.startupFailure = null;
    this.setState('starting');
    const proc = this.spawnProcess({
      workspace: this.options.workspace,
      env: minimalEnv(process.env, this.options.env ?? {}),
      args: ['--workspace', this.options.workspace, ...(this.options.args ?? [])],
    });
    this.process = proc;
    let readyTimer: ReturnType<typeof setTimeout> | undefined;
    this.startPromise = new Promise<void>((resolve, reject) => {
      proc.onSpawn(() => {
        if (this.process !== proc || this.currentState !== 'starting') return;
        const timeoutMs = this.options.readyTimeoutMs ?? 60_000;
        readyTimer = setTimeout(() => {
          if (this.process !== proc || this.currentState !== 'starting') return;
          this.startupFailure = `no ready handshake within ${Math.round(timeoutMs / 1000)} s`;
          proc.signal('SIGKILL');
        }, timeoutMs);
      });
      proc.onMessage((message) => {
        if (this.process !== proc) return;
        if (isReadyFrame(message)) {
          clearTimeout(readyTimer);
          if (this.currentState !== 'starting') return;
          this.setState('ready');
          this.flushHeld(proc);
          resolve();
          return;
        }
        this.handleMessage(message);
      });
      proc.onExit((info) => {
        clearTimeout(readyTimer);
        const reason = this.describeExit(info);
        this.handleExit(proc, info);
        reject(new CodedError('engine_unavailable', `The engine did not start: ${reason}`));
      });
    });
    // Callers that ignore the promise must not see an unhandled rejection; the exit is reported anyway.
    this.startPromise.catch(() => undefined);
    proc.onOutput((text, stream) => {
      if (stream === 'stderr') this.recordStderr(text);
      if (this.options.echoOutput ?? true) process.stderr.write(text);
    });
    return this.startPromise;
  }

  /** Sends one request; rejects with the engine's CodedError, or 'engine_crashed' if the process dies first. */
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    // The engine validates outputs against the same contract; the cast only restores the static type.
    return this.call(name, input) as Promise<RequestOutput<N>>;
  }

  /** The untyped form of request, for routers that have already validated `name` and `input`. */
  call(name: string, input: unknown): Promise<unknown> {
    const proc = this.process;
    // 'starting' is announced before the process exists, so a listener of that status may already ask.
    const starting = this.currentState === 'starting';
    if (!starting && (!proc || this.currentState !== 'ready')) {
      return Promise.reject(new CodedError('engine_unavailable', `The engine is not running (state: ${this.currentState}); start it again or restart Evolab.`));
    }
    const id = this.nextId++;
    const frame: Frame = { type: 'request', id, name, input };
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, name });
      // Until the engine's handshake nothing is sent: the process may not be listening yet.
      if (starting || !proc) this.held.push({ id, frame });
      else this.deliver(proc, id, frame);
    });
  }

  private deliver(proc: EngineProcess, id: number, frame: Frame): void {
    try {
      proc.send(frame);
    } catch (error) {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      waiting?.reject(new CodedError('engine_unavailable', `Could not send "${waiting.name}" to the engine: ${String(error)}`));
    }
  }

  private flushHeld(proc: EngineProcess): void {
    for (const { id, frame } of this.held.splice(0)) {
      if (this.pending.has(id)) this.deliver(proc, id, frame);
    }
  }

  /** Every event frame of the engine, and the host's own `engine.status`. Returns an unsubscribe function. */
  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onExit(listener: ExitListener): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  onCrash(listener: ExitListener): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /** Graceful: SIGTERM, so the engine can close its database; SIGKILL only after `graceMs`. */
  stop(graceMs = 10_000): Promise<boolean> {
    return this.terminate('exited', graceMs);
  }

  /** The hard off switch: SIGTERM, then SIGKILL after `graceMs` even if the engine is stuck in a tensor op. */
  kill(graceMs = 2000): Promise<boolean> {
    return this.terminate('killed', graceMs);
  }

  /** A fresh process; work is never replayed. */
  async restart(graceMs = 2000): Promise<void> {
    await this.kill(graceMs);
    await this.start();
  }

  private async terminate(intent: 'killed' | 'exited', graceMs: number): Promise<boolean> {
    const proc = this.process;
    if (!proc) return false;
    // A kill during a graceful stop wins: the state reported is 'killed'.
    if (this.intent !== 'killed') this.intent = intent;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    proc.signal('SIGTERM');
    const timer = setTimeout(() => proc.signal('SIGKILL'), graceMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
    return true;
  }

  private handleMessage(message: unknown): void {
    const parsed = Frame.safeParse(message);
    if (!parsed.success) {
      this.emit('run.log', { level: 'warn', message: 'The engine sent a malformed frame; it was ignored.' });
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'event') {
      this.emit(frame.name, frame.payload);
      return;
    }
    // A second handshake from the same process changes nothing.
    if (frame.type !== 'response') return;
    const waiting = this.pending.get(frame.id);
    if (!waiting) return;
    this.pending.delete(frame.id);
    if (frame.ok) waiting.resolve(frame.output);
    else waiting.reject(CodedError.from(CodedErrorShape.parse(frame.error)));
  }

  private handleExit(proc: EngineProcess, info: ExitInfo): void {
    if (this.process !== proc) return;
    this.process = null;
    this.startPromise = null;
    const state = this.intent ?? 'crashed';
    this.intent = null;
    this.held = [];
    const exit: EngineExit = {
      state,
      code: info.code,
      signal: info.signal,
      stderrTail: [...this.stderrTail],
      reason: this.describeExit(info),
    };
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(
        new CodedError(
          'engine_crashed',
          `The engine ${state === 'crashed' ? 'crashed' : 'was ' + (state === 'killed' ? 'killed' : 'stopped')} while "${waiting.name}" was in flight (${exit.reason}). Runs it held are marked interrupted; resume them when you are ready.`,
        ),
      );
    }
    this.setState(state, exit.reason);
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    for (const listener of this.exitListeners) listener(exit);
    if (state === 'crashed') {
      for (const listener of this.crashListeners) listener(exit);
      if (this.mayRestart()) void this.start().catch(() => undefined);
    }
  }

  private mayRestart(): boolean {
    const policy = this.options.restartOnCrash;
    if (!policy) return false;
    const { max, windowMs } = policy === true ? { max: 3, windowMs: 60_000 } : policy;
    const now = Date.now();
    this.crashTimes = this.crashTimes.filter((t) => now - t < windowMs);
    this.crashTimes.push(now);
    if (this.crashTimes.length <= max) return true;
    this.emit('run.log', {
      level: 'error',
      message: `The engine crashed ${this.crashTimes.length} times within ${Math.round(windowMs / 1000)} s; it is not restarted again automatically.`,
    });
    return false;
  }

  private describeExit(info: ExitInfo): string {
    const signalled = info.signal ? `signal ${info.signal}` : `exit code ${info.code ?? 'unknown'}`;
    const how = this.startupFailure ? `${this.startupFailure}, ended with ${signalled}` : signalled;
    const last = this.stderrTail.at(-1);
    return last ? `${how}; last error output: ${last}` : how;
  }

  private recordStderr(text: string): void {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    this.stderrTail.push(...lines);
    if (this.stderrTail.length > STDERR_LINES) this.stderrTail.splice(0, this.stderrTail.length - STDERR_LINES);
  }

  private setState(state: EngineState, reason?: string): void {
    this.currentState = state;
    if (state === 'idle') return;
    this.emit('engine.status', reason === undefined ? { state } : { state, reason });
  }

  private emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  private emit(name: string, payload: unknown): void;
  private emit(name: string, payload: unknown): void {
    for (const listener of this.eventListeners) listener(name, payload);
  }
}

function isReadyFrame(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready';
}
