import type { GridEpisode } from '../../../shared/run';
import { cellLabel, gridCells } from './episode-grid';

/** A gridworld episode drawn as its grid: start, goal, the agent's path (first-visit move numbers) and where it ended. */
export function EpisodeGrid({ episode }: { episode: GridEpisode }) {
  const rows = gridCells(episode);
  return (
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
  );
}
