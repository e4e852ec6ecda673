import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPreset } from '../../shared/presets';
import { FakeSession } from '../fake-session';
import { EngineService } from '../service';
import { Store } from './store';
import { TensorBoardLog, writeRunEventFile } from './tensorboard-log';
import { crc32c, maskedCrc32c } from './tfevents';
import { crc32cBitwise, readEventFile, readRecords } from './test-fixtures/tfrecord-reader';
import { insertHeld, makeRun } from './test-fixtures/oversight-fixture';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-tfevents-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function eventFiles(runDir: string): string[] {
  return fs.readdirSync(runDir).filter((n) => n.startsWith('events.out.tfevents.'));
}

/** float32, as TensorBoard's simple_value keeps it. */
const f32 = (x: number) => Math.fround(x);

describe('CRC-32C', () => {
  it('matches the standard check value and an independent bit-at-a-time implementation', () => {
    const check = Buffer.from('123456789');
    expect(crc32c(check)).toBe(0xe3069283);
    expect(crc32cBitwise(check)).toBe(0xe3069283);
    const random = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251));
    expect(crc32c(random)).toBe(crc32cBitwise(random));
    // The mask is a rotation plus a constant: never the CRC itself.
    expect(maskedCrc32c(check)).not.toBe(crc32c(check));
  });
});

describe('the live TensorBoard event file', () => {
  it('holds every metric of a run as a scalar at its iteration, read back by an independent parser', async () => {
    const service = new EngineService({
      workspace: dir,
      emit: () => {},
      createSession: FakeSession.factory(),
      initBackend: async () => ({ active: 'cpu' }),
    });
    const config = { ...findPreset('addition-star-smoke')!.config, iterations: 4 };
    const runId = service.start({ config });
    expect(await service.waitForRun(runId)).toBe('completed');
    const store = service.store;
    const files = eventFiles(store.runDir(runId));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.\d+\.[A-Za-z0-9._-]+$/);
    const events = readEventFile(path.join(store.runDir(runId), files[0]));
    expect(events[0].fileVersion).toBe('brain.Event:2');
    const iterations = store.iterationNumbers(runId);
    expect(iterations).toEqual([0, 1, 2, 3, 4]);
    for (const i of iterations) {
      const atStep = events.filter((e) => e.step === i && Object.keys(e.scalars).length > 0);
      expect(atStep, `one scalar event at step ${i}`).toHaveLength(1);
      const expected = Object.fromEntries(Object.entries(store.iterationMetrics(runId, i)).map(([k, v]) => [k, f32(v)]));
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(atStep[0].scalars).toEqual(expected);
    }
    await service.close();
  });

  it('rewrites the file from the store when a run is resumed, so redone iterations never appear twice', async () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    const log = new TensorBoardLog({ store: () => store, warn: () => {} });
    const commit = (iteration: number, value: number) =>
      store.commitIteration(runId, {
        iteration,
        startedAt: new Date().toISOString(),
        endedAt: new Date().toISOString(),
        checkpoint: null,
        metrics: { 'reward/mean': value },
        trajectories: [],
      });
    for (const i of [0, 1, 2]) {
      commit(i, i / 10);
      log.observe('run.iteration', { runId, iteration: i, metrics: { 'reward/mean': i / 10 } });
    }
    // A kill lost iteration 2 (the store rolls back to the last checkpoint) and a new process redoes it.
    store.truncateAfter(runId, 1);
    const resumed = new TensorBoardLog({ store: () => store, warn: () => {} });
    commit(2, 0.25);
    resumed.observe('run.iteration', { runId, iteration: 2, metrics: { 'reward/mean': 0.25 } });
    const files = eventFiles(store.runDir(runId));
    expect(files).toHaveLength(1);
    const scalars = readEventFile(path.join(store.runDir(runId), files[0]))
      .filter((e) => 'reward/mean' in e.scalars)
      .map((e) => [e.step, e.scalars['reward/mean']]);
    expect(scalars).toEqual([
      [0, 0],
      [1, f32(0.1)],
      [2, 0.25],
    ]);
    store.close();
  });

  it('writes proposals and decisions as text summaries for the text plugin', () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    const held = insertHeld(store, runId, { iteration: 3 });
    const { file } = writeRunEventFile(store, runId, store.runDir(runId));
    const texts = readEventFile(file).filter((e) => Object.keys(e.texts).length > 0);
    expect(texts).toHaveLength(1);
    expect(texts[0].step).toBe(3);
    const text = texts[0].texts[`proposals/${held.id}`];
    expect(text).toContain('workflow:raise-temperature');
    expect(text).toContain('workflow.recipe.temperature');
    expect(text).toContain('gate: held');

    const log = new TensorBoardLog({ store: () => store, warn: () => {} });
    log.observe('proposal.decided', { ...held, status: 'rejected', decidedBy: 'person:ada', reason: 'too risky' });
    const decisions = readEventFile(path.join(store.runDir(runId), eventFiles(store.runDir(runId))[0])).filter((e) => `decisions/${held.id}` in e.texts);
    expect(decisions).toHaveLength(1);
    expect(decisions[0].texts[`decisions/${held.id}`]).toMatch(/rejected[\s\S]*person:ada: too risky/);
    store.close();
  });

  it('reports an I/O error once and stops writing, without throwing into the run', () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    // The run's folder is a file: nothing can be written under it.
    const blocked = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocked, '');
    const broken = Object.create(store, { runDir: { value: () => path.join(blocked, runId) } }) as Store;
    const warnings: string[] = [];
    const log = new TensorBoardLog({ store: () => broken, warn: (_id, message) => warnings.push(message) });
    for (const i of [0, 1, 2]) expect(() => log.observe('run.iteration', { runId, iteration: i, metrics: { x: i } })).not.toThrow();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`evolab export ${runId} --format tensorboard`);
    store.close();
  });

  it('a corrupted record fails the reader on its CRC', () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    const { file } = writeRunEventFile(store, runId, store.runDir(runId));
    const bytes = fs.readFileSync(file);
    expect(readRecords(bytes)).toHaveLength(1);
    bytes[14] ^= 0xff;
    expect(() => readRecords(bytes)).toThrow(/CRC/);
    store.close();
  });
});
