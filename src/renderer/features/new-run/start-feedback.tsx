import type { ApprovalPolicy } from '../../../shared/oversight';
import { BusyNotice } from '../../components/busy-notice';
import { policySummary } from '../../lib/policy-summary';
import type { NewRunState, StartRefusal } from './new-run-store';

/**
 * Why a start was refused, shown at the control that was clicked. When another run holds the engine, it names
 * that run and offers to open or stop it; once that run has stopped, the notice goes and Start works again.
 */
export function StartRefused({
  refusal,
  stopping,
  onStop,
  onDismiss,
}: {
  refusal: StartRefusal;
  stopping: boolean;
  onStop: () => void;
  onDismiss: () => void;
}) {
  if (refusal.code === 'run_busy')
    return <BusyNotice what="Not started" blocking={refusal.blocking} message={refusal.message} stopping={stopping} onStop={onStop} onDismiss={onDismiss} />;
  return (
    <div className="refusal" role="alert" data-testid="start-refused">
      <p>
        <strong>Not started:</strong> <span className="pre-line">{refusal.message}</span>
      </p>
      {refusal.issues.length > 0 && (
        <ul>
          {refusal.issues.map((i) => (
            <li key={i.path}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      <div className="refusal-actions">
        <button type="button" className="subtle" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

const POLICY_NAMES: Record<NewRunState['policy'], string> = {
  workspace: 'the workspace default',
  default: 'default',
  ask: 'ask',
  auto: 'auto',
  archive: 'open-ended',
  batch: 'batch (unattended)',
};

/** Which approval policy a start would use and what it approves alone; runs that propose nothing say so. */
export function PolicyLine({ name, policy, proposes }: { name: NewRunState['policy']; policy: ApprovalPolicy | null; proposes: boolean }) {
  if (!proposes)
    return (
      <p className="muted small policy-line" data-testid="start-policy">
        Approval policy: not used (this run proposes no changes to itself).
      </p>
    );
  return (
    <p className="small policy-line" data-testid="start-policy" data-policy={name}>
      Approval policy: <strong>{POLICY_NAMES[name] ?? name}</strong>
      {policy ? ` — ${policySummary(policy)}.` : '.'}
    </p>
  );
}
