import { describe, expect, it } from 'vitest';
import type { GridEpisode } from '../../../shared/run';
import { cellLabel, gridCells } from './episode-grid';

const episode: GridEpisode = {
  kind: 'gridworld',
  size: 3,
  start: [0, 0],
  goal: [2, 2],
  path: [
    [0, 0],
    [0, 1],
    [0, 1],
    [1, 1],
  ],
  actions: ['R', 'U', 'D'],
  success: false,
  return: -0.03,
};

describe('a gridworld episode as a grid', () => {
  it('marks start, goal, the end and the first visit of each cell on the path', () => {
    const rows = gridCells(episode);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.map(cellLabel).join(','))).toEqual(['S,1,', ',A,', ',,G']);
    expect(rows[0]![1]!.visits).toBe(2);
    expect(rows[1]![1]!).toMatchObject({ end: true, firstVisit: 3 });
  });

  it('shows the goal where a successful episode ended, and ignores cells outside the grid', () => {
    const rows = gridCells({
      ...episode,
      path: [
        [0, 0],
        [5, 5],
        [2, 2],
      ],
      success: true,
    });
    expect(rows[2]![2]!).toMatchObject({ goal: true, end: true });
    expect(cellLabel(rows[2]![2]!)).toBe('G');
  });
});
