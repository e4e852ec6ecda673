import { describe, expect, it } from 'vitest';
import {
  canContinueFromCheckpoint,
  FINISHED_STATUSES,
  isCompleted,
  isFinished,
  isLive,
  isPausable,
  isResumable,
  isStoppable,
  LIVE_STATUSES,
  RunStatus,
  type RunStatus as Status,
} from './run';

const all = RunStatus.options;
const where = (rule: (status: Status) => boolean): Status[] => all.filter(rule);

describe('the run-status rules', () => {
  it('live: held by an engine (its owner is recorded, and a gone owner makes it interrupted)', () => {
    expect(where(isLive)).toEqual(['running', 'paused', 'waiting', 'stopping']);
    expect([...LIVE_STATUSES]).toEqual(where(isLive));
  });

  it('finished: every status that is not live, and no other', () => {
    expect(where(isFinished)).toEqual(['stopped', 'completed', 'failed', 'interrupted']);
    expect([...FINISHED_STATUSES].sort()).toEqual(where(isFinished).sort());
    for (const status of all) expect(isFinished(status), status).toBe(!isLive(status));
  });

  it('completed: only a run that did all its iterations', () => {
    expect(where(isCompleted)).toEqual(['completed']);
  });

  it('pausable: only a running run', () => {
    expect(where(isPausable)).toEqual(['running']);
  });

  it('stoppable: a live run that is not already stopping', () => {
    expect(where(isStoppable)).toEqual(['running', 'paused', 'waiting']);
  });

  it('resumable: paused, or ended short of completion', () => {
    expect(where(isResumable)).toEqual(['paused', 'stopped', 'failed', 'interrupted']);
  });

  it('continued from its checkpoint by the engine: anything but a completed run', () => {
    expect(where(canContinueFromCheckpoint)).toEqual(all.filter((s) => s !== 'completed'));
  });
});
