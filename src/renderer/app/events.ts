import type { Bridge } from '../../shared/contract';
import { runActions } from '../features/run/run-store';
import { runsActions } from '../features/runs/runs-store';

/** One subscription per event for the whole app; stores filter by run id themselves. */
export function wireEvents(bridge: Bridge): () => void {
  const offs = [
    bridge.subscribe('run.status', (p) => {
      runActions.onStatus(p);
      runsActions.onStatus(p);
    }),
    bridge.subscribe('run.iteration', (p) => {
      runActions.onIteration(p);
      runsActions.onIteration(p);
    }),
    bridge.subscribe('run.progress', (p) => runActions.onProgress(p)),
    bridge.subscribe('engine.status', (p) => {
      // A restarted engine has marked the runs it held interrupted; the stores re-read them.
      runActions.onEngine(p);
      if (p.state === 'ready') void runsActions.load();
    }),
  ];
  return () => offs.forEach((off) => off());
}
