import {
  Frame,
  parseEvent,
  requests,
  type Bridge,
  type EventName,
  type EventPayload,
  type RequestInput,
  type RequestName,
  type RequestOutput,
} from '../../shared/contract';
import { CodedError } from '../../shared/errors';
import { connectionActions } from './connection-store';

type Listener = (payload: unknown) => void;

interface Pending {
  name: RequestName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const TOKEN_KEY = 'evolab.token';

/** The token comes in the URL once (`?token=`) and is remembered for reloads of this tab. */
export function resolveToken(search: string, storage: Pick<Storage, 'getItem' | 'setItem'> | null): string | null {
  const fromUrl = new URLSearchParams(search).get('token');
  if (fromUrl) {
    storage?.setItem(TOKEN_KEY, fromUrl);
    return fromUrl;
  }
  return storage?.getItem(TOKEN_KEY) ?? null;
}

/** Backoff for reconnect attempts: 250 ms doubling, capped at 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(5000, 250 * 2 ** Math.min(attempt, 5));
}

/**
 * A Bridge over the host's WebSocket: requests by id, events to subscribers, reconnect with backoff.
 * Requests made while disconnected wait for the socket; those in flight when it drops fail with a coded
 * error so the screen can say so instead of hanging.
 */
export class WsBridge implements Bridge {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private attempt = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: string[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly url: string) {
    // The connection store hears engine.status first, as the preload's bridge makes it in getBridge.
    this.subscribe('engine.status', (p) => connectionActions.engine(p));
    this.connect();
  }

  private connect(): void {
    connectionActions.transport('connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      connectionActions.transport('open');
      for (const text of this.queue.splice(0)) socket.send(text);
    };
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = () => {
      this.socket = null;
      for (const [id, p] of this.pending) {
        p.reject(new CodedError('engine_unavailable', `Lost the connection to the host during ${p.name}; it is retried when you try again.`));
        this.pending.delete(id);
      }
      const delay = backoffMs(this.attempt++);
      connectionActions.transport('closed', delay);
      setTimeout(() => this.connect(), delay);
    };
  }

  private receive(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const frame = Frame.safeParse(parsed);
    if (!frame.success) return;
    const f = frame.data;
    if (f.type === 'event') {
      const event = parseEvent(f.name, f.payload);
      if (!event.ok) return;
      for (const listener of this.listeners.get(event.name) ?? []) listener(event.payload);
      return;
    }
    if (f.type !== 'response') return;
    const p = this.pending.get(f.id);
    if (!p) return;
    this.pending.delete(f.id);
    if (!f.ok) {
      p.reject(CodedError.from(f.error));
      return;
    }
    const output = requests[p.name].output.safeParse(f.output);
    if (output.success) p.resolve(output.data);
    else p.reject(new CodedError('internal', `The host answered ${p.name} with data this version of the app does not understand; reload the page.`));
  }

  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    const id = this.nextId++;
    const text = JSON.stringify({ type: 'request', id, name, input } satisfies Frame);
    return new Promise<RequestOutput<N>>((resolve, reject) => {
      this.pending.set(id, { name, resolve: resolve as (v: unknown) => void, reject });
      if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
      else this.queue.push(text);
    });
  }

  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(name) ?? new Set<Listener>();
    this.listeners.set(name, set);
    const wrapped = listener as Listener;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }
}
