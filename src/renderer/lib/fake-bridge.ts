import type { Bridge, BridgeCapabilities, EventName, EventPayload, RequestInput, RequestName, RequestOutput } from '../../shared/contract';

type Handler = (input: unknown) => unknown;

/** An in-memory Bridge for store tests: canned handlers per request, and `emit` for events. */
export class FakeBridge implements Bridge {
  readonly calls: Array<{ name: RequestName; input: unknown }> = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();

  /** Like the preload's (the desktop app) when given; like a browser page's bridge when not. */
  constructor(readonly capabilities?: BridgeCapabilities) {}

  on<N extends RequestName>(name: N, handler: (input: RequestInput<N>) => RequestOutput<N> | Promise<RequestOutput<N>>): this {
    this.handlers.set(name, handler as Handler);
    return this;
  }

  async request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    this.calls.push({ name, input });
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`no fake handler for ${name}`);
    return (await handler(input)) as RequestOutput<N>;
  }

  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, set);
    set.add(listener as (p: unknown) => void);
    return () => set.delete(listener as (p: unknown) => void);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(name) ?? []) l(payload);
  }
}
