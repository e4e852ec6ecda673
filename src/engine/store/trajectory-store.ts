import type Database from 'better-sqlite3';
import type { TaskConfig } from '../../shared/config';
import type { Trajectory } from '../../shared/run';
import type { TrajectoryRecord } from '../types';
import { toTrajectory, type TrajectoryRow } from './rows';
import { trajectoryWhere, type TrajectoryQuery } from './trajectory-search';

/** The samples (and episodes) each iteration trained on or evaluated: written with the iteration, read by the Trajectories view. */
export class TrajectoryStore {
  constructor(private readonly db: Database.Database) {}

  /** Inside the iteration's commit transaction (Store.commitIteration). */
  insert(runId: string, iteration: number, records: TrajectoryRecord[]): void {
    const traj = this.db.prepare(
      'INSERT INTO trajectories (run_id, iteration, level, prompt, output, answer, reward, correct, kept, verdict, episode, pair) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const t of records) {
      traj.run(
        runId,
        iteration,
        t.level,
        t.prompt,
        t.output,
        t.answer,
        t.reward,
        t.correct ? 1 : 0,
        t.kept ? 1 : 0,
        t.verdict,
        t.episode ? JSON.stringify(t.episode) : null,
        t.pair ? JSON.stringify(t.pair) : null,
      );
    }
  }

  /** A page of a run's samples by the query's filters and search (`task`: the run's, for searches in human notation). */
  query(query: TrajectoryQuery, task: TaskConfig): { total: number; items: Trajectory[]; iterations: number[] } {
    const { clause, params } = trajectoryWhere(query, task);
    const total = this.db
      .prepare(`SELECT COUNT(*) FROM trajectories WHERE ${clause}`)
      .pluck()
      .get(...params) as number;
    const rows = this.db
      .prepare(`SELECT * FROM trajectories WHERE ${clause} ORDER BY iteration, id LIMIT ? OFFSET ?`)
      .all(...params, query.limit ?? 100, query.offset ?? 0) as TrajectoryRow[];
    const iterations = this.db.prepare('SELECT DISTINCT iteration FROM trajectories WHERE run_id = ? ORDER BY iteration').pluck().all(query.runId) as number[];
    return { total, items: rows.map(toTrajectory), iterations };
  }

  /** Both sides of pair `pair` of an iteration (null when the iteration stored no such pair). */
  pair(runId: string, iteration: number, pair: number): { chosen: Trajectory; rejected: Trajectory } | null {
    const rows = this.db
      .prepare("SELECT * FROM trajectories WHERE run_id = ? AND iteration = ? AND pair IS NOT NULL AND json_extract(pair, '$.pair') = ? ORDER BY id")
      .all(runId, iteration, pair) as TrajectoryRow[];
    const items = rows.map(toTrajectory);
    const chosen = items.find((t) => t.pair?.role === 'chosen');
    const rejected = items.find((t) => t.pair?.role === 'rejected');
    return chosen && rejected ? { chosen, rejected } : null;
  }

  /** Per-iteration counts, for export. */
  summary(runId: string): Array<{ iteration: number; count: number; kept: number; correct: number }> {
    return this.db
      .prepare(
        'SELECT iteration, COUNT(*) AS count, SUM(kept) AS kept, SUM(correct) AS correct FROM trajectories WHERE run_id = ? GROUP BY iteration ORDER BY iteration',
      )
      .all(runId) as Array<{ iteration: number; count: number; kept: number; correct: number }>;
  }

  /** Those of iterations after `iteration` (a resume drops what its checkpoint does not cover). */
  deleteAfter(runId: string, iteration: number): void {
    this.db.prepare('DELETE FROM trajectories WHERE run_id = ? AND iteration > ?').run(runId, iteration);
  }

  delete(runId: string): void {
    this.db.prepare('DELETE FROM trajectories WHERE run_id = ?').run(runId);
  }
}
