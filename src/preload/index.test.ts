import { describe, expect, it, vi } from 'vitest';
import type { Bridge } from '../shared/contract';

// The preload runs against a mocked Electron: what it registers on ipcRenderer and exposes through contextBridge.
const electron = vi.hoisted(() => ({
  handlers: new Map<string, (event: { ports: unknown[] }, message?: unknown) => void>(),
  exposed: new Map<string, unknown>(),
  invoke: vi.fn<(...args: unknown[]) => Promise<unknown>>(),
}));
vi.mock('electron', () => {
  return {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
    ipcRenderer: {
      on: (channel: string, handler: (event: { ports: unknown[] }, message?: unknown) => void) => electron.handlers.set(channel, handler),
      invoke: (...args: unknown[]) => electron.invoke(...args),
    },
  };
});

await import('./index');
const { EVENT_CHANNEL, PORT_CHANNEL, REQUEST_CHANNEL } = await import('./channels');
const bridge = electron.exposed.get('evolab') as Bridge;

/** A renderer-side MessagePort as Electron gives it to the preload (event.ports[0]). */
function fakePort() {
  return { onmessage: null as null | ((event: { data: unknown }) => void), start: vi.fn(), close: vi.fn(), postMessage: vi.fn() };
}

describe('the preload bridge', () => {
  it('delivers the events of the engine port main hands over, and of main itself, to subscribers', () => {
    const got: unknown[] = [];
    const off = bridge.subscribe('run.log', (payload) => got.push(payload));

    const first = fakePort();
    electron.handlers.get(PORT_CHANNEL)!({ ports: [first] }, null);
    expect(first.start).toHaveBeenCalled();
    first.onmessage!({ data: { type: 'event', name: 'run.log', payload: { level: 'info', message: 'on the port' } } });
    // Responses and handshakes are not events.
    first.onmessage!({ data: { type: 'response', id: 1, ok: true, output: [] } });
    electron.handlers.get(EVENT_CHANNEL)!({ ports: [] }, { type: 'event', name: 'run.log', payload: { level: 'warn', message: 'via main' } });
    expect(got).toEqual([
      { level: 'info', message: 'on the port' },
      { level: 'warn', message: 'via main' },
    ]);

    // A restarted engine comes with a new port: the old one is closed.
    const second = fakePort();
    electron.handlers.get(PORT_CHANNEL)!({ ports: [second] }, null);
    expect(first.close).toHaveBeenCalled();
    second.onmessage!({ data: { type: 'event', name: 'run.log', payload: { level: 'info', message: 'new port' } } });
    expect(got).toHaveLength(3);
    off();
    second.onmessage!({ data: { type: 'event', name: 'run.log', payload: { level: 'info', message: 'unsubscribed' } } });
    expect(got).toHaveLength(3);
  });

  it("parses each event with the contract's schema and drops (and logs) a malformed one instead of passing it on", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const got: unknown[] = [];
    const off = bridge.subscribe('run.status', (payload) => got.push(payload));
    const port = fakePort();
    electron.handlers.get(PORT_CHANNEL)!({ ports: [port] }, null);

    port.onmessage!({ data: { type: 'event', name: 'run.status', payload: { runId: 'r1', status: 'exploded' } } });
    port.onmessage!({ data: { type: 'event', name: 'run.status', payload: { status: 'running' } } });
    port.onmessage!({ data: { type: 'event', name: 'run.exploded', payload: {} } });
    electron.handlers.get(EVENT_CHANNEL)!({ ports: [] }, { type: 'event', name: 'run.status', payload: 'not an object' });
    expect(got).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(4);
    expect(String(warn.mock.calls[0]![0])).toMatch(/"run.status".*status/);
    expect(String(warn.mock.calls[1]![0])).toMatch(/runId/);
    expect(String(warn.mock.calls[2]![0])).toMatch(/"run.exploded" is not an event/);

    // A valid one still arrives, as the schema parsed it (fields the contract does not name are left out).
    port.onmessage!({ data: { type: 'event', name: 'run.status', payload: { runId: 'r1', status: 'paused', extra: 1 } } });
    expect(got).toEqual([{ runId: 'r1', status: 'paused' }]);
    expect(warn).toHaveBeenCalledTimes(4);
    off();
    warn.mockRestore();
  });

  it('sends requests through main and turns coded failures into plain objects with code and issues', async () => {
    electron.invoke.mockResolvedValueOnce({ ok: true, output: [] });
    await expect(bridge.request('runs.list', {})).resolves.toEqual([]);
    expect(electron.invoke).toHaveBeenCalledWith(REQUEST_CHANNEL, 'runs.list', {});
    electron.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'unknown_run', message: 'No run "x".', issues: [] } });
    await expect(bridge.request('runs.get', { runId: 'x' })).rejects.toMatchObject({ code: 'unknown_run', issues: [] });
  });

  it('says it can show the native file dialog, which a browser page cannot', () => {
    expect(bridge.capabilities).toEqual({ pickFiles: true });
  });
});
