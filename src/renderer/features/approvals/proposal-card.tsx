import { useState } from 'react';
import type { GenomeChange } from '../../../shared/genome';
import { effectOf, type Proposal, type ProposerEstimate } from '../../../shared/oversight';
import type { RunSummary } from '../../../shared/run';
import { StatusBadge } from '../../components/status-badge';
import { formatDate } from '../../lib/format';
import type { DecisionKind } from './approvals-store';
import { DiffTable } from '../../components/diff-table';
import { EvidenceView } from '../../components/evidence-view';
import { editText, parseEditedChanges, pct } from '../../lib/proposal-format';

interface Props {
  proposal: Proposal;
  run: RunSummary | undefined;
  estimate: ProposerEstimate | null;
  busy: DecisionKind | undefined;
  error: string | undefined;
  onDecide: (decision: DecisionKind, options: { reason?: string; changes?: GenomeChange[] }) => Promise<unknown>;
}

type Mode = 'view' | 'reject' | 'edit';

function EditRows({
  changes,
  texts,
  errors,
  onText,
}: {
  changes: GenomeChange[];
  texts: string[];
  errors: Record<number, string>;
  onText: (i: number, text: string) => void;
}) {
  return (
    <div className="edit-rows" data-testid="edit-rows">
      <p className="muted small">
        Each value is JSON (a number, "text", or an object). Leave a value empty to remove it. The evidence is re-run for the edited values before they apply.
      </p>
      {changes.map((c, i) => (
        <label key={c.path} className="edit-row">
          <code>{c.path}</code>
          <textarea
            rows={Math.min(8, Math.max(1, texts[i]?.split('\n').length ?? 1))}
            value={texts[i] ?? ''}
            aria-invalid={errors[i] ? 'true' : undefined}
            onChange={(e) => onText(i, e.target.value)}
            data-testid="edit-value"
            spellCheck={false}
          />
          {errors[i] && <span className="field-error">{errors[i]}</span>}
        </label>
      ))}
      {errors[-1] && <span className="field-error">{errors[-1]}</span>}
    </div>
  );
}

/** What deciding a pending proposal of a run that no longer runs does (null: the run is live, its loop applies it). */
function staleNote(status: RunSummary['status']): string | null {
  if (status === 'completed' || status === 'failed')
    return `Its run is ${status}: a decision is recorded in the audit log, but nothing will apply it to the run's agent.`;
  if (status === 'stopped' || status === 'interrupted') return `Its run is ${status}: a decision is applied when the run resumes.`;
  return null;
}

/** One proposal: its place in the run, the diff, the evidence, the flags, what the gate did, and the decision. */
export function ProposalCard({ proposal: p, run, estimate, busy, error, onDecide }: Props) {
  const [mode, setMode] = useState<Mode>('view');
  const [reason, setReason] = useState('');
  const [texts, setTexts] = useState<string[]>(() => p.changes.map(editText));
  const [editErrors, setEditErrors] = useState<Record<number, string>>({});
  const pending = p.status === 'pending';
  const flagged = p.evidence.flags.length > 0;
  const stale = pending && run ? staleNote(run.status) : null;

  const reject = async () => {
    if (!reason.trim()) {
      setEditErrors({ [-2]: 'A reason is required to reject.' });
      return;
    }
    setEditErrors({});
    await onDecide('reject', { reason });
  };
  const submitEdit = async () => {
    const parsed = parseEditedChanges(p.changes, texts);
    if (!parsed.ok) {
      setEditErrors(parsed.errors);
      return;
    }
    setEditErrors({});
    const result = await onDecide('edit', { changes: parsed.changes, ...(reason.trim() ? { reason } : {}) });
    if (result) setMode('view');
  };

  return (
    <article
      className={`proposal${flagged ? ' flagged' : ''}`}
      data-testid="proposal-card"
      data-proposal-id={p.id}
      data-status={p.status}
      data-kind={p.kind}
      data-flags={p.evidence.flags.map((f) => f.kind).join(' ')}
    >
      <header className="proposal-head">
        <span className={`chip pathway-${p.pathway}`}>{p.pathway}</span>
        <strong className="kind">{p.kind}</strong>
        <span className={`chip size-${p.size}`}>{p.size}</span>
        <span className="muted small">
          <a href={`#/runs/${encodeURIComponent(p.runId)}`} data-testid="proposal-run">
            {run?.name ?? p.runId}
          </a>
          {' · '}round {p.iteration}
          {run ? ` of ${run.iterationsTotal}` : ''}
          {run && (
            <>
              {' '}
              · <StatusBadge status={run.status} />
            </>
          )}
          {' · '}
          {formatDate(p.createdAt)} · <code>{p.id}</code>
        </span>
        <span className="spacer" />
        {!pending && <StatusBadge status={p.status} testId="proposal-status" />}
      </header>
      <p className="rationale">{p.rationale}</p>
      {flagged && (
        <div className="flags" data-testid="proposal-flags">
          {p.evidence.flags.map((f, i) => (
            <span key={i} className={`flag${f.conclusive === false ? ' inconclusive' : ''}`} data-flag={f.kind} title={f.message}>
              <strong>{f.kind}</strong> {f.message}
            </span>
          ))}
        </div>
      )}
      <p className="effect small" data-testid="proposal-effect">
        <strong>{pending ? 'Approving' : 'Approval'}:</strong> {effectOf(p)}. Approving applies exactly this diff, nothing of what was rejected on another
        pathway.
      </p>
      {pending && stale && (
        <p className="stale small" role="note" data-testid="proposal-stale">
          {stale}
        </p>
      )}
      <DiffTable changes={p.changes} />
      <EvidenceView evidence={p.evidence} />
      <footer className="proposal-foot">
        <span className="small" data-testid="proposal-gate">
          <span className="muted">gate:</span> <strong>{p.gate.action}</strong> — {p.gate.reason}
        </span>
        {estimate && (
          <span
            className="small muted"
            title="The proposer's belief, from people's decisions, that this kind of change is wanted"
            data-testid="proposal-estimate"
          >
            proposer's estimate for {p.kind}: {pct(estimate.mean)} [{pct(estimate.lo)}, {pct(estimate.hi)}] · {estimate.approved} approved, {estimate.rejected}{' '}
            rejected
          </span>
        )}
        {!pending && (
          <span className="small" data-testid="proposal-decision">
            {p.decidedBy ?? 'gate'}
            {p.decidedAt ? ` · ${formatDate(p.decidedAt)}` : ''}
            {p.reason ? (
              <>
                {' '}
                · reason: <em>{p.reason}</em>
              </>
            ) : null}
            {' · '}
            <a href={`#/audit/${encodeURIComponent(p.runId)}`}>audit log</a>
          </span>
        )}
      </footer>
      {pending && mode === 'reject' && (
        <div className="decision-form">
          <label className="block">
            <span className="small">Why reject? (required: written to the audit log; the proposer learns from it)</span>
            <textarea
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="reject-reason"
              autoFocus
              aria-invalid={editErrors[-2] ? 'true' : undefined}
            />
          </label>
          {editErrors[-2] && <span className="field-error">{editErrors[-2]}</span>}
        </div>
      )}
      {pending && mode === 'edit' && (
        <div className="decision-form">
          <EditRows changes={p.changes} texts={texts} errors={editErrors} onText={(i, text) => setTexts((t) => t.map((x, j) => (j === i ? text : x)))} />
          <label className="block">
            <span className="small">Note (optional)</span>
            <textarea rows={1} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="edit-reason" />
          </label>
        </div>
      )}
      {error && (
        <div className="error-box" role="alert" data-testid="decide-error">
          {error}
        </div>
      )}
      {pending && (
        <div className="decision-actions">
          {busy && (
            <span className="muted small" data-testid="decide-busy">
              {busy === 'edit' ? 're-running evidence…' : busy === 'approve' ? 'approving…' : 'rejecting…'}
            </span>
          )}
          {mode === 'view' && (
            <>
              <button type="button" className="primary" disabled={!!busy} onClick={() => void onDecide('approve', {})} data-testid="approve">
                Approve
              </button>
              <button type="button" className="danger" disabled={!!busy} onClick={() => setMode('reject')} data-testid="reject">
                Reject…
              </button>
              <button type="button" disabled={!!busy} onClick={() => setMode('edit')} data-testid="edit">
                Edit…
              </button>
            </>
          )}
          {mode === 'reject' && (
            <>
              <button type="button" className="danger" disabled={!!busy || !reason.trim()} onClick={() => void reject()} data-testid="confirm-reject">
                Reject
              </button>
              <button type="button" disabled={!!busy} onClick={() => setMode('view')}>
                Cancel
              </button>
            </>
          )}
          {mode === 'edit' && (
            <>
              <button type="button" className="primary" disabled={!!busy} onClick={() => void submitEdit()} data-testid="confirm-edit">
                Approve edited values
              </button>
              <button
                type="button"
                disabled={!!busy}
                onClick={() => {
                  setMode('view');
                  setTexts(p.changes.map(editText));
                  setEditErrors({});
                }}
              >
                Cancel
              </button>
            </>
          )}
        </div>
      )}
    </article>
  );
}
