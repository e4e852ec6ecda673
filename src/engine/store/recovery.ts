/**
 * Recovery when a workspace opens after an unclean shutdown: runs left live by a process that is gone become
 * `interrupted`, and what killed writers left behind is removed (temp files, checkpoints never committed, children's
 * checkpoints no proposal names). Runs that another live process still drives are left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { LIVE_STATUSES } from '../../shared/run';
import { removeTempFiles } from './checkpoint';

export interface Recovery {
  /** Runs that were live when the workspace was last closed uncleanly, now `interrupted`. */
  interrupted: string[];
  /** Temp and uncommitted checkpoint files removed. */
  filesRemoved: number;
}

/** Where a workspace keeps each run's files (the Store's layout). */
export interface WorkspacePaths {
  workspace: string;
  runDir(runId: string): string;
  checkpointDir(runId: string): string;
  /** A path stored relative to the workspace, made absolute. */
  resolve(stored: string): string;
}

export function recoverWorkspace(db: Database.Database, paths: WorkspacePaths): Recovery {
  const placeholders = LIVE_STATUSES.map(() => '?').join(', ');
  const rows = db.prepare(`SELECT id, owner_pid FROM runs WHERE status IN (${placeholders})`).all(...LIVE_STATUSES) as Array<{
    id: string;
    owner_pid: number | null;
  }>;
  const busy = new Set(rows.filter((r) => isOtherLiveProcess(r.owner_pid)).map((r) => r.id));
  const live = rows.filter((r) => !busy.has(r.id)).map((r) => r.id);
  const mark = db.prepare(`UPDATE runs SET status = 'interrupted', updated_at = ? WHERE id = ?`);
  for (const id of live) mark.run(new Date().toISOString(), id);
  let filesRemoved = 0;
  const runsDir = path.join(paths.workspace, 'runs');
  if (fs.existsSync(runsDir)) {
    const known = new Set(
      (db.prepare('SELECT checkpoint FROM iterations WHERE checkpoint IS NOT NULL').pluck().all() as string[]).map((p) => paths.resolve(p)),
    );
    for (const runId of fs.readdirSync(runsDir)) {
      // Another live process is writing this run's checkpoints right now.
      if (busy.has(runId)) continue;
      const dir = paths.checkpointDir(runId);
      // Temp files of every writer a kill interrupted: checkpoints, the warm-up's, children's and nodes'.
      for (const d of [dir, paths.runDir(runId), path.join(paths.runDir(runId), 'children'), path.join(paths.runDir(runId), 'nodes')])
        filesRemoved += removeTempFiles(d);
      filesRemoved += removeOrphanChildren(db, paths, runId);
      if (!fs.existsSync(dir)) continue;
      // A checkpoint written but never committed (killed between the rename and the transaction) is not a resume point.
      for (const name of fs.readdirSync(dir)) {
        const file = path.join(dir, name);
        if (name.endsWith('.ckpt') && !known.has(file)) {
          fs.rmSync(file, { force: true });
          filesRemoved++;
        }
      }
    }
  }
  return { interrupted: live, filesRemoved };
}

/**
 * A round's children are checkpointed before the round commits (with their proposals); killed in between, the
 * files belong to no proposal and the redone round writes them again. Edited children likewise before their edit
 * is stored. Such files are removed; a child a proposal names is kept.
 */
function removeOrphanChildren(db: Database.Database, paths: WorkspacePaths, runId: string): number {
  const dir = path.join(paths.runDir(runId), 'children');
  if (!fs.existsSync(dir)) return 0;
  const named = new Set(
    (db.prepare('SELECT checkpoint FROM proposals WHERE run_id = ? AND checkpoint IS NOT NULL').pluck().all(runId) as string[]).map((p) => paths.resolve(p)),
  );
  let removed = 0;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name.endsWith('.ckpt') && !named.has(file)) {
      fs.rmSync(file, { force: true });
      removed++;
    }
  }
  return removed;
}

/** Whether `pid` is a process other than this one that is still alive (it then still drives its runs). */
function isOtherLiveProcess(pid: number | null): boolean {
  if (pid === null || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
