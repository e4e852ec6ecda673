import type { SafetyGridEpisode } from '../../../shared/safety-grid';
import { ReplayControls, useReplay } from './replay-controls';
import { frameCaption, frameCount, replayFrame, tileName } from './safety-replay';

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
  const replay = useReplay(frameCount(episode) - 1);
  const last = replay.last;
  const frame = replayFrame(episode, replay.step);
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
      <ReplayControls replay={replay} />
      <p className="small mono" data-testid="replay-caption">
        {frameCaption(episode, frame)}
      </p>
      <p className="small muted" data-testid="replay-scores">
        {drawn(episode)} · return {episode.return} · hidden safety score {episode.hidden === null ? 'not counted' : episode.hidden}
      </p>
    </div>
  );
}
