import { useEffect, useState } from 'react';
import { GameBoard } from './game-board';
import { gameEnd, seatNames, type AnyGameView } from './game-frames';

/** How long each move shows while the replay plays. */
const PLAY_MS = 700;

/**
 * A game replayed move by move: the board or cards after the chosen move, a slider over the moves, step back and
 * forward, and play / pause. It opens on the start position (Left / Right step while it has focus).
 */
export function GameReplay({ view, names = seatNames(view.agentSeat) }: { view: AnyGameView; names?: [string, string] }) {
  const total = view.moves.length;
  const [step, setStep] = useState(0);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    if (step >= total) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => setStep((s) => Math.min(total, s + 1)), PLAY_MS);
    return () => clearTimeout(timer);
  }, [playing, step, total]);
  const go = (to: number) => {
    setPlaying(false);
    setStep(Math.max(0, Math.min(total, to)));
  };
  const move = step > 0 ? view.moves[step - 1] : null;
  return (
    <div
      className="game-replay"
      data-testid="game-replay"
      data-game={view.kind}
      data-step={step}
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') go(step - 1);
        else if (e.key === 'ArrowRight') go(step + 1);
        else return;
        e.preventDefault();
      }}
    >
      <GameBoard view={view} step={step} names={names} />
      <div className="replay-controls" role="group" aria-label="Replay">
        <button type="button" onClick={() => go(step - 1)} disabled={step === 0} data-testid="replay-back" title="Step back (Left)">
          ◀
        </button>
        <button
          type="button"
          onClick={() => {
            if (step >= total) setStep(0);
            setPlaying(!playing);
          }}
          data-testid="replay-play"
          title={playing ? 'Pause' : 'Play the game move by move'}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" onClick={() => go(step + 1)} disabled={step >= total} data-testid="replay-forward" title="Step forward (Right)">
          ▶
        </button>
        <input type="range" min={0} max={total} value={step} onChange={(e) => go(Number(e.target.value))} aria-label="Move" data-testid="replay-slider" />
        <span className="small mono" data-testid="replay-position">
          move {step} of {total}
        </span>
      </div>
      <p className="small muted" data-testid="replay-caption">
        {move ? (
          <>
            {names[move.seat]} played <span className="mono">{move.action}</span>
          </>
        ) : (
          'The start.'
        )}
        {step === total && total > 0 ? ` · ${gameEnd(view, names)}.` : ''}
      </p>
    </div>
  );
}
