import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { initBackend } from '../tf';
import { createTransformerPolicy, type TransformerConfig } from '../policies/transformer';
import type { Policy } from '../types';
import { WorkerPool } from './worker-pool';

const CONFIG: TransformerConfig = { kind: 'transformer', dModel: 32, nLayers: 2, nHeads: 4, contextLength: 64, vocabSize: 12 };

let policy: Policy;

beforeAll(async () => {
  await initBackend('wasm');
  policy = createTransformerPolicy(CONFIG, createRng(1));
});

afterAll(() => policy.dispose());

/** Greedy decoding of `rows` short prompts. */
const sample = (rows: number) => ({
  type: 'sample' as const,
  prompts: Array.from({ length: rows }, (_, i) => [1, 3 + (i % 8)]),
  maxNewTokens: 4,
  temperature: 0,
  topK: 0,
  seed: null,
});

/** The likelihood gradient of `rows` full-length rows: at width 32, about half a second of work for 256 rows. */
const grad = (rows: number) => ({
  type: 'grad' as const,
  loss: {
    kind: 'likelihood' as const,
    batch: {
      sequences: Array.from({ length: rows }, (_, i) => Array.from({ length: CONFIG.contextLength }, (_, t) => 3 + ((i + t) % 9))),
      targetStart: Array.from({ length: rows }, () => 1),
    },
  },
});

describe('a pool worker that dies without answering', () => {
  it('fails the call it dies under at once, naming the worker and why, and every later call', async () => {
    const pool = await WorkerPool.start(2, CONFIG, 'wasm');
    try {
      pool.syncWeights(policy.trainable.variables);
      // Both answer while alive.
      expect(pool.call([sample(2), sample(2)]).map((r) => r.type)).toEqual(['sample', 'sample']);
      // A long call, timed; worker 1 ends a quarter of the way into the next one, and the host, blocked in it, hears.
      const long = grad(256);
      const t0 = Date.now();
      pool.call([long, long]);
      const alone = Date.now() - t0;
      const t = Date.now();
      pool.endWorker(1, Math.floor(alone / 4));
      expect(() => pool.call([long, long])).toThrow(/pool worker 1 ended without answering \(call\): it exited with code 1/);
      // Not at the answer limit (30 minutes): once worker 0 has answered and worker 1's end is seen.
      expect(Date.now() - t).toBeLessThan(60_000);
      expect(() => pool.call([sample(1), sample(1)])).toThrow(/pool worker 1 ended without answering/);
    } finally {
      pool.close();
    }
  }, 120_000);

  it('fails the start with the reason where a worker runs out of memory while loading', async () => {
    const t = Date.now();
    await expect(WorkerPool.start(2, CONFIG, 'wasm', { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 })).rejects.toThrow(
      /pool worker 0 ended without answering \(start\): it ran out of memory/,
    );
    expect(Date.now() - t).toBeLessThan(60_000);
  }, 120_000);
});
