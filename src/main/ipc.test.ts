import { mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// Main-process modules must not need a real Electron to be tested.
vi.mock('electron', () => ({ default: {} }));

const { createAppRouter, createRequestHandler: createHandler, handOffPort, isTrustedUrl, registerRequestHandler } = await import('./ipc');
const { createRouter } = await import('../host/serve-router');
const { createTaskFileDialog } = await import('./task-file-dialog');

type Engine = ReturnType<typeof fakeEngine>;
const createRequestHandler = (engine: Engine, location: typeof renderer, options: { defaultBackend?: string } = {}) =>
  createHandler(createRouter(engine, options), location);
const { PORT_CHANNEL, REQUEST_CHANNEL } = await import('../preload/channels');
const { ENGINE_PORT_MESSAGE } = await import('../shared/contract');
const { parentPortTransport, serveEngine } = await import('../engine/transport');

const indexFile = path.resolve('/opt/evolab/resources/app.asar/out/renderer/index.html');
const renderer = { indexFile };
const ourUrl = pathToFileURL(indexFile).href + '#/runs';

function fakeEngine() {
  return {
    call: vi.fn(async (name: string, input: unknown) => ({ name, input })),
    kill: vi.fn(async () => true),
    start: vi.fn(async () => undefined),
  };
}

const from = (url: string | undefined) => ({ senderFrame: url === undefined ? null : ({ url } as never) });

describe('isTrustedUrl', () => {
  it('accepts only our index.html, or the dev server origin in development', () => {
    expect(isTrustedUrl(ourUrl, renderer)).toBe(true);
    expect(isTrustedUrl(pathToFileURL(path.resolve('/tmp/evil/index.html')).href, renderer)).toBe(false);
    expect(isTrustedUrl('https://example.com/', renderer)).toBe(false);
    expect(isTrustedUrl(undefined, renderer)).toBe(false);
    const dev = { indexFile, devUrl: 'http://localhost:5173' };
    expect(isTrustedUrl('http://localhost:5173/#/runs', dev)).toBe(true);
    expect(isTrustedUrl('http://localhost:5174/', dev)).toBe(false);
  });
});

describe('the request router', () => {
  it('rejects a wrong sender with a coded error and does not reach the engine', async () => {
    const engine = fakeEngine();
    const handle = createRequestHandler(engine, renderer);
    const reply = await handle(from('https://attacker.example/'), 'runs.list', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await handle(from(undefined), 'runs.list', {})).ok).toBe(false);
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('rejects an invalid input with the path of each bad field', async () => {
    const engine = fakeEngine();
    const handle = createRequestHandler(engine, renderer);
    const reply = await handle(from(ourUrl), 'runs.trajectories', { runId: '', limit: 5000 });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid_request');
    expect(reply.error.issues.map((i) => i.path).sort()).toEqual(['limit', 'runId']);
    const unknown = await handle(from(ourUrl), 'shell.exec', { cmd: 'rm' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('routes a valid request with its parsed input, and passes engine errors on', async () => {
    const engine = fakeEngine();
    const handle = createRequestHandler(engine, renderer, { defaultBackend: 'wasm' });
    const reply = await handle(from(ourUrl), 'runs.trajectories', { runId: 'r1' });
    expect(reply).toEqual({
      ok: true,
      output: { name: 'runs.trajectories', input: { runId: 'r1', filter: 'all', limit: 100, offset: 0 } },
    });
    const started = await handle(from(ourUrl), 'runs.start', { preset: 'addition-star' });
    expect(started).toMatchObject({ ok: true, output: { input: { preset: 'addition-star', backend: 'wasm' } } });
    engine.call.mockRejectedValueOnce(new Error('disk full'));
    expect(await handle(from(ourUrl), 'runs.list', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses a task file outside the workspace without reaching the engine, and forwards one inside', async () => {
    const engine = fakeEngine();
    const workspace = path.resolve('/opt/evolab-ws');
    const handle = createHandler(createAppRouter(engine, { workspace }).route, renderer);
    const outside = await handle(from(ourUrl), 'runs.start', { config: { task: { kind: 'jsonl', path: '/etc/passwd' } } });
    expect(outside).toMatchObject({ ok: false, error: { code: 'path_not_allowed', issues: [{ path: 'task.path' }] } });
    const climbing = await handle(from(ourUrl), 'runs.start', { config: { task: { kind: 'jsonl', path: path.join(workspace, '..', 'x.jsonl') } } });
    expect(climbing).toMatchObject({ ok: false, error: { code: 'path_not_allowed' } });
    expect(engine.call).not.toHaveBeenCalled();
    const inside = await handle(from(ourUrl), 'runs.start', { config: { task: { kind: 'jsonl', path: path.join(workspace, 'p.jsonl') } } });
    expect(inside).toMatchObject({ ok: true, output: { input: { config: { task: { path: path.join(workspace, 'p.jsonl') } } } } });
  });

  it('handles engine.kill itself: kills, starts a fresh engine, never forwards it', async () => {
    const engine = fakeEngine();
    const handle = createRequestHandler(engine, renderer);
    const [a, b] = await Promise.all([handle(from(ourUrl), 'engine.kill', {}), handle(from(ourUrl), 'engine.kill', {})]);
    expect(a).toEqual({ ok: true, output: { killed: true } });
    expect(b).toEqual(a);
    expect(engine.kill).toHaveBeenCalledTimes(1);
    expect(engine.start).toHaveBeenCalledTimes(1);
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('refuses files.pickTask with "unsupported" where the host has no dialog, and never forwards it', async () => {
    const engine = fakeEngine();
    const reply = await createRequestHandler(engine, renderer)(from(ourUrl), 'files.pickTask', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'unsupported', message: expect.stringContaining('--allow-path') } });
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('registers one invoke handler on the request channel', () => {
    const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };
    const off = registerRequestHandler(ipcMain, createRequestHandler(fakeEngine(), renderer));
    expect(ipcMain.handle).toHaveBeenCalledWith(REQUEST_CHANNEL, expect.any(Function));
    off();
    expect(ipcMain.removeHandler).toHaveBeenCalledWith(REQUEST_CHANNEL);
  });
});

describe('files.pickTask: a task file the person chose in the dialog', () => {
  // A dataset outside the workspace, reached through a link the way a home folder often is.
  const outside = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'evolab-pick-')));
  const dataset = path.join(outside, 'problems.jsonl');
  const sibling = path.join(outside, 'secret.jsonl');
  writeFileSync(dataset, '{"prompt":"1+1","answer":"2"}\n');
  writeFileSync(sibling, '{"prompt":"x","answer":"y"}\n');
  const link = path.join(outside, 'link.jsonl');
  symlinkSync(dataset, link);
  const workspace = path.join(outside, 'ws');
  const appWindow = { isDestroyed: () => false };

  function setup(answer: { canceled: boolean; filePaths: string[] }) {
    const engine = fakeEngine();
    // Electron's dialog, mocked: resolves as showOpenDialog does when the person picks or cancels.
    const dialog = { showOpenDialog: vi.fn(async (..._args: unknown[]) => answer) };
    const chooseTaskFile = createTaskFileDialog(dialog as never, () => appWindow as never);
    const handle = createHandler(createAppRouter(engine, { workspace, chooseTaskFile }).route, renderer);
    const start = (file: string) => handle(from(ourUrl), 'runs.start', { config: { task: { kind: 'jsonl', path: file } } });
    return { engine, dialog, handle, start };
  }

  it('opens a .jsonl dialog on the window, allows the real path chosen, and then forwards a run that reads it', async () => {
    const { engine, dialog, handle, start } = setup({ canceled: false, filePaths: [link] });
    expect(await start(dataset)).toMatchObject({ ok: false, error: { code: 'path_not_allowed' } });

    const picked = await handle(from(ourUrl), 'files.pickTask', {});
    expect(picked).toEqual({ ok: true, output: { path: dataset } });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(
      appWindow,
      expect.objectContaining({
        properties: ['openFile'],
        filters: [expect.objectContaining({ extensions: ['jsonl'] })],
      }),
    );
    expect(await start(dataset)).toMatchObject({ ok: true, output: { name: 'runs.start', input: { config: { task: { path: dataset } } } } });
    expect(engine.call).toHaveBeenCalledTimes(1);
    expect(engine.call.mock.calls.map(([name]) => name)).not.toContain('files.pickTask');
  });

  it('answers null when the person cancels, and allows nothing', async () => {
    const { engine, handle, start } = setup({ canceled: true, filePaths: [] });
    expect(await handle(from(ourUrl), 'files.pickTask', {})).toEqual({ ok: true, output: { path: null } });
    expect(await start(dataset)).toMatchObject({ ok: false, error: { code: 'path_not_allowed', issues: [{ path: 'task.path' }] } });
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('still refuses a file that was never picked, even beside the picked one, and says how to allow it', async () => {
    const { engine, handle, start } = setup({ canceled: false, filePaths: [dataset] });
    await handle(from(ourUrl), 'files.pickTask', {});
    const refused = await start(sibling);
    expect(refused).toMatchObject({ ok: false, error: { code: 'path_not_allowed', issues: [{ path: 'task.path' }] } });
    if (!refused.ok) expect(refused.error.message).toMatch(/Choose file/);
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('takes no path from the page, opens no dialog for a foreign frame, and one dialog for two asks at once', async () => {
    const { dialog, handle } = setup({ canceled: false, filePaths: [dataset] });
    expect(await handle(from(ourUrl), 'files.pickTask', { path: sibling })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await handle(from('https://attacker.example/'), 'files.pickTask', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(dialog.showOpenDialog).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([handle(from(ourUrl), 'files.pickTask', {}), handle(from(ourUrl), 'files.pickTask', {})]);
    expect(a).toEqual(b);
    expect(dialog.showOpenDialog).toHaveBeenCalledTimes(1);
  });
});

/** An in-memory port pair: what one end posts, the other end's listeners receive (cloned, like a real port). */
function memoryChannel() {
  type Listener = (event: { data: unknown }) => void;
  const makePort = () => ({ listeners: [] as Listener[], peer: null as null | { listeners: Listener[] } });
  const a = makePort();
  const b = makePort();
  a.peer = b;
  b.peer = a;
  const wrap = (port: ReturnType<typeof makePort>) => ({
    postMessage: (data: unknown) => port.peer?.listeners.forEach((l) => l({ data: structuredClone(data) })),
    on: (event: 'message' | 'close', listener: Listener) => {
      if (event === 'message') port.listeners.push(listener);
    },
    start: () => undefined,
    close: () => undefined,
  });
  return { port1: wrap(a), port2: wrap(b) };
}

describe('the MessagePort hand-off', () => {
  it('gives one end to the engine and the other to the renderer, so frames flow between them past main', () => {
    const channel = memoryChannel();
    const engine = { postMessage: vi.fn() };
    const contents = { postMessage: vi.fn() };
    handOffPort(() => channel as never, engine, contents);
    expect(engine.postMessage).toHaveBeenCalledWith(ENGINE_PORT_MESSAGE, [channel.port1]);
    expect(contents.postMessage).toHaveBeenCalledWith(PORT_CHANNEL, null, [channel.port2]);

    const received: unknown[] = [];
    const rendererEnd = contents.postMessage.mock.calls[0][2][0] as typeof channel.port2;
    const engineEnd = engine.postMessage.mock.calls[0][1][0] as typeof channel.port1;
    rendererEnd.on('message', (event) => received.push(event.data));
    const frame = { type: 'event', name: 'run.iteration', payload: { runId: 'r1', iteration: 3, metrics: { 'reward/mean': 0.5 } } };
    engineEnd.postMessage(frame);
    expect(received).toEqual([frame]);
  });

  it('reaches the engine parentPort transport: it streams events to the renderer end and answers requests there', async () => {
    const channel = memoryChannel();
    // The utility process as main sees it, wired to the engine's process.parentPort (data + transferred ports).
    type ParentListener = (event: { data: unknown; ports?: unknown[] }) => void;
    const parentListeners: ParentListener[] = [];
    const toMain: unknown[] = [];
    const parentPort = {
      postMessage: (message: unknown) => toMain.push(message),
      on: (_event: 'message', listener: ParentListener) => parentListeners.push(listener),
    };
    const utilityProcess = {
      postMessage: (message: unknown, transfer?: unknown[]) => parentListeners.forEach((l) => l({ data: structuredClone(message), ports: transfer ?? [] })),
    };
    const transport = parentPortTransport(parentPort as never);
    serveEngine(transport, { handle: async (name) => ({ answered: name }) });
    expect(toMain).toEqual([{ type: 'ready' }]);

    const contents = { postMessage: vi.fn() };
    handOffPort(() => channel as never, utilityProcess as never, contents);
    const rendererEnd = contents.postMessage.mock.calls[0][2][0] as typeof channel.port2;
    const received: unknown[] = [];
    rendererEnd.on('message', (event) => received.push(event.data));

    transport.send({ type: 'event', name: 'run.iteration', payload: { runId: 'r1', iteration: 1 } });
    rendererEnd.postMessage({ type: 'request', id: 5, name: 'runs.list', input: {} });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(received).toEqual([
      { type: 'event', name: 'run.iteration', payload: { runId: 'r1', iteration: 1 } },
      { type: 'response', id: 5, ok: true, output: { answered: 'runs.list' } },
    ]);
    // Nothing of it went through main, and the hand-off itself was not answered as a malformed frame.
    expect(toMain).toEqual([{ type: 'ready' }]);
  });
});
