/** The shift monitors on a hand-worked stream: window 4, minibatches of 2, recovered at the accuracy before the shift. */
import { describe, expect, it } from 'vitest';
import { emptyShiftEvents, ShiftMonitor } from './shift';

describe('shift monitor', () => {
  it('measures the accuracy before and after a shift and the minibatches to recover; an interrupted shift is unrecovered', () => {
    const monitor = new ShiftMonitor(4, 1);
    const events = emptyShiftEvents();
    const batch = (flags: number[], shifted = false) => monitor.afterBatch(flags.map(Boolean), shifted, events);
    batch([1, 1]);
    batch([1, 0], true); // the last 4: 1 1 1 0 -> 0.75 before the shift
    expect(events).toMatchObject({ shifts: 1, before: [0.75], after: [], recoverySteps: [] });
    batch([0, 0]);
    batch([1, 1]); // the first 4 after it: 0 0 1 1 -> 0.5; the last 4 (0.5) are below 0.75
    expect(events.after).toEqual([0.5]);
    expect(events.recoverySteps).toEqual([]);
    // Restored from its state, it goes on exactly.
    const copy = new ShiftMonitor(4, 1);
    copy.setState(monitor.getState());
    batch([1, 1]); // the last 4: 1 1 1 1 >= 0.75: recovered after 3 minibatches
    expect(events.recoverySteps).toEqual([3]);
    const other = emptyShiftEvents();
    copy.afterBatch([true, true], false, other);
    expect(other.recoverySteps).toEqual([3]);
    batch([1, 1], true); // before: 1
    batch([0, 0], true); // the next shift comes first: unrecovered, its partial after-window 0; before: 1 1 0 0 -> 0.5
    expect(events).toMatchObject({ shifts: 3, before: [0.75, 1, 0.5], after: [0.5, 0], recoverySteps: [3], unrecovered: 1 });
  });
});
