import type Database from 'better-sqlite3';

/** An archive run's archive (tree, node records, strategy state, budget) as one JSON document per run. */
export class ArchiveStore {
  constructor(private readonly db: Database.Database) {}

  /** Stores a run's archive, replacing the previous one (inside the caller's transaction when there is one). */
  save(runId: string, step: number, state: string): void {
    this.db
      .prepare(
        'INSERT INTO archives (run_id, step, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(run_id) DO UPDATE SET step = excluded.step, state = excluded.state, updated_at = excluded.updated_at',
      )
      .run(runId, step, state, new Date().toISOString());
  }

  /** A run's stored archive (JSON) and the step it belongs to, or null before its root exists. */
  load(runId: string): { step: number; state: string } | null {
    return (this.db.prepare('SELECT step, state FROM archives WHERE run_id = ?').get(runId) as { step: number; state: string } | undefined) ?? null;
  }

  delete(runId: string): void {
    this.db.prepare('DELETE FROM archives WHERE run_id = ?').run(runId);
  }
}
