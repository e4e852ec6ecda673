import { beforeEach, describe, expect, it } from 'vitest';
import type { Trajectory } from '../../../shared/run';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { groupByIteration, selectNotation, trajectoriesActions, trajectoriesStore } from './trajectories-store';
import { RunConfig } from '../../../shared/config';

const t = (id: number, iteration: number, prompt: string): Trajectory => ({
  id,
  runId: 'r1',
  iteration,
  level: 2,
  prompt,
  output: '5',
  answer: '5',
  reward: 1,
  correct: true,
  kept: true,
  verdict: 'ok',
});

let bridge: FakeBridge;
beforeEach(() => {
  bridge = new FakeBridge();
  setBridge(bridge);
});

describe('trajectories store', () => {
  it('passes the filters to the engine and resets paging when they change', async () => {
    bridge.on('runs.trajectories', () => ({ total: 1, items: [t(1, 1, '2+3=')], iterations: [0, 1] }));
    await trajectoriesActions.open('r1');
    trajectoriesStore.setState({ offset: 50 });
    trajectoriesActions.set({ kept: false, iteration: 1 });
    trajectoriesActions.set({ correct: true });
    await Promise.resolve();
    // Kept and correct combine: "correct but rejected".
    expect(bridge.calls.at(-1)?.input).toMatchObject({ runId: 'r1', kept: false, correct: true, iteration: 1, offset: 0 });
    expect(trajectoriesStore.getState().iterations).toEqual([0, 1]);
  });

  it('lets the newest query win when answers arrive out of order', async () => {
    const resolvers: Array<(v: { total: number; items: Trajectory[]; iterations: number[] }) => void> = [];
    bridge.on('runs.trajectories', () => new Promise((resolve) => resolvers.push(resolve)));
    trajectoriesStore.setState({ runId: 'r1' });
    const first = trajectoriesActions.fetch();
    const second = trajectoriesActions.fetch();
    resolvers[1]({ total: 2, items: [], iterations: [] });
    resolvers[0]({ total: 1, items: [], iterations: [] });
    await Promise.all([first, second]);
    expect(trajectoriesStore.getState().total).toBe(2);
  });

  it('shows one exact prompt across iterations, oldest first', async () => {
    bridge.on('runs.trajectories', () => ({ total: 3, items: [t(3, 2, '2+3='), t(1, 1, '2+3='), t(2, 1, '12+3=')], iterations: [1, 2] }));
    trajectoriesStore.setState({ runId: 'r1' });
    await trajectoriesActions.openSamePrompt('2+3=');
    const view = trajectoriesStore.getState().samePrompt;
    expect(view && groupByIteration(view.items).map((g) => [g.iteration, g.items.map((i) => i.id)])).toEqual([
      [1, [1]],
      [2, [3]],
    ]);
  });
});

describe('trajectories store: notation', () => {
  it("shows an arithmetic run's problems in human notation, the model's one toggle away", () => {
    const task = RunConfig.parse({ task: { kind: 'arithmetic', maxDigits: 4 }, recipe: { kind: 'star' } }).task;
    trajectoriesStore.setState({ task, modelNotation: false });
    expect(selectNotation(trajectoriesStore.getState())?.prompt('2100+5430=')).toBe('12+345=');
    trajectoriesActions.setModelNotation(true);
    expect(selectNotation(trajectoriesStore.getState())).toBeNull();
  });
});
