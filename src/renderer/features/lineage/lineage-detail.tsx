import type { ArchiveNode } from '../../../shared/archive';
import { ErrorBox } from '../../components/error-box';
import { StatusBadge } from '../../components/status-badge';
import { formatDate } from '../../lib/format';
import { formatEstimate } from '../../lib/proposal-format';
import { DiffTable } from '../../components/diff-table';
import { EvidenceView } from '../../components/evidence-view';
import { CMP_MEANING, formatCmp, formatScore, mismatchText, statusBadge } from './lineage-layout';
import type { NodeDetail } from './lineage-store';

interface Props {
  runId: string;
  node: ArchiveNode;
  parent: ArchiveNode | null;
  best: boolean;
  detail: NodeDetail | null;
  canBranch: boolean;
  /** Why the branch button is disabled, when it is. */
  branchHint: string;
  onBranch: () => void;
  onClose: () => void;
}

/** The selected node: what made it, the verdict, its scores, its diff against its parent, evidence and samples. */
export function LineageDetail({ runId, node, parent, best, detail, canBranch, branchHint, onBranch, onClose }: Props) {
  const badge = statusBadge(node);
  const loaded = detail?.nodeId === node.id ? detail : null;
  const evaluations = node.successes + node.failures;
  return (
    <aside className="panel lineage-detail" data-testid="lineage-detail" data-node-id={node.id}>
      <header className="panel-head">
        <h2>
          Node <code>{node.id}</code> {best && <span className="chip kept">best</span>}{' '}
          {node.mismatch && (
            <span className="chip warn" data-testid="detail-mismatch">
              mismatch
            </span>
          )}
        </h2>
        <button type="button" className="subtle" onClick={onClose} aria-label="Close the node's detail">
          ✕
        </button>
      </header>
      <p className="muted small">
        generation {node.generation} · step {node.step} · parent {parent ? <code>{parent.id}</code> : '—'} · {formatDate(node.createdAt)}
      </p>
      <table className="kv">
        <tbody>
          <tr>
            <th>kind</th>
            <td>
              <span className="chip">{node.kind}</span>
            </td>
          </tr>
          <tr>
            <th>status</th>
            <td>
              <span className={`chip tone-${badge.tone}`} title={badge.title} data-testid="detail-status">
                {node.status}
                {node.rejectedBy ? ` by ${node.rejectedBy}` : ''}
              </span>
            </td>
          </tr>
          <tr>
            <th>own score</th>
            <td data-testid="detail-score">
              {formatScore(node.score)}{' '}
              <span className="muted">
                ({node.successes}/{evaluations}
                {node.fullyEvaluated ? '' : ', partly evaluated'})
              </span>
            </td>
          </tr>
          <tr>
            <th>cheap score</th>
            <td>{formatScore(node.cheapScore)}</td>
          </tr>
          <tr>
            <th title="Of the training samples its round rewarded (reward > 0), the share the protected verifier calls wrong">rewarded but wrong</th>
            <td data-testid="detail-rewarded-wrong">
              {node.rewardedWrong === undefined
                ? '—'
                : node.rewardedWrong === null
                  ? 'not measured'
                  : node.rewardedWrong.n === 0
                    ? 'no sample rewarded'
                    : `${formatEstimate(node.rewardedWrong)} rewarded samples`}
            </td>
          </tr>
          {((node.flags?.length ?? 0) > 0 || (node.carried?.length ?? 0) > 0) && (
            <tr>
              <th>flags</th>
              <td className="hacking" data-testid="detail-flags">
                {(node.flags ?? []).join(', ')}
                {(node.carried ?? []).map((c) => (
                  <div key={`${c.kind}-${c.from}`} className="small">
                    carries {c.kind} from <code>{c.from}</code>
                  </div>
                ))}
              </td>
            </tr>
          )}
          <tr>
            <th title={CMP_MEANING}>CMP of descendants (90%)</th>
            <td data-testid="detail-cmp">
              {formatCmp(node.cmp)} <span className="muted">n {node.cmp.n}</span>
            </td>
          </tr>
        </tbody>
      </table>
      {node.rationale && <p className="rationale">{node.rationale}</p>}
      {node.verdict && (
        <p className="small" data-testid="detail-verdict">
          <StatusBadge status={node.verdict.status} /> {node.verdict.actor ? `by ${node.verdict.actor}` : ''}
          {node.verdict.reason ? `: ${node.verdict.reason}` : ''}
        </p>
      )}
      {node.mismatch && <p className="small warn-text">{mismatchText(formatScore(node.score), formatCmp(node.cmp))}</p>}
      <div className="detail-actions">
        <button
          type="button"
          className="primary"
          disabled={!canBranch}
          onClick={onBranch}
          data-testid="branch-node"
          title={canBranch ? "Open New run with this run's config, starting from this agent" : branchHint}
        >
          Branch a new run from this node
        </button>
      </div>
      <h3>Genome diff against {parent ? <code>{parent.id}</code> : 'the warm-up'}</h3>
      <DiffTable changes={node.changes} />
      <h3>Evidence</h3>
      {!node.proposalId && (
        <p className="muted small">{node.parentId ? 'No proposal recorded for this node.' : 'The root is the warm-up agent: there was no proposal.'}</p>
      )}
      {node.proposalId && !loaded && <p className="muted small">Loading evidence…</p>}
      {loaded?.proposalError && (
        <ErrorBox
          title="The evidence could not be loaded."
          message={loaded.proposalError}
          hint="The proposal may belong to a deleted run; the node's scores above still hold."
        />
      )}
      {loaded?.proposal && (
        <>
          <p className="small">
            proposal{' '}
            <a href={`#/approvals/decided?run=${encodeURIComponent(runId)}`}>
              <code>{loaded.proposal.id}</code>
            </a>{' '}
            · <StatusBadge status={loaded.proposal.status} />
            {loaded.proposal.gate && <span className="muted"> · gate: {loaded.proposal.gate.action}</span>}
          </p>
          <EvidenceView evidence={loaded.proposal.evidence} />
        </>
      )}
      <h3>
        Trajectories of step {node.step}{' '}
        {loaded && loaded.trajectoriesTotal > 0 && (
          <span className="muted small">
            (first {loaded.trajectories?.length ?? 0} of {loaded.trajectoriesTotal})
          </span>
        )}
      </h3>
      {!loaded && <p className="muted small">Loading…</p>}
      {loaded?.trajectoriesError && <ErrorBox title="The trajectories could not be loaded." message={loaded.trajectoriesError} />}
      {loaded?.trajectories && loaded.trajectories.length === 0 && !loaded.trajectoriesError && (
        <p className="muted small">No trajectories were recorded for this step.</p>
      )}
      {loaded?.trajectories && loaded.trajectories.length > 0 && (
        <table className="table compact lineage-trajectories" data-testid="detail-trajectories">
          <thead>
            <tr>
              <th>prompt</th>
              <th>output</th>
              <th className="num">reward</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {loaded.trajectories.map((t) => (
              <tr key={t.id} title={t.verdict}>
                <td>
                  <code>{t.prompt}</code>
                </td>
                <td>
                  <code>{t.output}</code>
                </td>
                <td className="num">{t.reward.toFixed(2)}</td>
                <td>
                  {t.correct ? <span className="chip ok">correct</span> : <span className="chip bad">wrong</span>}
                  {t.kept && <span className="chip kept">kept</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {loaded && loaded.trajectoriesTotal > 0 && (
        <a className="small" href={`#/runs/${encodeURIComponent(runId)}/trajectories`}>
          All trajectories of this run
        </a>
      )}
    </aside>
  );
}
