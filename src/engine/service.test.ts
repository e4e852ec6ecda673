import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_REQUESTS, isHostRequest, requests, type Frame, type RequestName } from '../shared/contract';
import type { CodedErrorShape } from '../shared/errors';
import { FakeSession } from './fake-session';
import { resolveRunConfig } from './run-setup';
import { EngineService } from './service';
import { createMemoryPair, serveEngine, type MemoryTransport } from './transport';

let dir: string;
let client: MemoryTransport;
let service: EngineService;
let events: Array<{ name: string; payload: unknown }>;
let responses: Map<number, (frame: Frame) => void>;
let stray: Frame[];
let nextId = 1;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-service-'));
  const [c, engine] = createMemoryPair();
  client = c;
  events = [];
  responses = new Map();
  stray = [];
  service = new EngineService({
    workspace: dir,
    emit: (name, payload) => engine.send({ type: 'event', name, payload }),
    createSession: FakeSession.factory(),
    initBackend: async () => ({ active: 'cpu' }),
    backendReport: async () => ({ active: 'cpu', requested: 'auto', skipped: [], details: 'test' }),
  });
  serveEngine(engine, service);
  client.onMessage((message) => {
    const frame = message as Frame;
    if (frame.type === 'event') events.push({ name: frame.name, payload: frame.payload });
    else if (frame.type === 'response' && responses.has(frame.id)) responses.get(frame.id)!(frame);
    // serveEngine's handshake, once per engine.
    else if (frame.type !== 'ready') stray.push(frame);
  });
});
afterEach(async () => {
  await service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function call(name: string, input: unknown = {}): Promise<Frame> {
  const id = nextId++;
  return new Promise((resolve) => {
    responses.set(id, resolve);
    client.send({ type: 'request', id, name, input });
  });
}

async function ok(name: string, input: unknown = {}): Promise<unknown> {
  const frame = await call(name, input);
  if (frame.type !== 'response' || !frame.ok) throw new Error(`${name} failed: ${JSON.stringify(frame)}`);
  return frame.output;
}

async function fails(name: string, input: unknown = {}): Promise<CodedErrorShape> {
  const frame = await call(name, input);
  if (frame.type !== 'response' || frame.ok) throw new Error(`${name} should have failed: ${JSON.stringify(frame)}`);
  return frame.error;
}

function nextStray(): Promise<Frame> {
  return new Promise((resolve) => {
    const poll = () => (stray.length > 0 ? resolve(stray.shift()!) : setImmediate(poll));
    poll();
  });
}

describe('EngineService over the in-memory transport', () => {
  it('answers a malformed frame with a coded error and keeps serving', async () => {
    client.sendRaw({ hello: 'world' });
    const reply = await nextStray();
    expect(reply).toMatchObject({ type: 'response', id: -1, ok: false, error: { code: 'invalid_request' } });
    client.sendRaw('not even an object');
    expect(await nextStray()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

    // A garbled request keeps its id, so the sender hears about it.
    client.inject('garble');
    const garbled = await call('presets.list');
    expect(garbled).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    // A dropped frame is simply lost; the next one is served.
    client.inject('drop');
    void call('presets.list');
    const presets = (await ok('presets.list')) as Array<{ id: string }>;
    expect(presets.map((p) => p.id)).toContain('addition-star-smoke');
  });

  it("rejects unknown requests, the host's own requests and bad inputs with field paths", async () => {
    expect((await fails('runs.explode')).message).toMatch(/Unknown request "runs.explode"/);
    expect((await fails('engine.kill')).message).toMatch(/host/);
    expect((await fails('files.pickTask')).message).toMatch(/host/);
    const bad = await fails('runs.trajectories', { runId: 'x', limit: 5000 });
    expect(bad.code).toBe('invalid_request');
    expect(bad.issues).toEqual([{ path: 'limit', message: 'must be at most 1000' }]);
    expect((await fails('runs.get', { runId: 'nope' })).code).toBe('unknown_run');
  });

  it("gives a run's workers resolved on the backend it ran on: the text LM's field on WASM, 1 on a native backend or for an MLP", async () => {
    const text = resolveRunConfig({ preset: 'addition-star-smoke', config: { workers: 3 } });
    const mlp = resolveRunConfig({ preset: 'gridworld-a2c-smoke', config: { workers: 3 } });
    const onWasm = service.store.createRun(text, 'wasm').id;
    const onNative = service.store.createRun(text, 'tensorflow').id;
    const mlpOnWasm = service.store.createRun(mlp, 'wasm').id;
    const workers = async (runId: string) => ((await ok('runs.get', { runId })) as { workers: number }).workers;
    expect(await workers(onWasm)).toBe(3);
    expect(await workers(onNative)).toBe(1);
    expect(await workers(mlpOnWasm)).toBe(1);
  });

  it("has a handler for every engine request of the contract and leaves only the host's own to the host", async () => {
    expect(HOST_REQUESTS).toEqual(['engine.kill', 'files.pickTask']);
    for (const name of Object.keys(requests) as RequestName[]) {
      const frame = await call(name, {});
      const error = frame.type === 'response' && !frame.ok ? frame.error : null;
      if (isHostRequest(name)) expect(error?.message, name).toMatch(/handled by the host/);
      // An empty input may be invalid for the request, but it is never an unknown or a host request.
      else expect(error?.message ?? '', name).not.toMatch(/Unknown request|handled by the host/);
    }
    // Handlers get the parsed input: defaults (proposals.list's limit) are filled in before they run.
    expect(await ok('proposals.list', {})).toEqual([]);
  });

  it('reports config errors as invalid_config and unknown presets with the valid list', async () => {
    const unknown = await fails('runs.start', { preset: 'nope' });
    expect(unknown.code).toBe('unknown_preset');
    expect(unknown.message).toContain('addition-star-smoke');
    const badConfig = await fails('runs.start', { preset: 'addition-star-smoke', config: { recipe: { samplesPerPrompt: 0 } } });
    expect(badConfig.code).toBe('invalid_config');
    expect(badConfig.issues).toEqual([{ path: 'recipe.samplesPerPrompt', message: 'must be at least 1' }]);
    const validated = (await ok('config.validate', { config: { task: { kind: 'arithmetic' }, recipe: { kind: 'grpo' } } })) as {
      config: { iterations: number };
    };
    expect(validated.config.iterations).toBe(10);
  });

  it('runs one run at a time, streams events, and serves its metrics and trajectories', async () => {
    const { runId } = (await ok('runs.start', { preset: 'addition-star-smoke', seed: 3, config: { iterations: 3 } })) as { runId: string };
    expect((await fails('runs.start', { preset: 'addition-star-smoke' })).code).toBe('run_busy');
    expect(await service.waitForRun(runId)).toBe('completed');
    const detail = (await ok('runs.get', { runId })) as { status: string; seed: number; lastCheckpointIteration: number };
    expect(detail).toMatchObject({ status: 'completed', seed: 3, lastCheckpointIteration: 3 });
    const series = (await ok('runs.metrics', { runId })) as { iterations: number[]; series: Record<string, number[]> };
    expect(series.iterations).toEqual([0, 1, 2, 3]);
    expect(series.series['train/loss']).toHaveLength(4);
    const kept = (await ok('runs.trajectories', { runId, filter: 'kept', iteration: 1 })) as { total: number; items: Array<{ kept: boolean }> };
    expect(kept.total).toBe(2);
    expect(kept.items.every((t) => t.kept)).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(events.filter((e) => e.name === 'run.iteration')).toHaveLength(4);
    expect(events.some((e) => e.name === 'run.status' && (e.payload as { status: string }).status === 'completed')).toBe(true);
    const list = (await ok('runs.list')) as Array<{ id: string }>;
    expect(list.map((r) => r.id)).toEqual([runId]);
    expect(await ok('runs.delete', { runId })).toEqual({ deleted: true });
    expect(await ok('runs.list')).toEqual([]);
  });

  it('stops a run and resumes it from its checkpoint through requests', async () => {
    const { runId } = (await ok('runs.start', { preset: 'addition-star-smoke', config: { iterations: 5 } })) as { runId: string };
    expect(await ok('runs.stop', { runId })).toEqual({ status: 'stopping' });
    expect(await service.waitForRun(runId)).toBe('stopped');
    expect(await ok('runs.resume', { runId })).toEqual({ status: 'running' });
    expect(await service.waitForRun(runId)).toBe('completed');
    const series = (await ok('runs.metrics', { runId })) as { iterations: number[] };
    expect(series.iterations).toEqual([0, 1, 2, 3, 4, 5]);
    const info = (await ok('system.info')) as { workspace: string; backend: { active: string }; workers: { cores: number; auto: number } };
    expect(info.workspace).toBe(dir);
    expect(info.backend.active).toBe('cpu');
    // auto is the cores less one for the engine, at least 1, on the pure-JS backend a worker thread can run too.
    expect(info.workers.auto).toBe(Math.max(1, info.workers.cores - 1));
  });
});
