import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../shared/config';
import { findPreset } from '../shared/presets';
import type { Metrics } from '../shared/run';
import { FakeSession, type FakeSessionOptions } from './fake-session';
import { Runner, type Emit } from './runner';
import { Store } from './store/store';

const config = RunConfig.parse({ ...findPreset('addition-star-smoke')!.config, iterations: 4, seed: 7 });
const fakeBackend = async () => ({ active: 'cpu' });
let dir: string;
let store: Store;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-runner-'));
  store = Store.open(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Metrics without the ones that measure the machine rather than the run. */
function deterministic(metrics: Metrics): Metrics {
  return Object.fromEntries(Object.entries(metrics).filter(([k]) => !/^(perf|time|mem)\//.test(k)));
}

function allMetrics(runId: string) {
  return store.iterationNumbers(runId).map((i) => deterministic(store.iterationMetrics(runId, i)));
}

function makeRunner(runId: string, session: FakeSessionOptions = {}, resume = false, events: Array<[string, unknown]> = []) {
  const emit: Emit = (name, payload) => events.push([name, payload]);
  return new Runner({ store, runId, config, emit, resume, createSession: FakeSession.factory(session), initBackend: fakeBackend });
}

describe('Runner', () => {
  it('runs the warm-up as iteration 0 then 1..N, committing each with a checkpoint', async () => {
    const run = store.createRun(config);
    const events: Array<[string, unknown]> = [];
    const status = await makeRunner(run.id, {}, false, events).start();
    expect(status).toBe('completed');
    expect(store.iterationNumbers(run.id)).toEqual([0, 1, 2, 3, 4]);
    const summary = store.requireRun(run.id);
    expect(summary).toMatchObject({ status: 'completed', iterationsDone: 4, backend: 'cpu' });
    const scores = allMetrics(run.id).map((m) => m['heldout/acc_hardest']);
    expect(summary.bestScore).toBe(Math.max(...scores));
    expect(store.lastCheckpoint(run.id)?.iteration).toBe(4);
    expect(fs.readdirSync(store.checkpointDir(run.id))).toHaveLength(2);
    expect(events.filter(([n]) => n === 'run.iteration').map(([, p]) => (p as { iteration: number }).iteration)).toEqual([0, 1, 2, 3, 4]);
    expect(events.at(-1)).toEqual(['run.status', { runId: run.id, status: 'completed', reason: 'all iterations done' }]);
  });

  it("commits the session's warm-up loss curve with iteration 0, where the run screen reads it", async () => {
    const run = store.createRun(config);
    const curve = { steps: [1, 2, 3], loss: [3, 2, 1.5] };
    class TracedSession extends FakeSession {
      warmupLoss() {
        return curve;
      }
    }
    const createSession = async (c: RunConfig, hooks: ConstructorParameters<typeof FakeSession>[1]) => new TracedSession(c, hooks);
    const emit: Emit = () => undefined;
    await new Runner({ store, runId: run.id, config, emit, resume: false, createSession, initBackend: fakeBackend }).start();
    expect(store.runDetail(run.id).warmupLoss).toEqual(curve);
    // A session without one (the plain fake) commits none.
    const plain = store.createRun(config);
    await makeRunner(plain.id).start();
    expect(store.runDetail(plain.id).warmupLoss).toBeUndefined();
  });

  it('is deterministic: same config and seed give the same metrics iteration by iteration', async () => {
    const a = store.createRun(config);
    const b = store.createRun(config);
    await makeRunner(a.id).start();
    await makeRunner(b.id).start();
    expect(allMetrics(a.id)).toEqual(allMetrics(b.id));
    expect(allMetrics(a.id)).toHaveLength(5);
  });

  it('pauses at a step boundary, takes no step while paused, and resumes', async () => {
    const run = store.createRun(config);
    const steps: string[] = [];
    let runner: Runner | null = null;
    let paused: () => void = () => undefined;
    const pausedReached = new Promise<void>((resolve) => (paused = resolve));
    runner = makeRunner(run.id, {
      onStep: (iteration, step) => {
        steps.push(`${iteration}.${step}`);
        if (iteration === 2 && step === 1) {
          expect(runner!.pause()).toBe('paused');
          paused();
        }
      },
    });
    const done = runner.start();
    await pausedReached;
    const before = steps.length;
    // Let many macrotasks pass: a paused run must not advance.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(steps.length).toBe(before);
    expect(store.requireRun(run.id).status).toBe('paused');
    expect(runner.resume()).toBe('running');
    expect(await done).toBe('completed');
    expect(store.iterationNumbers(run.id)).toEqual([0, 1, 2, 3, 4]);
  });

  it('stop discards the in-flight iteration; resume continues from the checkpoint to the same metrics', async () => {
    const reference = store.createRun(config);
    await makeRunner(reference.id).start();

    const run = store.createRun(config);
    let runner: Runner | null = null;
    runner = makeRunner(run.id, {
      onStep: (iteration, step) => {
        if (iteration === 3 && step === 1) runner!.stop();
      },
    });
    expect(await runner.start()).toBe('stopped');
    expect(store.iterationNumbers(run.id)).toEqual([0, 1, 2]);
    expect(store.requireRun(run.id).status).toBe('stopped');

    expect(await makeRunner(run.id, {}, true).start()).toBe('completed');
    expect(store.iterationNumbers(run.id)).toEqual([0, 1, 2, 3, 4]);
    expect(allMetrics(run.id)).toEqual(allMetrics(reference.id));
  });

  it('resume without any checkpoint starts over from the warm-up', async () => {
    const run = store.createRun(config);
    let runner: Runner | null = null;
    runner = makeRunner(run.id, { onStep: (iteration) => void (iteration === 0 && runner!.stop()) });
    expect(await runner.start()).toBe('stopped');
    expect(store.iterationNumbers(run.id)).toEqual([]);
    expect(await makeRunner(run.id, {}, true).start()).toBe('completed');
    expect(store.iterationNumbers(run.id)).toEqual([0, 1, 2, 3, 4]);
  });

  it('marks the run failed with the error text and disposes the session', async () => {
    const run = store.createRun(config);
    const disposed = FakeSession.disposed;
    expect(await makeRunner(run.id, { failAt: 2 }).start()).toBe('failed');
    const summary = store.requireRun(run.id);
    expect(summary.status).toBe('failed');
    expect(summary.error).toBe('fake failure at iteration 2');
    expect(store.iterationNumbers(run.id)).toEqual([0, 1]);
    expect(FakeSession.disposed).toBe(disposed + 1);
  });
});
