import path from 'node:path';
import type Database from 'better-sqlite3';
import { PlayableGame, PlayView, type PlayRecord, type PlayResult } from '../../shared/play';

/** A finished game a person played, as the engine stores it. */
export interface PlayGameRow extends PlayResult {
  startedAt: string;
}

interface Row {
  id: string;
  run_id: string;
  iteration: number;
  game: string;
  seat: number;
  choice: string;
  outcome: string;
  moves: number;
  verdict: string;
  ended_at: string;
  view: string;
}

/** The games people played against a run's checkpoints (table play_games; deleted with the run). */
export class PlayStore {
  constructor(
    private readonly db: Database.Database,
    private readonly workspace: string,
  ) {}

  /** The iterations of a run whose checkpoint is kept, oldest first, each with its file. */
  checkpoints(runId: string): Array<{ iteration: number; path: string }> {
    const rows = this.db
      .prepare('SELECT iteration, checkpoint FROM iterations WHERE run_id = ? AND checkpoint IS NOT NULL ORDER BY iteration')
      .all(runId) as Array<{ iteration: number; checkpoint: string }>;
    return rows.map((r) => ({ iteration: r.iteration, path: path.resolve(this.workspace, r.checkpoint) }));
  }

  save(g: PlayGameRow): void {
    this.db
      .prepare(
        'INSERT INTO play_games (id, run_id, iteration, game, seat, choice, outcome, moves, verdict, view, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(g.id, g.runId, g.iteration, g.game, g.seat, g.choice, g.outcome, g.moves, g.verdict, JSON.stringify(g.view), g.startedAt, g.endedAt);
  }

  /** The newest `limit` games of a run, newest first. */
  recent(runId: string, limit = 20): PlayResult[] {
    const rows = this.db
      .prepare(
        'SELECT id, run_id, iteration, game, seat, choice, outcome, moves, verdict, ended_at, view FROM play_games WHERE run_id = ? ORDER BY ended_at DESC, rowid DESC LIMIT ?',
      )
      .all(runId, limit) as Row[];
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      iteration: r.iteration,
      game: PlayableGame.parse(r.game),
      seat: r.seat,
      choice: r.choice === 'greedy' ? 'greedy' : 'sampled',
      outcome: r.outcome === 'win' ? 'win' : r.outcome === 'loss' ? 'loss' : 'draw',
      moves: r.moves,
      verdict: r.verdict,
      endedAt: r.ended_at,
      view: PlayView.parse(JSON.parse(r.view)),
    }));
  }

  /** The person's record against each checkpoint and game of a run, by iteration then game. */
  records(runId: string): PlayRecord[] {
    const rows = this.db
      .prepare(
        `SELECT iteration, game, COUNT(*) AS games, SUM(outcome = 'win') AS win, SUM(outcome = 'loss') AS loss, SUM(outcome = 'draw') AS draw
         FROM play_games WHERE run_id = ? GROUP BY iteration, game ORDER BY iteration, game`,
      )
      .all(runId) as Array<{ iteration: number; game: string; games: number; win: number; loss: number; draw: number }>;
    return rows.map((r) => ({ ...r, game: PlayableGame.parse(r.game) }));
  }
}
