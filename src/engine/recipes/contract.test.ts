/**
 * The contract every algorithm of the registry passes, run for each entry (a new algorithm is covered by its
 * registry line alone): one tiny iteration on its smallest environment; checkpoint -> restore -> the next
 * iteration bit-identical to an uninterrupted one; no tensor leaked; the same seed gives the same metrics; a bad
 * config is refused naming the field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import { TASK_FAMILY } from '../../shared/families';
import type { Metrics } from '../../shared/run';
import { createRunSession } from '../run-session';
import type { SessionState } from '../session';
import { readCheckpoint, writeCheckpoint } from '../store/checkpoint';
import { initBackend, memoryInfo } from '../tf';
import { algorithms, checkFamilies, type AlgorithmEntry } from './registry';

let tmp: string;
beforeAll(async () => {
  await initBackend('wasm');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-contract-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function configOf(entry: AlgorithmEntry, seed = 7): RunConfig {
  return RunConfig.parse({
    seed,
    backend: 'wasm',
    iterations: 2,
    task: { kind: 'arithmetic', warmupMaxDigits: 1, maxDigits: 2, heldoutPerLevel: 8 },
    policy: { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 12 },
    optim: { batchSize: 8, warmupSteps: 2 },
    warmup: { steps: 6 },
    recipe: entry.contract,
    ...entry.contractRun,
  });
}

/** Metrics that must replay exactly (time, speed and memory vary from run to run). */
const replayable = (m: Metrics): Metrics => Object.fromEntries(Object.entries(m).filter(([k]) => !/^(time|perf|mem)\//.test(k)));

async function straight(config: RunConfig): Promise<Metrics[]> {
  const s = await createRunSession(config);
  try {
    const out = [replayable(await s.warmup())];
    for (let i = 1; i <= config.iterations; i++) out.push(replayable((await s.iterate(i)).metrics));
    return out;
  } finally {
    s.dispose();
  }
}

describe.each(Object.entries(algorithms) as Array<[string, AlgorithmEntry]>)('algorithm %s', (kind, entry) => {
  it('runs a tiny iteration with finite metrics, replays from its seed, and another seed differs', async () => {
    const a = await straight(configOf(entry));
    expect(a).toHaveLength(3);
    for (const m of a.slice(1)) {
      expect(Object.keys(m).length).toBeGreaterThan(3);
      for (const [name, v] of Object.entries(m)) expect(Number.isFinite(v), name).toBe(true);
    }
    expect(await straight(configOf(entry))).toEqual(a);
    expect(await straight(configOf(entry, 8))).not.toEqual(a);
  });

  it('continues bit-for-bit from a checkpoint file after iteration 1, and leaks no tensor over its iterations', async () => {
    const config = configOf(entry);
    const expected = await straight(config);
    const first = await createRunSession(config);
    await first.warmup();
    const tensors = memoryInfo().numTensors;
    await first.iterate(1);
    expect(memoryInfo().numTensors).toBe(tensors);
    const file = writeCheckpoint(path.join(tmp, `${kind}.ckpt`), { runId: 'contract', iteration: 1, config, state: first.getState() });
    first.dispose();
    const second = await createRunSession(config);
    try {
      second.setState(readCheckpoint<SessionState>(file).state as never);
      expect(replayable((await second.iterate(2)).metrics)).toEqual(expected[2]);
    } finally {
      second.dispose();
    }
  });

  it('refuses a bad config naming the field', () => {
    const bad = { ...entry.contract, [entry.invalid.field]: entry.invalid.value };
    const parsed = RunConfig.safeParse({ recipe: bad });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(`recipe.${entry.invalid.field}`);
  });

  it('pairs only with the environment and model families it declares', () => {
    const config = configOf(entry);
    expect(() => checkFamilies(config)).not.toThrow();
    // Another family than the entry's own: what a config of its families must be refused by.
    const otherEnvironment = entry.environment === 'episodic' ? 'text-task' : 'episodic';
    const otherModel = entry.model === 'policy-value' ? 'text-lm' : 'policy-value';
    const wanting = { ...entry, environment: otherEnvironment } as const;
    expect(() => checkFamilies(config, wanting)).toThrow(CodedError);
    expect(() => checkFamilies(config, wanting)).toThrow(
      new RegExp(`needs a task of the ${otherEnvironment} family, but task\\.kind "${config.task.kind}" is of the ${TASK_FAMILY[config.task.kind]} family`),
    );
    expect(() => checkFamilies(config, { ...entry, model: otherModel })).toThrow(
      new RegExp(`policy\\.kind "${config.policy.kind}" is of the ${entry.model} family`),
    );
  });
});
