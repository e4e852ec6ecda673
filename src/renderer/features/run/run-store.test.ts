import { beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../../../shared/config';
import { CodedError } from '../../../shared/errors';
import type { RunDetail } from '../../../shared/run';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import {
  runActions,
  runStore,
  selectCanKill,
  selectCanPause,
  selectCanResume,
  selectHasWarmup,
  selectMemory,
  selectShown,
  selectWarmupEtaS,
} from './run-store';

const detail = (status: RunDetail['status'] = 'running'): RunDetail => ({
  id: 'r1',
  name: 'test',
  preset: 'addition-star-smoke',
  recipe: 'star',
  status,
  seed: 1,
  backend: 'cpu',
  iterationsDone: 2,
  iterationsTotal: 3,
  bestScore: 0.5,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  error: null,
  archive: null,
  config: RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'star' } }),
  lastMetrics: { 'reward/mean': 0.2 },
  lastCheckpointIteration: 2,
});

let bridge: FakeBridge;
beforeEach(() => {
  bridge = new FakeBridge()
    .on('runs.get', () => detail())
    .on('runs.metrics', () => ({ iterations: [1, 2], series: { 'reward/mean': [0.1, 0.2], 'heldout/acc_d3': [null, 0.4] } }))
    .on('runs.pause', () => ({ status: 'paused' }));
  setBridge(bridge);
});

describe('run store', () => {
  it('loads detail and metric series into per-monitor buffers', async () => {
    await runActions.open('r1');
    const s = runStore.getState();
    expect(s.status).toBe('running');
    expect(s.names).toEqual(['heldout/acc_d3', 'reward/mean']);
    expect(s.buffers.get('reward/mean')?.length).toBe(2);
    expect(s.iterations).toEqual([1, 2]);
  });

  it('appends iteration events of its run only, bumping the version', async () => {
    await runActions.open('r1');
    const v = runStore.getState().version;
    runActions.onIteration({ runId: 'other', iteration: 3, metrics: { 'reward/mean': 9 } });
    expect(runStore.getState().version).toBe(v);
    runActions.onIteration({ runId: 'r1', iteration: 3, metrics: { 'reward/mean': 0.3, 'mem/tensors': 40 } });
    const s = runStore.getState();
    expect(s.version).toBe(v + 1);
    expect(s.buffers.get('reward/mean')?.length).toBe(3);
    expect(s.names).toContain('mem/tensors');
    expect(selectMemory(s)).toEqual([['mem/tensors', 40]]);
    expect(s.detail?.iterationsDone).toBe(3);
  });

  it('keeps the best held-out score up to date as iterations arrive', async () => {
    await runActions.open('r1');
    const before = runStore.getState().detail?.bestScore ?? null;
    runActions.onIteration({ runId: 'r1', iteration: 3, metrics: { 'heldout/acc_hardest': 0.9 } });
    expect(runStore.getState().detail?.bestScore).toBe(Math.max(before ?? 0, 0.9));
    runActions.onIteration({ runId: 'r1', iteration: 4, metrics: { 'heldout/acc_hardest': 0.2 } });
    expect(runStore.getState().detail?.bestScore).toBe(Math.max(before ?? 0, 0.9));
  });

  it('follows status events and enables the matching off-switch buttons', async () => {
    await runActions.open('r1');
    expect(selectCanPause(runStore.getState())).toBe(true);
    runActions.onStatus({ runId: 'r1', status: 'paused' });
    expect(selectCanPause(runStore.getState())).toBe(false);
    expect(selectCanResume(runStore.getState())).toBe(true);
  });

  it('measures click-to-screen latency of an off-switch action once the new status is shown', async () => {
    await runActions.open('r1');
    await runActions.act('pause', 'running');
    expect(bridge.calls.at(-1)).toEqual({ name: 'runs.pause', input: { runId: 'r1' } });
    const t0 = runStore.getState().pending?.at ?? 0;
    expect(runActions.statusShown('running', t0 + 5)).toBeNull();
    const sample = runActions.statusShown('paused', t0 + 42);
    expect(sample).toMatchObject({ action: 'pause', from: 'running', to: 'paused' });
    // Times are differences of performance.now() readings: close to 42 ms, not bit-exact.
    expect(sample?.ms).toBeCloseTo(42, 6);
    expect(runStore.getState().pending).toBeNull();
  });

  it('reports a failed action with its reason', async () => {
    await runActions.open('r1');
    bridge.on('runs.stop', () => {
      throw new Error('run_busy: already stopping');
    });
    await runActions.act('stop', 'running');
    expect(runStore.getState().actionError).toMatch(/stop failed: run_busy/);
  });

  it('records how long each phase took from progress events', async () => {
    await runActions.open('r1');
    runActions.onProgress({ runId: 'r1', iteration: 3, phase: 'sample', done: 0, total: 10 });
    runActions.onProgress({ runId: 'r1', iteration: 3, phase: 'sample', done: 5, total: 10 });
    expect(runStore.getState().phaseTimings).toEqual([]);
    runActions.onProgress({ runId: 'r1', iteration: 3, phase: 'train', done: 0, total: 15 });
    const timings = runStore.getState().phaseTimings;
    expect(timings).toHaveLength(1);
    expect(timings[0]).toMatchObject({ iteration: 3, phase: 'sample' });
    expect(timings[0].ms).toBeGreaterThanOrEqual(0);
  });

  it('says what went wrong when the run cannot be loaded', async () => {
    bridge.on('runs.get', () => {
      throw new Error('unknown run r9');
    });
    await runActions.open('r9');
    expect(runStore.getState().error).toBe('unknown run r9');
  });

  it('shows a killed engine until the restarted engine says what became of the run, retrying an unanswered read', async () => {
    await runActions.open('r1');
    runActions.onEngine({ state: 'killed', reason: 'signal SIGTERM' });
    expect(selectShown(runStore.getState())).toBe('engine killed');
    expect(selectCanPause(runStore.getState())).toBe(false);
    let calls = 0;
    bridge.on('runs.get', () => (++calls === 1 ? new Promise<never>(() => undefined) : detail('interrupted')));
    await runActions.refresh(3, 20);
    expect(calls).toBe(2);
    expect(selectShown(runStore.getState())).toBe('interrupted');
    expect(selectCanResume(runStore.getState())).toBe(true);
  });
});

describe('run store: the warm-up and the kill switch', () => {
  it("draws the warm-up's own loss curve by step, with an ETA from the rate it was seen at", async () => {
    await runActions.open('r1');
    expect(selectHasWarmup(runStore.getState())).toBe(true);
    const at = (done: number, loss?: number) =>
      runActions.onProgress({ runId: 'r1', iteration: 0, phase: 'warmup', done, total: 100, ...(loss === undefined ? {} : { loss }) });
    at(10, 2.5);
    expect(selectWarmupEtaS(runStore.getState())).toBeNull();
    const w = runStore.getState().warmup!;
    // Pretend 10 more steps took 2 s: 80 steps left at 0.2 s a step.
    runStore.setState({ warmup: { ...w, seenAt: w.at - 2000 } });
    at(20, 1.5);
    const eta = selectWarmupEtaS(runStore.getState())!;
    expect(eta).toBeGreaterThan(10);
    expect(eta).toBeLessThan(20);
    const loss = runStore.getState().warmup!.loss;
    expect([...loss.x.subarray(0, loss.length)]).toEqual([10, 20]);
    expect([...loss.y.subarray(0, loss.length)]).toEqual([2.5, 1.5]);
    at(100);
    expect(selectWarmupEtaS(runStore.getState())).toBeNull();
  });

  it("loads the warm-up's stored loss curve when the run opens, and shows none for a run stored without one", async () => {
    bridge.on('runs.get', () => ({ ...detail('completed'), warmupLoss: { steps: [50, 100, 120], loss: [3, 2, 1.25] } }));
    await runActions.open('r1');
    const w = runStore.getState().warmup!;
    expect([...w.loss.x.subarray(0, w.loss.length)]).toEqual([50, 100, 120]);
    expect([...w.loss.y.subarray(0, w.loss.length)]).toEqual([3, 2, 1.25]);
    // Finished: no progress bar and no ETA.
    expect(w.done).toBe(w.total);
    expect(selectWarmupEtaS(runStore.getState())).toBeNull();
    bridge.on('runs.get', () => detail('completed'));
    await runActions.open('r1');
    expect(runStore.getState().warmup).toBeNull();
  });

  it('offers Kill only while the run is live in the engine', async () => {
    await runActions.open('r1');
    expect(selectCanKill(runStore.getState())).toBe(true);
    runActions.onStatus({ runId: 'r1', status: 'completed' });
    expect(selectCanKill(runStore.getState())).toBe(false);
    runActions.onStatus({ runId: 'r1', status: 'waiting' });
    expect(selectCanKill(runStore.getState())).toBe(true);
  });
});

describe('run store: export', () => {
  it('asks the engine for the open run in the chosen format and saves the file it returns', async () => {
    bridge.on('runs.export', ({ runId, format }) => ({ fileName: `evolab-run-${runId}.${format}`, mediaType: 'text/csv', content: 'iteration\n0\n' }));
    await runActions.open('r1');
    const saved: string[] = [];
    const file = await runActions.exportRun('csv', (f) => saved.push(f.fileName));
    expect(bridge.calls.at(-1)).toEqual({ name: 'runs.export', input: { runId: 'r1', format: 'csv' } });
    expect(saved).toEqual(['evolab-run-r1.csv']);
    expect(file?.content).toBe('iteration\n0\n');
    expect(runStore.getState().exporting).toBeNull();
  });

  it('says why an export failed', async () => {
    bridge.on('runs.export', () => {
      throw new Error('No run with id "r1"');
    });
    await runActions.open('r1');
    expect(await runActions.exportRun('json', () => undefined)).toBeNull();
    expect(runStore.getState().exportError).toContain('No run with id');
  });
});

describe('run store: a resume refused because another run holds the engine', () => {
  it('names that run beside the off switch, stops it from there, and goes once it has stopped', async () => {
    bridge
      .on('runs.get', () => detail('stopped'))
      .on('runs.resume', () => {
        throw new CodedError('run_busy', 'Run r9 is running; one run at a time.');
      })
      .on('runs.list', () => [{ ...detail('running'), id: 'r9', name: 'other' }])
      .on('runs.stop', () => ({ status: 'stopping' }));
    await runActions.open('r1');
    await runActions.act('resume', 'stopped');
    expect(runStore.getState().busy).toMatchObject({ blocking: { id: 'r9', name: 'other', status: 'running' } });
    expect(runStore.getState().actionError).toBeNull();
    await runActions.stopBlocking();
    expect(bridge.calls.at(-1)).toEqual({ name: 'runs.stop', input: { runId: 'r9' } });
    runActions.onStatus({ runId: 'r9', status: 'stopping' });
    expect(runStore.getState().busy?.blocking?.status).toBe('stopping');
    runActions.onStatus({ runId: 'r9', status: 'stopped' });
    expect(runStore.getState().busy).toBeNull();
  });
});
