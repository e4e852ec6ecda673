import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { parseEvent, type Bridge, type EventName, type EventPayload, type RequestName, type RequestOutput } from '../shared/contract';
import type { CodedErrorShape } from '../shared/errors';
import { EVENT_CHANNEL, PORT_CHANNEL, REQUEST_CHANNEL } from './channels';

/**
 * A generic, typed forwarder: no ipcRenderer exposed. Requests go through main (which checks the sender and
 * validates); events arrive on the MessagePort main hands over, or from main itself (engine.status and anything
 * the engine sends on its parent channel), and each is parsed with the contract's schema before the page sees it.
 */
type IpcReply = { ok: true; output: unknown } | { ok: false; error: CodedErrorShape };
type Listener = (payload: unknown) => void;

const listeners = new Map<string, Set<Listener>>();

/**
 * Checks an event against the contract's schema of its name, as the WebSocket bridge does: a malformed one is
 * dropped (and logged), so the page only ever sees payloads of the contract's shape.
 */
function dispatch(name: unknown, payload: unknown): void {
  const event = parseEvent(name, payload);
  if (!event.ok) {
    console.warn(`evolab: dropped an event: ${event.reason}`);
    return;
  }
  for (const listener of listeners.get(event.name) ?? []) {
    try {
      listener(event.payload);
    } catch (error) {
      console.error(`evolab: a listener of "${event.name}" threw`, error);
    }
  }
}

function dispatchFrame(frame: unknown): void {
  if (typeof frame === 'object' && frame !== null && 'type' in frame && frame.type === 'event' && 'name' in frame) {
    dispatch(frame.name, 'payload' in frame ? frame.payload : undefined);
  }
}

ipcRenderer.on(EVENT_CHANNEL, (_event, frame: unknown) => dispatchFrame(frame));

let enginePort: IpcRendererEvent['ports'][number] | null = null;
ipcRenderer.on(PORT_CHANNEL, (event) => {
  // A restarted engine comes with a new port; the old one belongs to a dead process.
  enginePort?.close();
  enginePort = event.ports[0] ?? null;
  if (!enginePort) return;
  enginePort.onmessage = (message: { data: unknown }) => dispatchFrame(message.data);
  enginePort.start();
});

const bridge: Bridge = {
  // Main answers files.pickTask with the native dialog; a browser page under `evolab serve` has no such host.
  capabilities: { pickFiles: true },
  async request<N extends RequestName>(name: N, input: unknown): Promise<RequestOutput<N>> {
    const reply = (await ipcRenderer.invoke(REQUEST_CHANNEL, name, input)) as IpcReply;
    if (reply.ok) return reply.output as RequestOutput<N>;
    // contextBridge drops custom fields of Error objects; a plain object keeps code and issues.
    throw { name: 'CodedError', code: reply.error.code, message: reply.error.message, issues: reply.error.issues };
  },
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = listeners.get(name) ?? new Set<Listener>();
    listeners.set(name, set);
    const untyped = listener as Listener;
    set.add(untyped);
    return () => {
      set.delete(untyped);
    };
  },
};

contextBridge.exposeInMainWorld('evolab', bridge);
