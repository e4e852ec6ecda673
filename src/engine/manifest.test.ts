import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunManifest } from '../shared/manifest';
import { findPreset } from '../shared/presets';
import { FakeSession } from './fake-session';
import { configHash, ManifestLog, MANIFEST_FILE } from './manifest';
import { EngineService } from './service';
import { Store } from './store/store';
import { makeRun } from './store/test-fixtures/oversight-fixture';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-manifest-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the run manifest', () => {
  it('is written beside the run with its config hash, backend and results once the run ends', async () => {
    const service = new EngineService({
      workspace: dir,
      emit: () => {},
      createSession: FakeSession.factory(),
      initBackend: async () => ({ active: 'cpu', details: 'test device' }),
    });
    const runId = service.start({ config: { ...findPreset('addition-star-smoke')!.config, iterations: 2, seed: 7 } });
    expect(await service.waitForRun(runId)).toBe('completed');
    const m = RunManifest.parse(JSON.parse(fs.readFileSync(path.join(service.store.runDir(runId), MANIFEST_FILE), 'utf8')));
    expect(m.configHash).toBe(configHash(service.store.runConfig(runId)));
    expect(m.seed).toBe(7);
    expect(m.backend).toEqual({ requested: 'auto', active: 'cpu', device: 'test device' });
    expect(m.data).toEqual({ kind: 'arithmetic', file: null, hash: null });
    expect(m.evaluator.items).toBeGreaterThan(0);
    expect(m.results?.status).toBe('completed');
    expect(m.results?.metrics).toEqual(service.store.metricSeries(runId));
    await service.close();
  });

  it('reports a write it cannot make once per write, and never throws into the run', async () => {
    const store = Store.open(dir);
    const runId = makeRun(store);
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    const broken = Object.create(store, { runDir: { value: () => path.join(blocked, runId) } }) as Store;
    const warnings: string[] = [];
    const log = new ManifestLog({ store: () => broken, backend: () => null, warn: (_id, message) => warnings.push(message) });
    expect(() => log.observe('run.iteration', { runId, iteration: 0, metrics: {} })).not.toThrow();
    await log.flush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`The manifest of run ${runId} cannot be written`);
    store.close();
  });
});
