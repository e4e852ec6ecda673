import type { GridEpisode } from '../../../shared/run';

/** One cell of a drawn gridworld episode. */
export interface GridCell {
  row: number;
  col: number;
  start: boolean;
  goal: boolean;
  /** Where the agent ended. */
  end: boolean;
  /** Move number (0 = the start) of the agent's first visit, or null when it never came here. */
  firstVisit: number | null;
  visits: number;
}

/** The episode's grid, row by row: start, goal, end and the cells the path visited (with the move of the first visit). */
export function gridCells(episode: GridEpisode): GridCell[][] {
  const rows: GridCell[][] = Array.from({ length: episode.size }, (_, row) =>
    Array.from({ length: episode.size }, (_, col) => ({ row, col, start: false, goal: false, end: false, firstVisit: null, visits: 0 })),
  );
  const at = (cell: readonly [number, number]): GridCell | undefined => rows[cell[0]]?.[cell[1]];
  episode.path.forEach((cell, i) => {
    const c = at(cell);
    if (!c) return;
    c.visits++;
    c.firstVisit ??= i;
  });
  const start = at(episode.start);
  if (start) start.start = true;
  const goal = at(episode.goal);
  if (goal) goal.goal = true;
  const last = episode.path[episode.path.length - 1];
  const end = last ? at(last) : undefined;
  if (end) end.end = true;
  return rows;
}

/** What a cell shows: S start, G goal, A where the agent ended (when not on the goal), else the first-visit move. */
export function cellLabel(c: GridCell): string {
  if (c.goal) return 'G';
  if (c.start) return 'S';
  if (c.end) return 'A';
  return c.firstVisit === null ? '' : String(c.firstVisit);
}
