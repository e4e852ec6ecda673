import { describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../shared/run';

vi.mock('electron', () => ({ default: {}, Menu: {}, globalShortcut: {} }));
const { createOffSwitchActions, menuTemplate, OFF_SWITCH_ACCELERATORS } = await import('./menu');

function run(id: string, status: RunSummary['status'], updatedAt: string): RunSummary {
  return {
    id,
    name: null,
    preset: null,
    recipe: 'star',
    status,
    seed: 1,
    backend: 'cpu',
    iterationsDone: 0,
    iterationsTotal: 1,
    bestScore: null,
    createdAt: updatedAt,
    updatedAt,
    error: null,
    archive: null,
  };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('the off-switch menu', () => {
  it('has Pause, Resume, Stop and Kill engine with their accelerators', () => {
    const runMenu = menuTemplate({ pause() {}, resume() {}, stop() {}, kill() {} }, 'linux').find((m) => m.label === 'Run');
    const items = (runMenu?.submenu as { label?: string; accelerator?: string }[]).filter((i) => i.label);
    expect(items.map((i) => [i.label, i.accelerator])).toEqual([
      ['Pause', OFF_SWITCH_ACCELERATORS.pause],
      ['Resume', OFF_SWITCH_ACCELERATORS.resume],
      ['Stop', OFF_SWITCH_ACCELERATORS.stop],
      ['Kill engine', OFF_SWITCH_ACCELERATORS.kill],
    ]);
  });

  it('pauses the running run, resumes the most recent paused one, and says when there is none', async () => {
    const runs = [run('old', 'paused', '2025-01-01T00:00:00Z'), run('live', 'running', '2025-01-03T00:00:00Z'), run('new', 'paused', '2025-01-02T00:00:00Z')];
    const call = vi.fn(async (name: string) => (name === 'runs.list' ? runs : { status: 'paused' }));
    const report = vi.fn();
    const actions = createOffSwitchActions(call, async () => ({ killed: true }), report);
    actions.pause();
    await settle();
    expect(call).toHaveBeenLastCalledWith('runs.pause', { runId: 'live' });
    actions.resume();
    await settle();
    expect(call).toHaveBeenLastCalledWith('runs.resume', { runId: 'new' });
    runs.splice(0);
    actions.stop();
    await settle();
    expect(report).toHaveBeenCalledWith(expect.stringContaining('No run to stop'));
  });
});
