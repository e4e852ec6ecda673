import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order on open. `PRAGMA user_version` records how many have run, so a
 * workspace written by any earlier release is brought up to date and one from a newer release is refused.
 * Never edit a released migration: append a new one.
 */
const migrations: string[] = [
  // 1: the first release.
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    name TEXT,
    preset TEXT,
    recipe TEXT NOT NULL,
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    backend TEXT NOT NULL,
    status TEXT NOT NULL,
    iterations_total INTEGER NOT NULL,
    iterations_done INTEGER NOT NULL DEFAULT 0,
    best_score REAL,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX runs_created ON runs(created_at);

  CREATE TABLE iterations (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    checkpoint TEXT,
    PRIMARY KEY (run_id, iteration)
  );

  CREATE TABLE metrics (
    run_id TEXT NOT NULL,
    iteration INTEGER NOT NULL,
    name TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (run_id, iteration, name),
    FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, iteration) ON DELETE CASCADE
  );

  CREATE TABLE trajectories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    iteration INTEGER NOT NULL,
    level INTEGER,
    prompt TEXT NOT NULL,
    output TEXT NOT NULL,
    answer TEXT,
    reward REAL NOT NULL,
    correct INTEGER NOT NULL,
    kept INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, iteration) ON DELETE CASCADE
  );
  -- The trajectory browser filters by run + iteration, then by kept or correct.
  CREATE INDEX trajectories_run_iter ON trajectories(run_id, iteration, id);
  CREATE INDEX trajectories_run_kept ON trajectories(run_id, kept, id);
  CREATE INDEX trajectories_run_correct ON trajectories(run_id, correct, id);
  `,
  // 2: which process drives a live run, so opening a workspace another live process uses does not mark that
  // process's runs interrupted.
  `
  ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
  `,
  // 3: oversight. Proposals change status as they are decided; the audit log never changes: triggers refuse
  // every UPDATE and DELETE, and each entry carries the hash of the one before it in its run.
  `
  ALTER TABLE runs ADD COLUMN approval_policy TEXT;
  ALTER TABLE runs ADD COLUMN genome TEXT;
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    iteration INTEGER NOT NULL,
    pathway TEXT NOT NULL,
    kind TEXT NOT NULL,
    size TEXT NOT NULL,
    rationale TEXT NOT NULL,
    changes TEXT NOT NULL,
    evidence TEXT NOT NULL,
    evidence_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    gate_action TEXT NOT NULL,
    gate_reason TEXT NOT NULL,
    checkpoint TEXT,
    decided_by TEXT,
    reason TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT
  );
  CREATE INDEX proposals_status ON proposals(status, created_at);
  CREATE INDEX proposals_run ON proposals(run_id, iteration);

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    proposal_id TEXT,
    evidence_hash TEXT,
    reason TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_run ON audit(run_id, seq);
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // 4: the archive of an open-ended run (its tree, node records, strategy and budget) as one JSON document, written in
  // the same transaction as the search step that changed it.
  `
  CREATE TABLE archives (
    run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // 5: the keyed audit chain. Each new entry carries an HMAC of its hash and the previous MAC, made with a key kept
  // outside the workspace, and which key made it; older entries keep NULL ("unkeyed"). Adding columns is not an
  // UPDATE, so the append-only triggers stay as they are.
  `
  ALTER TABLE audit ADD COLUMN mac TEXT;
  ALTER TABLE audit ADD COLUMN key_id TEXT;
  `,
  // 6: an episode of an episodic environment (a gridworld), as JSON for the Trajectories view to draw; NULL for the
  // text tasks' samples. The prompt and output columns keep its text form (start state, moves), which search reads.
  `
  ALTER TABLE trajectories ADD COLUMN episode TEXT;
  `,
  // 7: the warm-up's loss curve (JSON: steps and running losses, at most 500 points), on iteration 0's row; NULL for
  // other iterations, branched runs and runs stored before it was kept.
  `
  ALTER TABLE iterations ADD COLUMN warmup_loss TEXT;
  `,
  // 8: a person as the rater. The pairs a run asks a person to compare, with the choice once made (final: the store
  // refuses a second one, and each is in the audit log); kept across a resume, so a killed engine redoes the iteration
  // with the choices already made. And a sample's place in a DPO training pair (JSON), for the pair view.
  `
  CREATE TABLE rating_pairs (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    iteration INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    prompt TEXT NOT NULL,
    output_a TEXT NOT NULL,
    output_b TEXT NOT NULL,
    status TEXT NOT NULL,
    choice TEXT,
    chosen_by TEXT,
    chosen_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, iteration, idx)
  );
  CREATE INDEX rating_pairs_status ON rating_pairs(status, created_at);
  ALTER TABLE trajectories ADD COLUMN pair TEXT;
  `,
  // 9 (numbered after the rate table's migration 8; self-contained, so it can move): the games a person played on
  // the Play page against a checkpoint of a run, with the game's view (JSON), kept until the run is deleted.
  `
  CREATE TABLE play_games (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    game TEXT NOT NULL,
    seat INTEGER NOT NULL,
    choice TEXT NOT NULL,
    outcome TEXT NOT NULL,
    moves INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    view TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL
  );
  CREATE INDEX play_games_run ON play_games(run_id, ended_at);
  `,
];

export const SCHEMA_VERSION = migrations.length;

/** Brings the database to SCHEMA_VERSION; each migration runs in its own transaction with the version bump. */
export function migrate(db: Database.Database, target: number = SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The workspace database has schema version ${current}, newer than this Evolab understands (${SCHEMA_VERSION}). Update Evolab or use another workspace.`,
    );
  }
  // Each step reads the version inside its own IMMEDIATE transaction: processes opening a new workspace at once (a
  // sweep's runs) take turns, and a step another process already made is not made twice.
  const step = db.transaction(() => {
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v >= target) return false;
    db.exec(migrations[v]!);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  while (step.immediate()) {
    /* one migration per transaction */
  }
  return current;
}
