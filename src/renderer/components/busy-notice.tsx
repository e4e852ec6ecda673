import type { BlockingRun } from '../lib/live-run';
import './busy-notice.css';

interface Props {
  /** What did not happen: "Not started", "Not resumed". */
  what: string;
  blocking: BlockingRun | null;
  /** The engine's message, shown when the blocking run is not known. */
  message: string;
  stopping: boolean;
  onStop: () => void;
  onDismiss: () => void;
}

function open(runId: string): void {
  location.hash = `#/runs/${encodeURIComponent(runId)}`;
}

/**
 * A refusal because another run holds the engine, shown at the control that was clicked: it names that run and
 * offers to open or stop it.
 */
export function BusyNotice({ what, blocking: b, message, stopping, onStop, onDismiss }: Props) {
  return (
    <div className="refusal" role="alert" data-testid="start-refused" data-blocking={b?.id ?? ''}>
      {b ? (
        <p>
          <strong>{what}:</strong> run <code>{b.name ?? b.id}</code>
          {b.name ? <span className="muted small"> ({b.id})</span> : null} is {b.status}, and the engine trains one run at a time. Stop it or wait for it to
          finish, then try again.
        </p>
      ) : (
        <p>
          <strong>{what}:</strong> {message}
        </p>
      )}
      <div className="refusal-actions">
        {b && (
          <>
            <button type="button" onClick={() => open(b.id)} data-testid="start-refused-open">
              Open {b.id}
            </button>
            <button type="button" className="danger" disabled={stopping || b.status === 'stopping'} onClick={onStop} data-testid="start-refused-stop">
              {stopping || b.status === 'stopping' ? 'Stopping…' : `Stop ${b.id}`}
            </button>
          </>
        )}
        <button type="button" className="subtle" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
