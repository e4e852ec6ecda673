import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { RunConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import { scoreOf } from '../../shared/metrics';
import { isLive, WarmupLoss, type MetricSeries, type Metrics, type RunDetail, type RunStatus, type RunSummary, type Trajectory } from '../../shared/run';
import type { TrajectoryRecord } from '../types';
import { checkpointFileName, readCheckpointAuditHead } from './checkpoint';
import { toSummary, type RunRow } from './rows';
import { ArchiveStore } from './archive-store';
import { TrajectoryStore } from './trajectory-store';
import { OversightStore } from './oversight-store';
import { RatingStore } from './rating-store';
import type { AuditHead, AuditVerification } from '../../shared/oversight';
import { unwritable, walMode } from './durable';
import { migrate } from './schema';
import { PlayStore } from './play-store';
import { recoverWorkspace, type Recovery } from './recovery';
import { registerNotationFunction, type TrajectoryQuery } from './trajectory-search';

/** How many checkpoints each run keeps on disk. */
export const CHECKPOINTS_KEPT = 2;

export interface IterationCommit {
  iteration: number;
  startedAt: string;
  endedAt: string;
  /** Path of the checkpoint written for this iteration (already durable), or null. */
  checkpoint: string | null;
  metrics: Metrics;
  trajectories: TrajectoryRecord[];
  /** An archive run's archive after this iteration (JSON), stored in the same transaction. */
  archive?: string;
  /** More writes that belong to this iteration (a governed round's proposals), run inside its transaction. */
  within?: () => void;
  /** Iteration 0's warm-up loss curve, stored on its row. */
  warmupLoss?: WarmupLoss;
}
export type { Recovery, TrajectoryQuery };

/** A workspace: one SQLite database (WAL) plus one folder of checkpoints per run. */
export class Store {
  readonly workspace: string;
  readonly recovery: Recovery;
  /** Proposals, decisions, approval policies and the audit log. */
  readonly oversight: OversightStore;
  readonly archive: ArchiveStore;
  readonly ratings: RatingStore; // a person's choices on the pairs a run asks to be rated (rater.kind "person")
  readonly play: PlayStore;
  readonly samples: TrajectoryStore;
  private readonly db: Database.Database;

  private constructor(workspace: string, db: Database.Database) {
    this.workspace = workspace;
    this.db = db;
    registerNotationFunction(db);
    this.oversight = new OversightStore(db, workspace);
    this.archive = new ArchiveStore(db);
    this.play = new PlayStore(db, workspace);
    this.samples = new TrajectoryStore(db);
    this.ratings = new RatingStore(db, this.oversight.auditLog);
    this.recovery = recoverWorkspace(this.db, {
      workspace: this.workspace,
      runDir: (id) => this.runDir(id),
      checkpointDir: (id) => this.checkpointDir(id),
      resolve: (p) => this.resolve(p),
    });
  }

  /** Opens (creating if needed) the workspace at `dir`, migrates it and recovers from an unclean shutdown. */
  static open(dir: string): Store {
    const workspace = path.resolve(dir);
    let db: Database.Database;
    try {
      fs.mkdirSync(workspace, { recursive: true });
      fs.accessSync(workspace, fs.constants.W_OK);
      // access() says yes to root on a read-only mount; a real write says the truth.
      const probe = path.join(workspace, `.write-probe-${process.pid}`);
      fs.writeFileSync(probe, '');
      fs.rmSync(probe);
      db = new Database(path.join(workspace, 'evolab.db'));
    } catch (error) {
      throw unwritable(workspace, error);
    }
    try {
      db.pragma('busy_timeout = 5000');
      walMode(db);
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = FULL');
      migrate(db);
    } catch (error) {
      db.close();
      if (error instanceof Error && /readonly|read-only|permission/i.test(error.message)) throw unwritable(workspace, error);
      throw error;
    }
    return new Store(workspace, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  runDir(runId: string): string {
    return path.join(this.workspace, 'runs', runId);
  }

  checkpointDir(runId: string): string {
    return path.join(this.runDir(runId), 'checkpoints');
  }

  checkpointPath(runId: string, iteration: number): string {
    return path.join(this.checkpointDir(runId), checkpointFileName(iteration));
  }

  /** A warm-up's own checkpoint while it is unfinished (outside checkpoints/: it is no iteration's). */
  warmupCheckpointPath(runId: string): string {
    return path.join(this.runDir(runId), 'warmup.ckpt');
  }

  /** Iteration 0 is committed: the warm-up's own checkpoint has served its purpose. */
  removeWarmupCheckpoint(runId: string): void {
    fs.rmSync(this.warmupCheckpointPath(runId), { force: true });
  }

  /** Where the children a round proposed keep their checkpoints until they are decided (and after: the archive). */
  childCheckpointPath(runId: string, iteration: number, label: string): string {
    return path.join(this.runDir(runId), 'children', `${String(iteration).padStart(6, '0')}-${label}.ckpt`);
  }

  /** The audit heads the run's checkpoints recorded (Checkpoint.auditHead), each naming its file. */
  auditAnchors(runId: string): Array<AuditHead & { source: string }> {
    const dir = this.checkpointDir(runId);
    if (!fs.existsSync(dir)) return [];
    const anchors: Array<AuditHead & { source: string }> = [];
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith('.ckpt')) continue;
      const head = readCheckpointAuditHead(path.join(dir, name));
      if (head) anchors.push({ ...head, source: `checkpoint ${name}` });
    }
    return anchors;
  }

  /** A run's audit verification with every anchor the workspace has: what `evolab audit`, the app and exports show. */
  verifyAudit(runId: string): AuditVerification {
    return this.oversight.verifyAudit(runId, { anchors: this.auditAnchors(runId) });
  }

  /** A stored path (relative to the workspace) made absolute. */
  absolute(stored: string): string {
    return this.resolve(stored);
  }

  /** A path stored relative to the workspace, so a moved workspace still finds its files. */
  relative(file: string): string {
    return path.relative(this.workspace, file);
  }

  private resolve(stored: string): string {
    return path.resolve(this.workspace, stored);
  }

  createRun(config: RunConfig, backend: string = config.backend): RunSummary {
    const now = new Date().toISOString();
    const id = `${now.slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${randomBytes(3).toString('hex')}`;
    this.db
      .prepare(
        `INSERT INTO runs (id, name, preset, recipe, config, seed, backend, status, iterations_total, iterations_done, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, 0, ?, ?)`,
      )
      .run(id, config.name ?? null, config.preset ?? null, config.recipe.kind, JSON.stringify(config), config.seed, backend, config.iterations, now, now);
    this.db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(process.pid, id);
    return this.requireRun(id);
  }

  getRun(runId: string): RunSummary | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row ? toSummary(row) : undefined;
  }

  requireRun(runId: string): RunSummary {
    const run = this.getRun(runId);
    if (!run) throw new CodedError('unknown_run', `No run with id "${runId}" in the workspace ${this.workspace}. List runs with \`evolab runs\`.`);
    return run;
  }

  runConfig(runId: string): RunConfig {
    this.requireRun(runId);
    const json = this.db.prepare('SELECT config FROM runs WHERE id = ?').pluck().get(runId) as string;
    return RunConfig.parse(JSON.parse(json));
  }

  runDetail(runId: string): RunDetail {
    const summary = this.requireRun(runId);
    const last = this.lastCheckpoint(runId);
    const warmupLoss = this.warmupLoss(runId);
    return {
      ...summary,
      config: this.runConfig(runId),
      lastMetrics: this.lastMetrics(runId),
      lastCheckpointIteration: last?.iteration ?? null,
      ...(warmupLoss ? { warmupLoss } : {}),
    };
  }

  /** The warm-up's loss curve stored with iteration 0, or null (none kept, or a row this release cannot read). */
  warmupLoss(runId: string): WarmupLoss | null {
    const json = this.db.prepare('SELECT warmup_loss FROM iterations WHERE run_id = ? AND iteration = 0').pluck().get(runId) as string | null | undefined;
    if (!json) return null;
    try {
      const parsed = WarmupLoss.safeParse(JSON.parse(json));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  listRuns(): RunSummary[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC').all() as RunRow[]).map(toSummary);
  }

  /** Sets the status; a live status records this process as the run's owner. */
  setStatus(runId: string, status: RunStatus, error: string | null = null): void {
    const owner = isLive(status) ? process.pid : null;
    this.db
      .prepare('UPDATE runs SET status = ?, error = ?, owner_pid = ?, updated_at = ? WHERE id = ?')
      .run(status, error, owner, new Date().toISOString(), runId);
  }

  setBackend(runId: string, backend: string): void {
    this.db.prepare('UPDATE runs SET backend = ?, updated_at = ? WHERE id = ?').run(backend, new Date().toISOString(), runId);
  }

  /** The iteration the run continues with: one past the last committed, or 0 for a fresh run. */
  nextIteration(runId: string): number {
    const last = this.db.prepare('SELECT MAX(iteration) FROM iterations WHERE run_id = ?').pluck().get(runId) as number | null;
    return last === null ? 0 : last + 1;
  }

  /**
   * Commits one iteration in one transaction: its row, its metrics, its trajectories, the run's progress and
   * best score. The checkpoint must already be durable. Refuses an iteration that is not the next one, so a
   * run's iterations are always 0..n without gaps or duplicates.
   */
  commitIteration(runId: string, commit: IterationCommit): void {
    const write = this.db.transaction(() => {
      const expected = this.nextIteration(runId);
      if (commit.iteration !== expected) {
        throw new Error(`Iteration ${commit.iteration} of run ${runId} cannot be committed: the next is ${expected}.`);
      }
      this.db
        .prepare('INSERT INTO iterations (run_id, iteration, started_at, ended_at, checkpoint, warmup_loss) VALUES (?, ?, ?, ?, ?, ?)')
        // Stored relative, so a workspace folder can be moved or copied whole.
        .run(
          runId,
          commit.iteration,
          commit.startedAt,
          commit.endedAt,
          commit.checkpoint && path.relative(this.workspace, commit.checkpoint),
          commit.warmupLoss ? JSON.stringify(WarmupLoss.parse(commit.warmupLoss)) : null,
        );
      const metric = this.db.prepare('INSERT INTO metrics (run_id, iteration, name, value) VALUES (?, ?, ?, ?)');
      for (const [name, value] of Object.entries(commit.metrics)) metric.run(runId, commit.iteration, name, Number.isFinite(value) ? value : null);
      this.samples.insert(runId, commit.iteration, commit.trajectories);
      if (commit.archive !== undefined) this.archive.save(runId, commit.iteration, commit.archive);
      commit.within?.();
      const score = scoreOf(commit.metrics);
      this.db
        .prepare(
          `UPDATE runs SET iterations_done = ?, updated_at = ?,
             best_score = CASE WHEN ? IS NULL THEN best_score WHEN best_score IS NULL OR ? > best_score THEN ? ELSE best_score END
           WHERE id = ?`,
        )
        .run(commit.iteration, commit.endedAt, ...Array<number | null>(3).fill(score !== undefined && Number.isFinite(score) ? score : null), runId);
    });
    // IMMEDIATE: the transaction reads before it writes; deferred, a commit by another process in between (a sweep's
    // parallel runs, `evolab decide`) fails it with "database is locked" instead of waiting its turn.
    write.immediate();
  }

  /** An archive run ended by its budget before its step cap: its total is the steps it took, so lists read n/n. */
  endedEarly(runId: string): void {
    this.db.prepare('UPDATE runs SET iterations_total = iterations_done WHERE id = ?').run(runId);
  }

  /** Where an archive node's agent (weights and genome) is kept for as long as the run exists. */
  nodeCheckpointPath(runId: string, nodeId: string): string {
    return path.join(this.runDir(runId), 'nodes', `${nodeId}.ckpt`);
  }

  /** Deletes all but the newest CHECKPOINTS_KEPT checkpoint files of a run (after the newest was committed). */
  pruneCheckpoints(runId: string): void {
    const old = this.db
      .prepare('SELECT iteration, checkpoint FROM iterations WHERE run_id = ? AND checkpoint IS NOT NULL ORDER BY iteration DESC LIMIT -1 OFFSET ?')
      .all(runId, CHECKPOINTS_KEPT) as Array<{ iteration: number; checkpoint: string }>;
    const clear = this.db.prepare('UPDATE iterations SET checkpoint = NULL WHERE run_id = ? AND iteration = ?');
    for (const row of old) {
      // Forget first, then delete: a crash in between leaves an orphan file that recovery removes.
      clear.run(runId, row.iteration);
      fs.rmSync(this.resolve(row.checkpoint), { force: true });
    }
  }

  lastCheckpoint(runId: string): { iteration: number; path: string } | null {
    const row = this.db
      .prepare('SELECT iteration, checkpoint FROM iterations WHERE run_id = ? AND checkpoint IS NOT NULL ORDER BY iteration DESC LIMIT 1')
      .get(runId) as { iteration: number; checkpoint: string } | undefined;
    return row ? { iteration: row.iteration, path: this.resolve(row.checkpoint) } : null;
  }

  /** Iterations committed after the last checkpoint cannot be resumed from; drop them so resume neither repeats nor skips. */
  truncateAfter(runId: string, iteration: number): void {
    this.db.transaction(() => {
      this.samples.deleteAfter(runId, iteration);
      this.db.prepare('DELETE FROM metrics WHERE run_id = ? AND iteration > ?').run(runId, iteration);
      this.db.prepare('DELETE FROM iterations WHERE run_id = ? AND iteration > ?').run(runId, iteration);
      this.db.prepare('UPDATE runs SET iterations_done = MAX(?, 0) WHERE id = ?').run(iteration, runId);
    })();
  }

  iterationNumbers(runId: string): number[] {
    return this.db.prepare('SELECT iteration FROM iterations WHERE run_id = ? ORDER BY iteration').pluck().all(runId) as number[];
  }

  /** When each committed iteration ended (ISO), for exports that keep the run's own clock. */
  iterationEndTimes(runId: string): Map<number, string> {
    const rows = this.db.prepare('SELECT iteration, ended_at FROM iterations WHERE run_id = ?').all(runId) as Array<{ iteration: number; ended_at: string }>;
    return new Map(rows.map((r) => [r.iteration, r.ended_at]));
  }

  lastMetrics(runId: string): Metrics | null {
    const last = this.db.prepare('SELECT MAX(iteration) FROM iterations WHERE run_id = ?').pluck().get(runId) as number | null;
    return last === null ? null : this.iterationMetrics(runId, last);
  }

  iterationMetrics(runId: string, iteration: number): Metrics {
    const rows = this.db.prepare('SELECT name, value FROM metrics WHERE run_id = ? AND iteration = ? ORDER BY name').all(runId, iteration) as Array<{
      name: string;
      value: number | null;
    }>;
    const out: Metrics = {};
    for (const r of rows) if (r.value !== null) out[r.name] = r.value;
    return out;
  }

  /** Columnar series: series[name][i] belongs to iterations[i], null where the metric is absent. */
  metricSeries(runId: string, sinceIteration?: number): MetricSeries {
    this.requireRun(runId);
    const since = sinceIteration ?? -1;
    const iterations = this.db
      .prepare('SELECT iteration FROM iterations WHERE run_id = ? AND iteration > ? ORDER BY iteration')
      .pluck()
      .all(runId, since) as number[];
    const index = new Map(iterations.map((it, i) => [it, i]));
    const series: Record<string, Array<number | null>> = {};
    const rows = this.db.prepare('SELECT iteration, name, value FROM metrics WHERE run_id = ? AND iteration > ?').all(runId, since) as Array<{
      iteration: number;
      name: string;
      value: number | null;
    }>;
    for (const r of rows) {
      const i = index.get(r.iteration);
      if (i === undefined) continue;
      const column = (series[r.name] ??= new Array<number | null>(iterations.length).fill(null));
      column[i] = r.value;
    }
    return { iterations, series };
  }

  trajectories(query: TrajectoryQuery): { total: number; items: Trajectory[]; iterations: number[] } {
    this.requireRun(query.runId);
    return this.samples.query(query, this.runConfig(query.runId).task);
  }

  /** Per-iteration trajectory counts, for export. */
  trajectorySummary(runId: string): Array<{ iteration: number; count: number; kept: number; correct: number }> {
    return this.samples.summary(runId);
  }

  deleteRun(runId: string): boolean {
    const deleted = this.db.transaction(() => {
      this.samples.delete(runId);
      this.db.prepare('DELETE FROM metrics WHERE run_id = ?').run(runId);
      this.db.prepare('DELETE FROM iterations WHERE run_id = ?').run(runId);
      this.archive.delete(runId);
      this.ratings.delete(runId);
      this.oversight.deleteProposals(runId); // the audit log outlives the run: it is append-only by design
      return this.db.prepare('DELETE FROM runs WHERE id = ?').run(runId).changes > 0;
    })();
    fs.rmSync(this.runDir(runId), { recursive: true, force: true });
    return deleted;
  }
}
