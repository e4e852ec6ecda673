import { ENGINE_PORT_MESSAGE, Frame } from '../shared/contract';
import { CodedError } from '../shared/errors';

/**
 * How frames reach the engine. Three adapters: Node's child_process IPC, Electron's utility-process parentPort
 * (typed structurally: the engine never imports electron), and an in-memory pair for tests.
 */
export interface Transport {
  /** Events and the handshake. Electron's adapter sends events on the MessagePort main handed over, if any. */
  send(frame: Frame): void;
  /**
   * Raw messages: they are validated by serveEngine, since a peer may send anything. `reply` answers on the
   * channel the message came from (the parent, or a port a renderer asks on).
   */
  onMessage(callback: (message: unknown, reply: (frame: Frame) => void) => void): void;
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
      const listener = (message: unknown) => callback(message, send);
      listeners.push(listener);
      proc.on('message', listener);
    },
    close: () => {
      for (const l of listeners.splice(0)) proc.off('message', l);
      proc.disconnect?.();
    },
  };
}

/** Electron's MessagePortMain, described by shape (the engine never imports electron). */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/** What parentPort's 'message' event carries: the data, and the ports transferred with it. */
export interface ParentPortEvent {
  data: unknown;
  ports?: readonly MessagePortLike[];
}

/** Electron's utilityProcess `process.parentPort`, described by shape. */
export interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: ParentPortEvent) => void): unknown;
  off?(event: 'message', listener: (event: ParentPortEvent) => void): unknown;
}

function isPortHandOff(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === ENGINE_PORT_MESSAGE.type;
}

/**
 * Electron's parentPort. Main may hand over one end of a MessageChannelMain (`{type: 'evolab:port'}` with the
 * port in `event.ports`); the renderer holds the other end. From then on events go on that port, so streamed
 * metrics do not pass through main, while the handshake stays on parentPort for the host in main. Requests are
 * answered where they came from: parentPort, or the port when the renderer asks on it. A newer port replaces
 * the older one (a reloaded page, a new window); when the port closes, events go to parentPort again.
 */
export function parentPortTransport(parent: ParentPortLike): Transport {
  const callbacks: Array<(message: unknown, reply: (frame: Frame) => void) => void> = [];
  let port: MessagePortLike | null = null;
  const toParent = (frame: Frame) => parent.postMessage(frame);
  const adopt = (next: MessagePortLike) => {
    const previous = port;
    port = next;
    previous?.close();
    const toPort = (frame: Frame) => next.postMessage(frame);
    next.on('message', (event) => {
      if (port !== next) return;
      for (const callback of callbacks) callback(event.data, toPort);
    });
    next.on('close', () => {
      if (port === next) port = null;
    });
    next.start();
  };
  const onParentMessage = (event: ParentPortEvent) => {
    if (isPortHandOff(event.data)) {
      const next = event.ports?.[0];
      if (next) adopt(next);
      return;
    }
    for (const callback of callbacks) callback(event.data, toParent);
  };
  return {
    send: (frame) => {
      if (frame.type === 'event' && port) port.postMessage(frame);
      else toParent(frame);
    },
    onMessage: (callback) => {
      if (callbacks.length === 0) parent.on('message', onParentMessage);
      callbacks.push(callback);
    },
    close: () => {
      if (callbacks.length > 0) parent.off?.('message', onParentMessage);
      callbacks.length = 0;
      port?.close();
      port = null;
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
        onMessage(callback: (message: unknown, reply: (frame: Frame) => void) => void) {
          listeners.push((message) => callback(message, end.transport.send));
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
  transport.onMessage((message, reply) => {
    const parsed = Frame.safeParse(message);
    if (!parsed.success || parsed.data.type !== 'request') {
      const raw = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
      const id = typeof raw === 'number' && Number.isInteger(raw) ? raw : -1;
      const why = parsed.success
        ? `a "${parsed.data.type}" frame cannot be sent to the engine`
        : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      reply({
        type: 'response',
        id,
        ok: false,
        error: { code: 'invalid_request', message: `Malformed frame (${why}); expected {type: "request", id: integer, name: string, input}.`, issues: [] },
      });
      return;
    }
    const { id, name, input } = parsed.data;
    service.handle(name, input).then(
      (output) => reply({ type: 'response', id, ok: true, output }),
      (error: unknown) => reply({ type: 'response', id, ok: false, error: errorShape(error).toJSON() }),
    );
  });
  transport.send({ type: 'ready' });
}
