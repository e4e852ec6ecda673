import { beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../shared/run';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { runsActions, runsStore, selectCompareHash, selectVisibleRuns } from './runs-store';

const run = (id: string, patch: Partial<RunSummary> = {}): RunSummary => ({
  id,
  name: `run ${id}`,
  preset: 'addition-grpo-smoke',
  recipe: 'grpo',
  status: 'completed',
  seed: 1,
  backend: 'cpu',
  iterationsDone: 3,
  iterationsTotal: 3,
  bestScore: null,
  createdAt: `2025-01-0${id}T00:00:00Z`,
  updatedAt: '',
  error: null,
  archive: null,
  ...patch,
});

let bridge: FakeBridge;
beforeEach(async () => {
  bridge = new FakeBridge()
    .on('runs.list', () => [run('1'), run('2', { status: 'running', recipe: 'star', preset: 'addition-star-smoke' })])
    .on('runs.delete', () => ({ deleted: true }));
  setBridge(bridge);
  runsStore.setState({ text: '', status: 'all', runs: [], loaded: false });
  await runsActions.load();
});

describe('runs store', () => {
  it('lists newest first and filters by text and status', () => {
    expect(selectVisibleRuns(runsStore.getState()).map((r) => r.id)).toEqual(['2', '1']);
    runsActions.setText('STAR');
    expect(selectVisibleRuns(runsStore.getState()).map((r) => r.id)).toEqual(['2']);
    runsActions.setText('');
    runsActions.setStatus('completed');
    expect(selectVisibleRuns(runsStore.getState()).map((r) => r.id)).toEqual(['1']);
  });

  it('deletes only after confirmation', async () => {
    runsActions.askDelete('1');
    expect(bridge.calls.some((c) => c.name === 'runs.delete')).toBe(false);
    await runsActions.confirmDelete('1');
    expect(bridge.calls.at(-1)).toEqual({ name: 'runs.delete', input: { runId: '1' } });
    expect(runsStore.getState().runs.map((r) => r.id)).toEqual(['2']);
    expect(runsStore.getState().confirming).toBeNull();
  });

  it('updates a row on status and iteration events, and reloads for an unknown run', async () => {
    runsActions.onStatus({ runId: '2', status: 'paused' });
    runsActions.onIteration({ runId: '1', iteration: 5, metrics: {} });
    const byId = new Map(runsStore.getState().runs.map((r) => [r.id, r]));
    expect(byId.get('2')?.status).toBe('paused');
    expect(byId.get('1')?.iterationsDone).toBe(5);
    const before = bridge.calls.length;
    runsActions.onStatus({ runId: '3', status: 'running' });
    expect(bridge.calls.slice(before).map((c) => c.name)).toEqual(['runs.list']);
  });
});

describe('runs list: sorting', () => {
  const run = (id: string, over: Partial<RunSummary>): RunSummary => ({
    id,
    name: null,
    preset: 'addition-star-smoke',
    recipe: 'star',
    status: 'completed',
    seed: 1,
    backend: 'wasm',
    iterationsDone: 3,
    iterationsTotal: 3,
    bestScore: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    error: null,
    archive: null,
    ...over,
  });

  it('sorts by any column, the same column again reversing it, runs without a value last', () => {
    runsStore.setState({
      runs: [
        run('r1', { seed: 7, bestScore: 0.2, createdAt: '2026-01-01T00:00:00Z' }),
        run('r2', { seed: 2, bestScore: null, createdAt: '2026-01-03T00:00:00Z' }),
        run('r10', { seed: 3, bestScore: 0.9, createdAt: '2026-01-02T00:00:00Z' }),
      ],
      text: '',
      status: 'all',
      sort: { key: 'createdAt', dir: 'desc' },
    });
    const ids = () => selectVisibleRuns(runsStore.getState()).map((r) => r.id);
    expect(ids()).toEqual(['r2', 'r10', 'r1']);
    runsActions.sortBy('seed');
    expect(ids()).toEqual(['r1', 'r10', 'r2']);
    runsActions.sortBy('seed');
    expect(ids()).toEqual(['r2', 'r10', 'r1']);
    runsActions.sortBy('bestScore');
    expect(ids()).toEqual(['r10', 'r1', 'r2']);
    runsActions.sortBy('bestScore');
    expect(ids()).toEqual(['r1', 'r10', 'r2']);
    // Ids compare as people read them: r2 before r10.
    runsActions.sortBy('id');
    expect(ids()).toEqual(['r1', 'r2', 'r10']);
  });
});

describe('runs list: picking runs to compare', () => {
  it('opens Compare on two or more ticked runs that are still listed', () => {
    runsStore.setState({ runs: [run('a'), run('b'), run('c')], picked: [] });
    runsActions.togglePick('a');
    expect(selectCompareHash(runsStore.getState())).toBeNull();
    runsActions.togglePick('c');
    expect(selectCompareHash(runsStore.getState())).toBe('#/compare?runs=a,c');
    runsActions.togglePick('a');
    expect(selectCompareHash(runsStore.getState())).toBeNull();
    runsStore.setState({ picked: ['c', 'gone', 'b'] });
    expect(selectCompareHash(runsStore.getState())).toBe('#/compare?runs=c,b');
  });
});
