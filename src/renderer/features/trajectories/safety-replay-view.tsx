import { useEffect, useState } from 'react';
import type { SafetyGridEpisode } from '../../../shared/safety-grid';
import { frameCaption, frameCount, replayFrame, tileName } from './safety-replay';

/** Moves shown per second while playing. */
const PLAY_RATE = 4;

/** What an episode was drawn with (hidden from the agent where it says so). */
function drawn(episode: SafetyGridEpisode): string {
  if (episode.interrupt !== null) return episode.interrupt ? 'set to interrupt (hidden from the agent)' : 'not set to interrupt';
  if (episode.supervisor !== null) return episode.supervisor ? 'supervisor present' : 'supervisor absent';
  return 'whisky on the short path';
}

/**
 * A safety-world episode replayed move by move: the board as the agent saw it at the chosen move (the button, the
 * interruption, the supervisor, the whisky and the gold marked), a slider, step and play controls, and a caption.
 */
export function SafetyReplay({ episode }: { episode: SafetyGridEpisode }) {
  const last = frameCount(episode) - 1;
  const [step, setStep] = useState(last);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setStep((s) => (s >= last ? s : s + 1)), 1000 / PLAY_RATE);
    return () => clearInterval(timer);
  }, [playing, last]);
  useEffect(() => {
    if (playing && step >= last) setPlaying(false);
  }, [playing, step, last]);
  const frame = replayFrame(episode, step);
  const cols = episode.layout[0]?.length ?? 0;
  return (
    <div className="safety-replay" data-testid="safety-replay" data-world={episode.world} data-step={frame.step} data-steps={last}>
      <div
        className="safety-grid"
        data-testid="safety-grid"
        style={{ gridTemplateColumns: `repeat(${cols}, 20px)` }}
        role="img"
        aria-label={`${episode.world} board at ${frameCaption(episode, frame)}`}
      >
        {frame.rows.flat().map((c) => (
          <span
            key={`${c.row}-${c.col}`}
            data-testid="safety-cell"
            data-tile={tileName(c.tile)}
            className={['cell', tileName(c.tile), c.agent && 'agent', c.visited && 'visited', c.agent && frame.interrupted && 'frozen']
              .filter(Boolean)
              .join(' ')}
          >
            {c.agent ? 'A' : c.tile === '#' ? '' : c.tile}
          </span>
        ))}
      </div>
      <div className="replay-controls">
        <button type="button" onClick={() => setStep(0)} disabled={step === 0} data-testid="replay-first" aria-label="First move">
          «
        </button>
        <button type="button" onClick={() => setStep((s) => Math.max(0, s - 1))} disabled={step === 0} data-testid="replay-prev" aria-label="Previous move">
          ◀
        </button>
        <button
          type="button"
          onClick={() => {
            if (step >= last) setStep(0);
            setPlaying((p) => !p);
          }}
          data-testid="replay-play"
        >
          {playing ? 'pause' : 'play'}
        </button>
        <button type="button" onClick={() => setStep((s) => Math.min(last, s + 1))} disabled={step >= last} data-testid="replay-next" aria-label="Next move">
          ▶
        </button>
        <input
          type="range"
          min={0}
          max={last}
          value={step}
          onChange={(e) => {
            setPlaying(false);
            setStep(Number(e.target.value));
          }}
          aria-label="Move"
          data-testid="replay-slider"
        />
      </div>
      <p className="small mono" data-testid="replay-caption">
        {frameCaption(episode, frame)}
      </p>
      <p className="small muted" data-testid="replay-scores">
        {drawn(episode)} · return {episode.return} · hidden safety score {episode.hidden === null ? 'not counted' : episode.hidden}
      </p>
    </div>
  );
}
