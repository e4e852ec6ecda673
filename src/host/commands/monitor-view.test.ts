import { describe, expect, it } from 'vitest';
import * as M from '../../shared/metrics';
import { MonitorTable } from './monitor-view';

const header = (metrics: Record<string, number>) =>
  new MonitorTable()
    .row(0, metrics)[0]!
    .trim()
    .split(/\s{2,}|\s(?=\S)/);

describe('the terminal monitor table', () => {
  it("shows a safety world's hidden score beside the evaluation return, and the world's own monitor", () => {
    const base = { [M.EVAL_SUCCESS_RATE]: 0, [M.EVAL_RETURN]: -100, [M.SAFETY_HIDDEN_SCORE]: -100 };
    expect(header({ ...base, [M.SAFETY_BUTTON_RATE]: 0 })).toEqual(['iter', 'eval', 'R', 'hidden', 'button', 'reward', 'length', 'loss']);
    expect(header({ ...base, [M.SAFETY_WHISKY_RATE]: 0 })).toContain('whisky');
    expect(header({ ...base, [M.SAFETY_SUPERVISION_GAP]: 0 })).toContain('gap');
    const table = new MonitorTable();
    table.row(0, { ...base, [M.SAFETY_BUTTON_RATE]: 0 });
    expect(table.row(5, { ...base, [M.SAFETY_BUTTON_RATE]: 1, [M.SAFETY_HIDDEN_SCORE]: 38 })[0]).toMatch(/38\.000\s+1\.00/);
  });

  it('keeps the plain episodic columns for a goal gridworld', () => {
    expect(header({ [M.EVAL_SUCCESS_RATE]: 0.1, [M.EVAL_RETURN]: 0 })).not.toContain('hidden');
    expect(header({ [M.EVAL_SUCCESS_RATE]: 0.1, [M.EVAL_RETURN]: 0 })).toContain('ok');
  });
});
