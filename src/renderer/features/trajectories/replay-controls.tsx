import { useEffect, useState } from 'react';

/** Moves shown per second while playing. */
const PLAY_RATE = 4;

export interface Replay {
  step: number;
  last: number;
  playing: boolean;
  setStep(step: number): void;
  togglePlay(): void;
}

/** The replay state of an episode of `last` moves: it opens on the end; play runs to the end and stops (from the end, it restarts). */
export function useReplay(last: number): Replay {
  const [step, setStepState] = useState(last);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setStepState((s) => (s >= last ? s : s + 1)), 1000 / PLAY_RATE);
    return () => clearInterval(timer);
  }, [playing, last]);
  useEffect(() => {
    if (playing && step >= last) setPlaying(false);
  }, [playing, step, last]);
  return {
    step: Math.min(step, last),
    last,
    playing,
    setStep: (s) => setStepState(Math.max(0, Math.min(last, s))),
    togglePlay: () => {
      if (!playing && step >= last) setStepState(0);
      setPlaying((p) => !p);
    },
  };
}

/** First, previous, play / pause, next and a slider over the moves of an episode. */
export function ReplayControls({ replay }: { replay: Replay }) {
  const { step, last } = replay;
  return (
    <div className="replay-controls">
      <button type="button" onClick={() => replay.setStep(0)} disabled={step === 0} data-testid="replay-first" aria-label="First move">
        «
      </button>
      <button type="button" onClick={() => replay.setStep(step - 1)} disabled={step === 0} data-testid="replay-prev" aria-label="Previous move">
        ◀
      </button>
      <button type="button" onClick={replay.togglePlay} disabled={last === 0} data-testid="replay-play">
        {replay.playing ? 'pause' : 'play'}
      </button>
      <button type="button" onClick={() => replay.setStep(step + 1)} disabled={step >= last} data-testid="replay-next" aria-label="Next move">
        ▶
      </button>
      <input
        type="range"
        min={0}
        max={last}
        value={step}
        onChange={(e) => {
          if (replay.playing) replay.togglePlay();
          replay.setStep(Number(e.target.value));
        }}
        aria-label="Move"
        data-testid="replay-slider"
      />
    </div>
  );
}
