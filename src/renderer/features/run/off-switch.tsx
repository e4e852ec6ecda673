interface Props {
  canPause: boolean;
  canResume: boolean;
  canStop: boolean;
  /** An engine holds a live run: kill has something to end. */
  canKill: boolean;
  busy: string | null;
  onPause: () => void;
  onResume: () => void;
  onStop: () => void;
  onKill: () => void;
}

/** The off switch: always rendered, buttons disabled rather than hidden so it never moves. */
export function OffSwitch({ canPause, canResume, canStop, canKill, busy, onPause, onResume, onStop, onKill }: Props) {
  return (
    <div className="off-switch" role="group" aria-label="Off switch">
      <button type="button" data-testid="pause" disabled={!canPause} onClick={onPause} title="Pause at the next step boundary (Ctrl+Shift+P)">
        Pause
      </button>
      <button type="button" data-testid="resume" disabled={!canResume} onClick={onResume} title="Resume (from the last checkpoint if interrupted or stopped)">
        Resume
      </button>
      <button type="button" data-testid="stop" disabled={!canStop} onClick={onStop} title="Finish the step, checkpoint, stop (Ctrl+Shift+S)">
        Stop
      </button>
      <button
        type="button"
        data-testid="kill"
        className="danger"
        disabled={!canKill}
        onClick={onKill}
        title={canKill ? 'Terminate the engine process now (Ctrl+Shift+K)' : 'No live run: nothing for Kill to end'}
      >
        Kill engine
      </button>
      {busy && (
        <span className="muted small" data-testid="off-switch-busy">
          {busy}…
        </span>
      )}
    </div>
  );
}
