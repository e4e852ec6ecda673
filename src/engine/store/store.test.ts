import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPreset } from '../../shared/presets';
import { CodedError } from '../../shared/errors';
import type { TrajectoryRecord } from '../types';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { SCHEMA_VERSION, migrate } from './schema';
import { insertHeld } from './test-fixtures/oversight-fixture';
import { Store } from './store';

const config = findPreset('addition-star-smoke')!.config;
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-store-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function traj(i: number, over: Partial<TrajectoryRecord> = {}): TrajectoryRecord {
  return { level: 1, prompt: `p${i}`, output: `o${i}`, answer: 'a', reward: i % 2, correct: i % 2 === 1, kept: i % 3 === 0, verdict: 'v', ...over };
}

function commit(store: Store, runId: string, iteration: number, metrics: Record<string, number> = {}, trajectories: TrajectoryRecord[] = []) {
  const file = writeCheckpoint(store.checkpointPath(runId, iteration), {
    runId,
    iteration,
    config,
    state: { it: iteration, w: new Float32Array([iteration, 0.5]) },
  });
  store.commitIteration(runId, { iteration, startedAt: 's', endedAt: 'e', checkpoint: file, metrics, trajectories });
  store.pruneCheckpoints(runId);
  return file;
}

describe('Store', () => {
  it('creates the schema at the current version and reopens without migrating again', () => {
    Store.open(dir).close();
    const db = new Database(path.join(dir, 'evolab.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const store = Store.open(dir);
    expect(store.listRuns()).toEqual([]);
    store.close();
  });

  it('migrates a workspace of the first release, keeping its runs', () => {
    const db = new Database(path.join(dir, 'evolab.db'));
    migrate(db, 1);
    db.prepare(
      `INSERT INTO runs (id, recipe, config, seed, backend, status, iterations_total, created_at, updated_at) VALUES ('old', 'star', ?, 1, 'cpu', 'completed', 3, 't', 't')`,
    ).run(JSON.stringify(config));
    db.close();
    const store = Store.open(dir);
    expect(store.requireRun('old').status).toBe('completed');
    store.close();
    const check = new Database(path.join(dir, 'evolab.db'));
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect((check.prepare('SELECT owner_pid FROM runs').get() as { owner_pid: unknown }).owner_pid).toBeNull();
    check.close();
  });

  it('leaves alone the live runs of another process that is still alive', () => {
    const store = Store.open(dir);
    const run = store.createRun(config);
    store.close();
    const db = new Database(path.join(dir, 'evolab.db'));
    // The parent of this test process is alive, and is not us.
    db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(process.ppid, run.id);
    db.close();
    const reopened = Store.open(dir);
    expect(reopened.recovery.interrupted).toEqual([]);
    expect(reopened.requireRun(run.id).status).toBe('running');
    reopened.close();
  });

  it('refuses a database from a newer schema', () => {
    const db = new Database(path.join(dir, 'evolab.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => Store.open(dir)).toThrow(/newer than this Evolab/);
  });

  it('names the folder and the fix when the workspace is not writable', () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    const target = path.join(file, 'ws');
    try {
      Store.open(target);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CodedError);
      expect((error as CodedError).code).toBe('workspace_unwritable');
      expect((error as CodedError).message).toContain(target);
      expect((error as CodedError).message).toContain('--workspace');
    }
  });

  it("keeps the warm-up's loss curve with iteration 0 and reads it back after reopening", () => {
    let store = Store.open(dir);
    const run = store.createRun(config);
    expect(store.runDetail(run.id).warmupLoss).toBeUndefined(); // not past the warm-up yet
    const warmupLoss = { steps: [2, 4, 6], loss: [2.5, 1.75, 1.5] };
    const file = writeCheckpoint(store.checkpointPath(run.id, 0), { runId: run.id, iteration: 0, config, state: {} });
    store.commitIteration(run.id, { iteration: 0, startedAt: 's', endedAt: 'e', checkpoint: file, metrics: {}, trajectories: [], warmupLoss });
    commit(store, run.id, 1);
    store.close();
    store = Store.open(dir);
    expect(store.runDetail(run.id).warmupLoss).toEqual(warmupLoss);
    // A curve whose columns disagree is refused at the commit, naming the field, and nothing is written.
    const other = store.createRun(config);
    const bad = { iteration: 0, startedAt: 's', endedAt: 'e', checkpoint: null, metrics: {}, trajectories: [], warmupLoss: { steps: [1, 2], loss: [1] } };
    expect(() => store.commitIteration(other.id, bad)).toThrow(/loss/);
    expect(store.iterationNumbers(other.id)).toEqual([]);
    store.close();
  });

  it('reads a run stored before warm-up curves were kept (or with an unreadable one) without one, and without error', () => {
    const db = new Database(path.join(dir, 'evolab.db'));
    migrate(db, 6);
    db.prepare(
      `INSERT INTO runs (id, recipe, config, seed, backend, status, iterations_total, created_at, updated_at) VALUES ('old', 'star', ?, 1, 'cpu', 'completed', 1, 't', 't')`,
    ).run(JSON.stringify(config));
    db.prepare(`INSERT INTO iterations (run_id, iteration, started_at, ended_at) VALUES ('old', 0, 's', 'e')`).run();
    db.close();
    const store = Store.open(dir);
    expect(store.runDetail('old').warmupLoss).toBeUndefined();
    const run = store.createRun(config);
    commit(store, run.id, 0);
    const raw = new Database(path.join(dir, 'evolab.db'));
    raw.prepare('UPDATE iterations SET warmup_loss = ? WHERE run_id = ?').run('{"steps": [1], "loss', run.id);
    raw.close();
    expect(store.runDetail(run.id).warmupLoss).toBeUndefined();
    store.close();
  });

  it('commits iterations in order only, with metrics, trajectories, progress and best score in one transaction', () => {
    const store = Store.open(dir);
    const run = store.createRun(config);
    commit(store, run.id, 0, { 'heldout/acc_hardest': 0.2 });
    commit(store, run.id, 1, { 'heldout/acc_hardest': 0.5, x: 1 }, [traj(1)]);
    commit(store, run.id, 2, { 'heldout/acc_hardest': 0.4 });
    expect(() => commit(store, run.id, 2)).toThrow(/next is 3/);
    expect(() => commit(store, run.id, 5)).toThrow(/next is 3/);
    // The failed commit of 5 left nothing behind.
    expect(store.iterationNumbers(run.id)).toEqual([0, 1, 2]);
    const summary = store.requireRun(run.id);
    expect(summary.iterationsDone).toBe(2);
    expect(summary.bestScore).toBe(0.5);
    expect(store.metricSeries(run.id)).toEqual({
      iterations: [0, 1, 2],
      series: { 'heldout/acc_hardest': [0.2, 0.5, 0.4], x: [null, 1, null] },
    });
    expect(store.metricSeries(run.id, 1).iterations).toEqual([2]);
    store.close();
  });

  it('keeps the last two checkpoints and reads them back bit for bit', () => {
    const store = Store.open(dir);
    const run = store.createRun(config);
    const files = [0, 1, 2, 3].map((i) => commit(store, run.id, i));
    expect(files.map((f) => fs.existsSync(f))).toEqual([false, false, true, true]);
    const last = store.lastCheckpoint(run.id)!;
    expect(last.iteration).toBe(3);
    const ck = readCheckpoint<{ it: number; w: Float32Array }>(last.path);
    expect(ck.state.it).toBe(3);
    expect(Array.from(ck.state.w)).toEqual([3, 0.5]);
    expect(ck.config).toEqual(config);
    store.close();
  });

  it('marks live runs interrupted and removes temp and uncommitted checkpoint files on open', () => {
    const store = Store.open(dir);
    const a = store.createRun(config);
    const b = store.createRun(config);
    store.setStatus(b.id, 'completed');
    commit(store, a.id, 0);
    const orphan = writeCheckpoint(store.checkpointPath(a.id, 1), { runId: a.id, iteration: 1, config, state: {} });
    const temp = store.checkpointPath(a.id, 2) + '.tmp';
    fs.writeFileSync(temp, 'half');
    store.close();

    const reopened = Store.open(dir);
    expect(reopened.recovery.interrupted).toEqual([a.id]);
    expect(reopened.requireRun(a.id).status).toBe('interrupted');
    expect(reopened.requireRun(b.id).status).toBe('completed');
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(temp)).toBe(false);
    expect(reopened.lastCheckpoint(a.id)?.iteration).toBe(0);
    reopened.close();
  });

  it('removes children no proposal names and every temp file a killed writer left, keeping named children and the warm-up checkpoint', () => {
    const store = Store.open(dir);
    const run = store.createRun(config);
    commit(store, run.id, 0);
    const named = writeCheckpoint(store.childCheckpointPath(run.id, 1, 'model'), { runId: run.id, iteration: 1, config, state: {} });
    insertHeld(store, run.id, { iteration: 1, checkpoint: store.relative(named) });
    // A round killed between its children's checkpoints and its commit, and half-written files of every writer.
    const orphan = writeCheckpoint(store.childCheckpointPath(run.id, 2, 'model'), { runId: run.id, iteration: 2, config, state: {} });
    const warm = writeCheckpoint(store.warmupCheckpointPath(run.id), { runId: run.id, iteration: 0, config, state: {} });
    const temps = [store.childCheckpointPath(run.id, 2, 'tool-1'), store.nodeCheckpointPath(run.id, 'n3'), store.warmupCheckpointPath(run.id)].map(
      (f) => `${f}.tmp`,
    );
    for (const t of temps) {
      fs.mkdirSync(path.dirname(t), { recursive: true });
      fs.writeFileSync(t, 'half');
    }
    store.close();

    const reopened = Store.open(dir);
    expect(fs.existsSync(named)).toBe(true);
    expect(fs.existsSync(warm)).toBe(true);
    expect(fs.existsSync(orphan)).toBe(false);
    for (const t of temps) expect(fs.existsSync(t), t).toBe(false);
    expect(reopened.recovery.filesRemoved).toBe(4);
    reopened.close();
  });

  it('filters trajectories by kept, correct, iteration and substring, with paging', () => {
    const store = Store.open(dir);
    const run = store.createRun(config);
    commit(store, run.id, 0);
    commit(
      store,
      run.id,
      1,
      {},
      [0, 1, 2, 3, 4, 5].map((i) => traj(i)),
    );
    commit(store, run.id, 2, {}, [traj(6, { prompt: 'needle here' }), traj(7)]);
    const q = (over: object) => store.trajectories({ runId: run.id, ...over });
    expect(q({}).total).toBe(8);
    expect(q({ filter: 'kept' }).items.map((t) => t.prompt)).toEqual(['p0', 'p3', 'needle here']);
    expect(q({ filter: 'rejected' }).total).toBe(5);
    expect(q({ filter: 'correct' }).items.every((t) => t.correct)).toBe(true);
    expect(q({ filter: 'correct' }).total).toBe(4);
    expect(q({ filter: 'incorrect' }).total).toBe(4);
    expect(q({ iteration: 2 }).total).toBe(2);
    expect(q({ search: 'needle' }).items.map((t) => t.prompt)).toEqual(['needle here']);
    expect(q({ search: 'o5' }).items.map((t) => t.output)).toEqual(['o5']);
    const page = q({ limit: 3, offset: 3 });
    expect(page.total).toBe(8);
    expect(page.items.map((t) => t.prompt)).toEqual(['p3', 'p4', 'p5']);
    expect(page.iterations).toEqual([1, 2]);
    expect(store.trajectorySummary(run.id)).toEqual([
      { iteration: 1, count: 6, kept: 2, correct: 3 },
      { iteration: 2, count: 2, kept: 1, correct: 1 },
    ]);
    store.close();
  });

  it('combines kept and correct ("correct but rejected") and searches human notation as well as the model\'s', () => {
    const store = Store.open(dir);
    // addition-star-smoke writes operands and answers reversed and zero-padded: 12+345 is "2100+5430=" at width 4.
    const run = store.createRun(config);
    commit(store, run.id, 0);
    commit(store, run.id, 1, {}, [
      traj(0, { prompt: '2100+5430=', output: '75300', correct: true, kept: false }),
      traj(1, { prompt: '1000+1000=', output: '20000', correct: true, kept: true }),
      traj(2, { prompt: '3000+4000=', output: '00000', correct: false, kept: true }),
    ]);
    const q = (over: object) => store.trajectories({ runId: run.id, ...over }).items.map((t) => t.prompt);
    expect(q({ correct: true, kept: false })).toEqual(['2100+5430=']);
    expect(q({ correct: false, kept: true })).toEqual(['3000+4000=']);
    expect(q({ correct: true })).toEqual(['2100+5430=', '1000+1000=']);
    // Human notation: the sum as a person writes it, and the answer read in order.
    expect(q({ search: '12+345' })).toEqual(['2100+5430=']);
    expect(q({ search: '357' })).toEqual(['2100+5430=']);
    // The model's own notation still matches.
    expect(q({ search: '5430' })).toEqual(['2100+5430=']);
    store.close();
  });

  it('truncates iterations after a checkpoint and deletes runs with their files', () => {
    const store = Store.open(dir);
    const run = store.createRun(config);
    for (const i of [0, 1, 2]) commit(store, run.id, i, { m: i }, [traj(i)]);
    store.truncateAfter(run.id, 1);
    expect(store.iterationNumbers(run.id)).toEqual([0, 1]);
    expect(store.nextIteration(run.id)).toBe(2);
    expect(store.trajectories({ runId: run.id }).total).toBe(2);
    expect(store.deleteRun(run.id)).toBe(true);
    expect(store.getRun(run.id)).toBeUndefined();
    expect(fs.existsSync(store.runDir(run.id))).toBe(false);
    expect(() => store.requireRun(run.id)).toThrow(/No run with id/);
    store.close();
  });
});
