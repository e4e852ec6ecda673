import type Database from 'better-sqlite3';
import fs from 'node:fs';
import { CodedError } from '../../shared/errors';

/**
 * Makes a rename or link in `dir` durable (a power cut must not bring back the old name). Windows cannot open a
 * folder, and does not need it.
 */
export function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Switches the database to WAL. SQLite answers "database is locked" at once, without its busy wait, when another
 * process switches the same new database at that moment (a sweep's runs opening one workspace): retry briefly.
 */
export function walMode(db: Database.Database): void {
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (attempt >= 100 || !(error instanceof Error) || !/database is locked/.test(error.message)) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** The refusal for a workspace folder that cannot be written, naming the fix. */
export function unwritable(dir: string, cause: unknown): CodedError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new CodedError(
    'workspace_unwritable',
    `The workspace folder ${dir} is not writable (${reason}). Choose a writable folder with --workspace DIR or EVOLAB_WORKSPACE, or give your user write permission on it.`,
  );
}
