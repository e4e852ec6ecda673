import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../shared/contract';
import { childProcessTransport, createMemoryPair, parentPortTransport, serveEngine } from './transport';

const request: Frame = { type: 'request', id: 7, name: 'echo', input: { data: new Float32Array([1, 2]) } };

describe('transports', () => {
  it('child_process: sends with process.send and hears process "message" events until closed', () => {
    const proc = Object.assign(new EventEmitter(), {
      sent: [] as unknown[],
      send(m: unknown) {
        this.sent.push(m);
        return true;
      },
    });
    const t = childProcessTransport(proc);
    const got: unknown[] = [];
    t.onMessage((m) => got.push(m));
    proc.emit('message', request);
    t.send(request);
    expect(got).toEqual([request]);
    expect(proc.sent).toEqual([request]);
    t.close();
    proc.emit('message', request);
    expect(got).toHaveLength(1);
  });

  it('refuses a process without an IPC channel', () => {
    expect(() => childProcessTransport(new EventEmitter())).toThrow(/no IPC channel/);
  });

  it('Electron parentPort: unwraps event.data and posts frames', () => {
    const port = Object.assign(new EventEmitter(), {
      posted: [] as unknown[],
      postMessage(m: unknown) {
        this.posted.push(m);
      },
    });
    const t = parentPortTransport(port);
    const got: unknown[] = [];
    t.onMessage((m) => got.push(m));
    port.emit('message', { data: request });
    t.send(request);
    expect(got).toEqual([request]);
    expect(port.posted).toEqual([request]);
  });

  it('Electron parentPort: takes the MessagePort main hands over, streams events on it, answers requests where they came from', async () => {
    const parent = Object.assign(new EventEmitter(), {
      posted: [] as unknown[],
      postMessage(m: unknown) {
        this.posted.push(m);
      },
    });
    const fakePort = () =>
      Object.assign(new EventEmitter(), {
        posted: [] as unknown[],
        started: false,
        closed: false,
        postMessage(m: unknown) {
          this.posted.push(m);
        },
        start() {
          this.started = true;
        },
        close() {
          this.closed = true;
        },
      });
    const t = parentPortTransport(parent);
    serveEngine(t, { handle: async (name) => ({ name }) });
    expect(parent.posted).toEqual([{ type: 'ready' }]);
    const event: Frame = { type: 'event', name: 'run.log', payload: { level: 'info', message: 'before' } };
    t.send(event);
    expect(parent.posted.at(-1)).toEqual(event);

    const first = fakePort();
    parent.emit('message', { data: { type: 'evolab:port' }, ports: [first] });
    expect(first.started).toBe(true);
    // No invalid_request for the hand-off: it is not a frame for the service.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(parent.posted).toHaveLength(2);
    const metrics: Frame = { type: 'event', name: 'run.metrics', payload: { runId: 'r1', batch: new Float32Array([1]) } };
    t.send(metrics);
    t.send({ type: 'ready' });
    expect(first.posted).toEqual([metrics]);
    expect(parent.posted.at(-1)).toEqual({ type: 'ready' });

    // A request from the renderer on the port is answered on the port; one from main, on parentPort.
    first.emit('message', { data: { type: 'request', id: 1, name: 'runs.list', input: {} } });
    parent.emit('message', { data: { type: 'request', id: 2, name: 'system.info', input: {} } });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(first.posted.at(-1)).toEqual({ type: 'response', id: 1, ok: true, output: { name: 'runs.list' } });
    expect(parent.posted.at(-1)).toEqual({ type: 'response', id: 2, ok: true, output: { name: 'system.info' } });

    // A reloaded page brings a new port: the old one is closed and hears nothing more.
    const second = fakePort();
    parent.emit('message', { data: { type: 'evolab:port' }, ports: [second] });
    expect(first.closed).toBe(true);
    t.send(event);
    expect(second.posted).toEqual([event]);
    expect(first.posted).toHaveLength(2);
    first.emit('message', { data: { type: 'request', id: 3, name: 'runs.list', input: {} } });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(first.posted).toHaveLength(2);

    // The renderer went away: events go to main again.
    second.emit('close');
    t.send(event);
    expect(parent.posted.at(-1)).toEqual(event);
    t.close();
    expect(parent.listenerCount('message')).toBe(0);
  });

  it('in-memory pair: copies every frame (typed arrays included) and delivers asynchronously', async () => {
    const [a, b] = createMemoryPair();
    const got: Frame[] = [];
    const arrived = new Promise<void>((resolve) => b.onMessage((m) => (got.push(m as Frame), resolve())));
    a.send(request);
    expect(got).toEqual([]);
    await arrived;
    expect(got[0]).toEqual(request);
    expect(got[0]).not.toBe(request);
    const input = (got[0] as { input: { data: Float32Array } }).input;
    expect(input.data).toBeInstanceOf(Float32Array);
  });

  it('serveEngine sends the ready handshake once it listens, and answers what arrives after it', async () => {
    const [client, engine] = createMemoryPair();
    const frames: Frame[] = [];
    const answered = new Promise<void>((resolve) =>
      client.onMessage((m) => {
        frames.push(m as Frame);
        if ((m as Frame).type === 'response') resolve();
      }),
    );
    serveEngine(engine, { handle: async (name) => ({ name }) });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(frames).toEqual([{ type: 'ready' }]);
    client.send({ type: 'request', id: 1, name: 'system.info', input: {} });
    await answered;
    expect(frames[1]).toEqual({ type: 'response', id: 1, ok: true, output: { name: 'system.info' } });
  });

  it('serveEngine answers service errors as coded responses and internal failures as "internal"', async () => {
    const [client, engine] = createMemoryPair();
    serveEngine(engine, {
      handle: async (name) => {
        if (name === 'boom') throw new Error('kaput');
        return { name };
      },
    });
    const answers = new Map<number, Frame>();
    const all = new Promise<void>((resolve) =>
      client.onMessage((m) => {
        const f = m as Frame;
        if (f.type !== 'response') return;
        answers.set(f.id, f);
        if (answers.size === 2) resolve();
      }),
    );
    client.send({ type: 'request', id: 1, name: 'boom', input: {} });
    client.send({ type: 'request', id: 2, name: 'fine', input: {} });
    await all;
    expect(answers.get(1)).toMatchObject({ ok: false, error: { code: 'internal', message: 'The engine failed: kaput' } });
    expect(answers.get(2)).toEqual({ type: 'response', id: 2, ok: true, output: { name: 'fine' } });
  });
});
