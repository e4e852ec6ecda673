import type { Bridge } from '../../shared/contract';
import { approvalsActions } from '../features/approvals/approvals-store';
import { auditActions } from '../features/audit/audit-store';
import { compareActions } from '../features/compare/compare-store';
import { lineageActions } from '../features/lineage/lineage-store';
import { newRunActions } from '../features/new-run/new-run-store';
import { oversightActions } from '../features/run/oversight-store';
import { rateActions } from '../features/rate/rate-store';
import { runActions } from '../features/run/run-store';
import { runsActions } from '../features/runs/runs-store';

/** One subscription per event for the whole app; stores filter by run id themselves. */
export function wireEvents(bridge: Bridge): () => void {
  const offs = [
    bridge.subscribe('run.status', (p) => {
      runActions.onStatus(p);
      runsActions.onStatus(p);
      approvalsActions.onRunStatus(p);
      oversightActions.onRunEvent(p);
      lineageActions.onRunEvent(p);
      compareActions.onRunEvent(p);
      newRunActions.onStatus(p);
      rateActions.onRunEvent(p);
    }),
    bridge.subscribe('run.iteration', (p) => {
      runActions.onIteration(p);
      runsActions.onIteration(p);
      lineageActions.onRunEvent(p);
      compareActions.onRunEvent(p);
      rateActions.onRunEvent(p);
    }),
    bridge.subscribe('rating.requested', (p) => rateActions.onRating(p)),
    bridge.subscribe('rating.chosen', (p) => rateActions.onRating(p)),
    bridge.subscribe('archive.node', (p) => lineageActions.onNode(p)),
    bridge.subscribe('run.progress', (p) => runActions.onProgress(p)),
    ...(['proposal.created', 'proposal.decided'] as const).map((name) =>
      bridge.subscribe(name, (p) => {
        approvalsActions.onProposal(p);
        auditActions.onProposal(p);
        oversightActions.onRunEvent(p);
        if (name === 'proposal.decided') lineageActions.onRunEvent(p);
      }),
    ),
    bridge.subscribe('engine.status', (p) => {
      // A restarted engine has marked the runs it held interrupted; the stores re-read them.
      runActions.onEngine(p);
      if (p.state === 'ready') {
        void runsActions.load();
        void approvalsActions.refresh();
        void rateActions.load();
      }
    }),
  ];
  return () => offs.forEach((off) => off());
}
