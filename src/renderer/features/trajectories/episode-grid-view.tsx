import type { GridEpisode } from '../../../shared/run';
import { cellLabel, gridCells } from './episode-grid';
import { ReplayControls, useReplay } from './replay-controls';

/**
 * A gridworld episode drawn as its grid: start, goal, the agent's path (first-visit move numbers) and where it is,
 * replayed move by move (it opens on the end: where it ended and the whole path).
 */
export function EpisodeGrid({ episode }: { episode: GridEpisode }) {
  const replay = useReplay(episode.actions.length);
  const shown = replay.step >= replay.last ? episode : { ...episode, path: episode.path.slice(0, replay.step + 1) };
  const rows = gridCells(shown);
  return (
    <div className="grid-replay" data-testid="grid-replay" data-step={replay.step} data-steps={replay.last}>
      <div
        className="episode-grid"
        data-testid="episode-grid"
        data-size={episode.size}
        data-success={episode.success}
        style={{ gridTemplateColumns: `repeat(${episode.size}, 22px)` }}
        role="img"
        aria-label={`${episode.size}x${episode.size} grid: start ${episode.start.join(',')}, goal ${episode.goal.join(',')}, ${episode.actions.length} moves, ${episode.success ? 'reached the goal' : 'did not reach the goal'}`}
      >
        {rows.flat().map((c) => (
          <span
            key={`${c.row}-${c.col}`}
            data-testid="grid-cell"
            className={['cell', c.start && 'start', c.goal && 'goal', c.end && 'end', c.firstVisit !== null && 'visited'].filter(Boolean).join(' ')}
            title={c.visits > 0 ? `visited ${c.visits}x` : undefined}
          >
            {cellLabel(c)}
          </span>
        ))}
      </div>
      {replay.last > 0 && <ReplayControls replay={replay} />}
      <p className="small mono" data-testid="replay-caption">
        {replay.step === 0 ? 'start' : `move ${replay.step} of ${replay.last}: ${episode.actions[replay.step - 1]}`}
      </p>
    </div>
  );
}
