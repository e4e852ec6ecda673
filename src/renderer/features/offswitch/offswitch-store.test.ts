import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_GRID, incentive } from '../../../shared/offswitch';
import { EXAMPLE_DECISIONS } from '../../../shared/offswitch-belief';
import { offswitchActions, offswitchStore, selectGridIssue, selectLatest, selectMarker, switchesOf } from './offswitch-store';

const state = () => offswitchStore().getState();

beforeEach(() => offswitchActions.reset());

describe('the Off-switch page state', () => {
  it('opens on the default grid and the example decisions', () => {
    expect(state().grid.sigmas).toHaveLength(DEFAULT_GRID.sigma.steps);
    expect(state().grid.betas).toHaveLength(DEFAULT_GRID.beta.steps);
    expect(state().grid.values[5][10]).toBeCloseTo(incentive(DEFAULT_GRID.mu, 1, 0.5), 8);
    expect(state().decisions).toEqual(EXAMPLE_DECISIONS);
    expect(state().trace).toHaveLength(EXAMPLE_DECISIONS.length + 1);
  });

  it('recomputes the grid when a field changes, and keeps the last valid grid while a field is wrong', () => {
    offswitchActions.setGridField('mu', '-1');
    expect(state().grid.mu).toBe(-1);
    for (const p of state().grid.boundary.filter((q) => q.sigma >= 0.5)) expect(p.beta).toBeCloseTo((p.sigma * p.sigma) / 2, 6);
    offswitchActions.setGridField('sigma.steps', '11');
    expect(state().grid.sigmas).toHaveLength(11);
    const before = state().grid;
    offswitchActions.setGridField('sigma.to', '');
    expect(selectGridIssue('sigma.to')(state())).toMatch(/must be a number from 0 to 1000/);
    expect(state().grid).toBe(before);
    offswitchActions.setGridField('sigma.to', '2');
    expect(state().gridIssues).toEqual([]);
    expect(state().grid.sigmas.at(-1)).toBe(2);
    offswitchActions.resetGrid();
    expect(state().grid.mu).toBe(DEFAULT_GRID.mu);
  });

  it('appends, removes and undoes decisions, and says after which the robot changed its mind', () => {
    offswitchActions.clear();
    expect(state().trace).toHaveLength(1);
    expect(selectLatest(state())!.choice).toBe('wait');
    offswitchActions.decide('approve');
    offswitchActions.decide('approve');
    expect(selectLatest(state())!.choice).toBe('act');
    expect(switchesOf(state().trace)).toEqual([2]);
    offswitchActions.decide('reject');
    expect(selectLatest(state())!.choice).toBe('wait');
    expect(switchesOf(state().trace)).toEqual([2, 3]);
    offswitchActions.remove(0);
    expect(state().decisions).toEqual(['approve', 'reject']);
    offswitchActions.undo();
    expect(state().decisions).toEqual(['approve']);
    const version = state().traceVersion;
    offswitchActions.decide('reject');
    expect(state().traceVersion).toBe(version + 1);
  });

  it("puts the robot's latest belief on the map, at the map's mu, until the map's mu changes", () => {
    offswitchActions.showOnMap();
    const latest = selectLatest(state())!;
    expect(state().grid.mu).toBeCloseTo(latest.belief.mu, 3);
    expect(selectMarker(state())).toMatchObject({ sigma: latest.belief.sigma, beta: 0.5, step: latest.step });
    offswitchActions.setGridField('mu', '2');
    expect(selectMarker(state())).toBeNull();
  });

  it('names a wrong learning field and keeps the last valid trace', () => {
    const before = state().trace;
    offswitchActions.setLearnField('beta', '0');
    expect(state().learnError).toMatchObject({ field: 'beta', message: expect.stringMatching(/above 0/) });
    expect(state().trace).toBe(before);
    offswitchActions.setLearnField('beta', '2');
    expect(state().learnError).toBeNull();
    expect(state().trace).not.toBe(before);
    offswitchActions.setLearnField('prior.sigma', '-1');
    expect(state().learnError?.field).toBe('prior.sigma');
  });
});
