/**
 * Monitors of a class stream under concept shift, from the online accuracy (each training example classified
 * before the update that learns from it, the paper's training accuracy): the accuracy over the `window` examples
 * just before each shift and over the `window` examples just after it, and the minibatches until the shift is
 * recovered: until the accuracy over the last `window` examples, all read after the shift, is back to `fraction` of
 * the accuracy before it (so window / batch size minibatches is the least a recovery can take). A shift that the next
 * shift (or the end of the run) interrupts before it recovers counts as unrecovered. The state is plain data, kept in
 * the checkpoint.
 */

export interface OpenShift {
  before: number;
  /** Minibatches read since the shift. */
  batches: number;
  /** Correct flags of the examples read since the shift, up to the window. */
  firstWindow: number[];
  afterReported: boolean;
}

export interface ShiftMonitorState {
  /** Correct flags of the most recent examples (at most `window`), oldest first. */
  recent: number[];
  /** Examples read since the latest shift. */
  sinceShift: number;
  open: OpenShift[];
}

/** What one iteration saw: means and counts of the shift events it closed. */
export interface ShiftEvents {
  shifts: number;
  before: number[];
  after: number[];
  recoverySteps: number[];
  unrecovered: number;
}

export function emptyShiftEvents(): ShiftEvents {
  return { shifts: 0, before: [], after: [], recoverySteps: [], unrecovered: 0 };
}

export class ShiftMonitor {
  private state: ShiftMonitorState = { recent: [], sinceShift: 0, open: [] };

  constructor(
    private readonly window: number,
    private readonly fraction: number,
  ) {}

  /** Records a minibatch's correct flags, then the shift that followed it (if any), into `events`. */
  afterBatch(correct: ArrayLike<boolean>, shifted: boolean, events: ShiftEvents): void {
    const s = this.state;
    for (let i = 0; i < correct.length; i++) {
      s.recent.push(correct[i] ? 1 : 0);
      for (const o of s.open) if (o.firstWindow.length < this.window) o.firstWindow.push(correct[i] ? 1 : 0);
    }
    if (s.recent.length > this.window) s.recent.splice(0, s.recent.length - this.window);
    s.sinceShift += correct.length;
    for (const o of s.open) {
      o.batches += 1;
      if (!o.afterReported && o.firstWindow.length >= this.window) {
        events.after.push(mean(o.firstWindow));
        o.afterReported = true;
      }
    }
    // Recovered: a full window read since the shift, back to the fraction of the accuracy before it.
    const recovered = s.sinceShift >= this.window && mean(s.recent) >= this.fraction * (s.open[0]?.before ?? 0);
    if (recovered && s.open.length > 0) {
      for (const o of s.open) events.recoverySteps.push(o.batches);
      s.open = [];
    }
    if (shifted) {
      // A shift still open when the next one comes was never recovered; its after-window ends here.
      for (const o of s.open) {
        if (!o.afterReported && o.firstWindow.length > 0) events.after.push(mean(o.firstWindow));
        events.unrecovered += 1;
      }
      const before = s.recent.length > 0 ? mean(s.recent) : 0;
      events.shifts += 1;
      events.before.push(before);
      s.open = [{ before, batches: 0, firstWindow: [], afterReported: false }];
      s.sinceShift = 0;
    }
  }

  getState(): ShiftMonitorState {
    return structuredClone(this.state);
  }

  setState(state: ShiftMonitorState): void {
    if (!state || !Array.isArray(state.recent) || !Array.isArray(state.open)) throw new Error('shift monitor state is malformed');
    this.state = structuredClone(state);
  }
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
