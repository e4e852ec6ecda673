import { useEffect } from 'react';
import { useStore } from 'zustand';
import { AuditAction } from '../../../shared/oversight';
import { ErrorBox } from '../../components/error-box';
import { StatusBadge } from '../../components/status-badge';
import { formatDate } from '../../lib/format';
import { auditActions, auditStore, selectActors, selectVerificationView, selectVisibleEntries } from './audit-store';

function RunPicker() {
  const s = useStore(auditStore);
  return (
    <div className="audit-screen">
      <header className="screen-head">
        <h1>Audit log</h1>
      </header>
      <ErrorBox title="Runs could not be listed." message={s.error} />
      {s.runs.length === 0 ? (
        <p className="empty">No runs yet: each run keeps its own audit log of proposals and decisions.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {s.runs.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={`#/audit/${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</a>
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{formatDate(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A run's append-only, hash-chained and keyed log of proposals, gate actions and decisions; filterable and exportable. */
export function AuditScreen({ runId }: { runId: string | null }) {
  const s = useStore(auditStore);
  useEffect(() => {
    void auditActions.open(runId);
  }, [runId]);
  if (!runId) return <RunPicker />;
  const visible = selectVisibleEntries(s);
  const v = s.verification;
  const view = selectVerificationView(s);

  return (
    <div className="audit-screen">
      <header className="screen-head">
        <h1>Audit log</h1>
        <a href={`#/runs/${encodeURIComponent(runId)}`} className="muted">
          run {runId}
        </a>
        <span className="spacer" />
        <button
          type="button"
          disabled={s.exporting !== null || s.entries.length === 0}
          onClick={() => void auditActions.exportLog('json')}
          data-testid="audit-export-json"
        >
          {s.exporting === 'json' ? 'Exporting…' : 'Export JSON'}
        </button>
        <button
          type="button"
          disabled={s.exporting !== null || s.entries.length === 0}
          onClick={() => void auditActions.exportLog('md')}
          data-testid="audit-export-md"
        >
          {s.exporting === 'md' ? 'Exporting…' : 'Export Markdown'}
        </button>
      </header>
      <ErrorBox title="The audit log could not be read." message={s.error} hint="Check that the run exists on the Runs screen." />
      <ErrorBox title="The export failed." message={s.exportError} />
      {v && view && (
        <div className={`verification ${view.tone}`} data-testid="audit-verification" data-ok={String(v.ok)} data-state={v.state}>
          <p>{view.headline}</p>
          {view.problems.length > 0 && (
            <ul className="verification-problems" data-testid="audit-problems">
              {view.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="filters screen-head">
        <select
          value={s.action}
          onChange={(e) => auditActions.setAction(e.target.value as AuditAction | 'all')}
          aria-label="Action"
          data-testid="audit-filter-action"
        >
          <option value="all">all actions</option>
          {AuditAction.options.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <select value={s.actor} onChange={(e) => auditActions.setActor(e.target.value)} aria-label="Actor" data-testid="audit-filter-actor">
          <option value="all">all actors</option>
          {selectActors(s).map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <input
          type="search"
          placeholder="Proposal id…"
          value={s.proposal}
          onChange={(e) => auditActions.setProposal(e.target.value)}
          aria-label="Proposal id"
          data-testid="audit-filter-proposal"
        />
        <span className="muted small">
          {visible.length} of {s.entries.length}
        </span>
      </div>
      {s.entries.length === 0 && !s.loading && !s.error && (
        <p className="empty">Nothing logged yet: entries appear as the run proposes changes and they are decided.</p>
      )}
      {visible.length > 0 && (
        <table className="table audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Proposal</th>
              <th>Evidence</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((e) => (
              <tr key={e.seq} data-testid="audit-row" data-action={e.action} data-proposal-id={e.proposalId ?? ''}>
                <td className="num">{e.seq}</td>
                <td className="nowrap">{formatDate(e.at)}</td>
                <td>{e.actor}</td>
                <td>
                  <span className={`chip action-${e.action}`}>{e.action}</span>
                </td>
                <td>
                  {e.proposalId ? (
                    <code>{e.proposalId}</code>
                  ) : e.action === 'rated' ? (
                    // A person's choice on a pair (a person-rated run): which pair, and what was chosen.
                    <code data-testid="audit-rated">{`${String((e.detail as { pair?: unknown }).pair)}: ${String((e.detail as { choice?: unknown }).choice)}`}</code>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {e.evidenceHash ? (
                    <code title={e.evidenceHash} data-testid="audit-evidence">
                      {e.evidenceHash.slice(0, 12)}
                    </code>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="reason">{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
