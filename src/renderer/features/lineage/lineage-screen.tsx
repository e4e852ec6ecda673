import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { ArchiveView } from '../../../shared/archive';
import { isTextTask } from '../../../shared/config';
import { ErrorBox } from '../../components/error-box';
import { ErrorBoundary } from '../../components/error-boundary';
import { ProgressBar } from '../../components/progress-bar';
import { StatusBadge } from '../../components/status-badge';
import { formatNumber } from '../../lib/format';
import { openNewRunWith } from '../../lib/new-run-intent';
import { useEscape } from '../../lib/use-escape';
import { LineageDetail } from './lineage-detail';
import { branchConfig, lineageActions, lineageStore, selectCounts, selectParentOf, selectSelectedNode } from './lineage-store';
import { LineageLegend, LineageTree } from './lineage-tree';
import './lineage.css';

const STRATEGY_WORDS: Record<ArchiveView['strategy'], string> = {
  dgm: 'Darwin Gödel Machine',
  hgm: 'Huxley-Gödel Machine',
  'no-darwin': 'no Darwin (always the latest agent)',
  'no-selfimprove': 'no self-improvement (fixed modifier)',
};

/** Nodes made and kept per generation as a small bar table. */
function Growth({ generations }: { generations: ArchiveView['generations'] }) {
  const most = Math.max(1, ...generations.map((g) => g.made));
  return (
    <table className="growth" data-testid="lineage-growth">
      <thead>
        <tr>
          <th>gen</th>
          <th>made</th>
          <th>kept</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {generations.map((g) => (
          <tr key={g.generation}>
            <td>{g.generation}</td>
            <td className="num">{g.made}</td>
            <td className="num">{g.kept}</td>
            <td className="bar-cell">
              <span className="bar made" style={{ width: `${(g.made / most) * 100}%` }} />
              <span className="bar kept" style={{ width: `${(g.kept / most) * 100}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function openBranch(): void {
  const s = lineageStore.getState();
  const node = selectSelectedNode(s);
  if (!s.run || !node) return;
  openNewRunWith(branchConfig(s.run, node.id));
}

export function LineageScreen({ runId }: { runId: string }) {
  const s = useStore(lineageStore);
  useEffect(() => {
    void lineageActions.open(runId);
    return () => lineageActions.close();
  }, [runId]);
  const selected = selectSelectedNode(s);
  useEscape(selected !== null, () => void lineageActions.select(null));
  const counts = selectCounts(s);
  const view = s.runId === runId ? s.view : null;
  const run = s.runId === runId ? s.run : null;
  const runLink = `#/runs/${encodeURIComponent(runId)}`;

  if (s.error && !view) {
    return (
      <ErrorBox
        title="The lineage could not be loaded."
        message={s.error}
        hint="Only open-ended runs (config.archive.enabled) have a lineage; open the run itself from the Runs screen."
      />
    );
  }
  return (
    <div className="lineage-screen">
      <header className="screen-head lineage-head">
        <div>
          <h1>Lineage · {run?.name ?? runId}</h1>
          <div className="muted small">
            <a href={runLink}>Run</a> · <a href={`${runLink}/trajectories`}>Trajectories</a>
            {run?.archive?.comparison && (
              <>
                {' '}
                · <a href={`#/compare?group=${encodeURIComponent(run.archive.comparison)}`}>Comparison {run.archive.comparison}</a>
              </>
            )}
          </div>
        </div>
        {run && <StatusBadge status={run.status} testId="lineage-run-status" />}
        {view && (
          <div className="lineage-stats">
            <span title={view.strategy} data-testid="lineage-strategy">
              <b>{view.strategy}</b>{' '}
              <span className="muted">
                {STRATEGY_WORDS[view.strategy]} · {view.selection}
              </span>
            </span>
            <div className="budget" data-testid="lineage-budget">
              <ProgressBar
                done={view.budget.used}
                total={view.budget.total}
                label={`budget ${formatNumber(view.budget.used)} / ${formatNumber(view.budget.total)} units`}
              />
            </div>
            <span data-testid="lineage-size">
              size <b>{counts.size}</b>
            </span>
            <span>
              kept <b>{counts.kept}</b>
            </span>
            <span>
              steps <b>{view.steps}</b>
            </span>
            {counts.pending > 0 && <a href={`#/approvals?run=${encodeURIComponent(runId)}`}>{counts.pending} pending</a>}
            <span className={counts.mismatches ? 'warn-text' : 'muted'}>
              mismatches <b>{counts.mismatches}</b>
            </span>
          </div>
        )}
      </header>
      {s.error && (
        <ErrorBox title="The lineage did not refresh." message={s.error} hint="It shows the last state read; it refreshes with the run's next iteration." />
      )}
      {!view && s.loading && <p className="empty">Loading the archive…</p>}
      {view && (
        <div className={`lineage-body${selected ? ' with-detail' : ''}`}>
          <div className="lineage-main">
            <section className="panel">
              <LineageLegend />
              {view.nodes.length === 0 ? (
                <p className="empty">The archive is empty until the warm-up agent, the root, has been evaluated. Nodes appear here as the run makes them.</p>
              ) : (
                <ErrorBoundary label="The lineage tree">
                  <LineageTree nodes={view.nodes} bestNodeId={view.bestNodeId} selectedId={s.selectedId} onSelect={(id) => void lineageActions.select(id)} />
                </ErrorBoundary>
              )}
              {view.nodes.length > 0 && !selected && (
                <p className="muted small">
                  Click a node to see its genome diff against its parent, its evidence and its trajectories, or to branch a new run from it.
                </p>
              )}
            </section>
            <section className="panel growth-panel">
              <h2>Growth per generation</h2>
              <Growth generations={view.generations} />
            </section>
          </div>
          {selected && (
            <LineageDetail
              runId={runId}
              node={selected}
              parent={selectParentOf(s, selected)}
              best={selected.id === view.bestNodeId}
              detail={s.detail}
              canBranch={run !== null && selected.status !== 'evaluating' && isTextTask(run.config.task)}
              branchHint={
                run !== null && !isTextTask(run.config.task)
                  ? 'Branches start from a text-task agent only; this archive is of game agents'
                  : 'Only an evaluated node can be branched from'
              }
              onBranch={openBranch}
              onClose={() => void lineageActions.select(null)}
            />
          )}
        </div>
      )}
    </div>
  );
}
