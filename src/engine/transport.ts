import { Frame } from '../shared/contract';
import { CodedError } from '../shared/errors';

/**
 * How frames reach the engine. Three adapters: Node's child_process IPC, Electron's utility-process parentPort
 * (typed structurally: the engine never imports electron), and an in-memory pair for tests.
 */
export interface Transport {
  send(frame: Frame): void;
  /** Raw messages: they are validated by serveEngine, since a peer may send anything. */
  onMessage(callback: (message: unknown) => void): void;
  close(): void;
}

/** The part of a Node process with an IPC channel that the transport uses. */
export interface IpcProcess {
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  disconnect?(): void;
}

/** Node child_process IPC; the parent forks with serialization 'advanced' so typed arrays cross intact. */
export function childProcessTransport(proc: IpcProcess = process as IpcProcess): Transport {
  if (!proc.send) throw new Error('This process has no IPC channel: fork it with an "ipc" stdio entry.');
  const send = proc.send.bind(proc);
  const listeners: Array<(message: unknown) => void> = [];
  return {
    send: (frame) => {
      send(frame);
    },
    onMessage: (callback) => {
      listeners.push(callback);
      proc.on('message', callback);
    },
    close: () => {
      for (const l of listeners.splice(0)) proc.off('message', l);
      proc.disconnect?.();
    },
  };
}

/** Electron's utilityProcess `process.parentPort`, described by shape. */
export interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off?(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

export function parentPortTransport(port: ParentPortLike): Transport {
  const listeners: Array<(event: { data: unknown }) => void> = [];
  return {
    send: (frame) => port.postMessage(frame),
    onMessage: (callback) => {
      const listener = (event: { data: unknown }) => callback(event.data);
      listeners.push(listener);
      port.on('message', listener);
    },
    close: () => {
      for (const l of listeners.splice(0)) port.off?.('message', l);
    },
  };
}

export type Fault = 'drop' | 'garble';

export interface MemoryTransport extends Transport {
  /** The next `count` frames this end sends are dropped or garbled on the way. */
  inject(fault: Fault, count?: number): void;
  /** Sends anything at all, bypassing the Frame type: for tests of malformed input. */
  sendRaw(message: unknown): void;
}

/**
 * Two connected ends. Every frame is structuredClone()d, as a real port would, and delivered on a later
 * macrotask, so tests see the same asynchrony and copying as across processes.
 */
export function createMemoryPair(): [MemoryTransport, MemoryTransport] {
  const make = () => {
    const listeners: Array<(message: unknown) => void> = [];
    const faults: Fault[] = [];
    let closed = false;
    let peer: { deliver(message: unknown): void } | null = null;
    const end = {
      deliver(message: unknown) {
        if (closed) return;
        for (const l of listeners) l(message);
      },
      transport: {
        send(frame: Frame) {
          end.transport.sendRaw(frame);
        },
        sendRaw(message: unknown) {
          if (closed) return;
          const fault = faults.shift();
          if (fault === 'drop') return;
          const copy = fault === 'garble' ? garble(message) : structuredClone(message);
          setImmediate(() => peer?.deliver(copy));
        },
        onMessage(callback: (message: unknown) => void) {
          listeners.push(callback);
        },
        close() {
          closed = true;
          listeners.length = 0;
        },
        inject(fault: Fault, count = 1) {
          for (let i = 0; i < count; i++) faults.push(fault);
        },
      } satisfies MemoryTransport,
      connect(other: { deliver(message: unknown): void }) {
        peer = other;
      },
    };
    return end;
  };
  const a = make();
  const b = make();
  a.connect(b);
  b.connect(a);
  return [a.transport, b.transport];
}

/** Keeps the id (so the sender can be answered) but corrupts the rest, as a buggy peer would. */
function garble(message: unknown): unknown {
  const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
  return { type: 'request', id, name: 42, input: '\u0000garbled' };
}

export interface FrameHandler {
  handle(name: string, input: unknown): Promise<unknown>;
}

function errorShape(error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CodedError('internal', `The engine failed: ${message}`);
}

/**
 * Answers request frames with the service. A malformed frame gets a coded 'invalid_request' response (to the
 * frame's id when it has a usable one, else id -1) and the engine goes on serving. Once it listens it sends the
 * `ready` handshake: the host reports the engine ready, and sends the requests it held back, only then.
 */
export function serveEngine(transport: Transport, service: FrameHandler): void {
  transport.onMessage((message) => {
    const parsed = Frame.safeParse(message);
    if (!parsed.success || parsed.data.type !== 'request') {
      const raw = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
      const id = typeof raw === 'number' && Number.isInteger(raw) ? raw : -1;
      const why = parsed.success ? `a "${parsed.data.type}" frame cannot be sent to the engine` : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      transport.send({
        type: 'response',
        id,
        ok: false,
        error: { code: 'invalid_request', message: `Malformed frame (${why}); expected {type: "request", id: integer, name: string, input}.`, issues: [] },
      });
      return;
    }
    const { id, name, input } = parsed.data;
    service.handle(name, input).then(
      (output) => transport.send({ type: 'response', id, ok: true, output }),
      (error: unknown) => transport.send({ type: 'response', id, ok: false, error: errorShape(error).toJSON() }),
    );
  });
  transport.send({ type: 'ready' });
}
