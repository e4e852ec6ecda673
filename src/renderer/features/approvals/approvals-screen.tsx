import { useEffect } from 'react';
import { useStore } from 'zustand';
import { ErrorBox } from '../../components/error-box';
import { approvalsActions, approvalsStore, selectEstimate } from './approvals-store';
import { PolicyEditor } from './policy-editor';
import { ProposalCard } from './proposal-card';
import './approvals.css';

export type ApprovalsTab = 'pending' | 'decided' | 'policy';

function tabHref(tab: ApprovalsTab, runId: string | null): string {
  return `#/approvals${tab === 'pending' ? '' : `/${tab}`}${runId ? `?run=${encodeURIComponent(runId)}` : ''}`;
}

/** The inbox across runs: proposals held for a person first, then the decided ones, and the approval policy. */
export function ApprovalsScreen({ tab, runId }: { tab: ApprovalsTab; runId: string | null }) {
  const s = useStore(approvalsStore);
  useEffect(() => {
    void approvalsActions.load();
  }, []);
  const list = (tab === 'decided' ? s.decided : s.pending).filter((p) => !runId || p.runId === runId);
  const runs = Object.values(s.runs).sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  return (
    <div className="approvals-screen">
      <header className="screen-head">
        <h1>Approvals</h1>
        <nav className="segmented" aria-label="Inbox">
          <a className={`button${tab === 'pending' ? ' on' : ''}`} href={tabHref('pending', runId)} data-testid="tab-pending">
            Pending ({s.pending.filter((p) => !runId || p.runId === runId).length})
          </a>
          <a className={`button${tab === 'decided' ? ' on' : ''}`} href={tabHref('decided', runId)} data-testid="tab-decided">
            Decided
          </a>
          <a className={`button${tab === 'policy' ? ' on' : ''}`} href={tabHref('policy', runId)} data-testid="tab-policy">
            Policy
          </a>
        </nav>
        <label className="inline small">
          Run
          <select
            value={runId ?? ''}
            onChange={(e) => {
              window.location.hash = tabHref(tab, e.target.value || null);
            }}
            data-testid="inbox-run-filter"
          >
            <option value="">all runs</option>
            {runs.map((r) => {
              const waiting = s.pending.filter((p) => p.runId === r.id).length;
              return (
                <option key={r.id} value={r.id}>
                  {r.name ?? r.id} ({r.status}
                  {waiting > 0 ? `, ${waiting} pending` : ''})
                </option>
              );
            })}
          </select>
        </label>
        {runId && (
          <span className="chip">
            run {s.runs[runId]?.name ?? runId}{' '}
            <a href={tabHref(tab, null)} aria-label="Show all runs">
              ×
            </a>
          </span>
        )}
        {s.loading && <span className="muted small">Loading…</span>}
      </header>
      <ErrorBox
        title="Proposals could not be listed."
        message={s.error}
        hint="Is the engine running? The banner above says; the list reloads when it is back."
      />
      {tab === 'policy' ? (
        <PolicyEditor runs={runs} scope={runId} />
      ) : (
        <>
          {s.loaded && list.length === 0 && (
            <div className="empty" data-testid="approvals-empty">
              {tab === 'pending' ? (
                <p>
                  <strong>Nothing waits for a decision.</strong> Runs whose approval policy says "ask" stop here when they propose a change; start one from{' '}
                  <a href="#/new">New run</a> with the default or ask policy.
                </p>
              ) : (
                <p>No decided proposals yet.</p>
              )}
            </div>
          )}
          <div className="proposals" data-testid={`proposals-${tab}`}>
            {list.map((p) => (
              <ProposalCard
                key={`${p.id}-${p.status}`}
                proposal={p}
                run={s.runs[p.runId]}
                estimate={selectEstimate(s, p)}
                busy={s.busy[p.id]}
                error={s.decideErrors[p.id]}
                onDecide={(decision, options) => approvalsActions.decide(p.id, decision, options)}
              />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
