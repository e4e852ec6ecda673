import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { findPreset } from '../../shared/presets';
import { ClassStreamSession } from '../class-stream-session';
import { initBackend, memoryInfo } from '../tf';
import { ReplayMemory } from './replay-memory';

describe('the memory of examples', () => {
  it('keeps the most recent examples up to its capacity and replays them in turn, wrapping', () => {
    const m = new ReplayMemory(4);
    expect(m.next(2)).toEqual({ indices: [], labels: [] });
    m.remember([1, 2, 3], [0, 1, 2]);
    m.remember([4, 5], [3, 4]);
    expect(m.size).toBe(4);
    expect(m.getState().indices).toEqual([2, 3, 4, 5]);
    expect(m.next(3).indices).toEqual([2, 3, 4]);
    expect(m.next(3)).toEqual({ indices: [5, 2, 3], labels: [4, 1, 2] });
  });

  it('is off at capacity 0, and a smaller capacity keeps the newest of a stored memory', () => {
    const off = new ReplayMemory(0);
    off.remember([1, 2], [1, 1]);
    expect(off.size).toBe(0);
    const shrunk = new ReplayMemory(2, { indices: [7, 8, 9], labels: [1, 2, 3], cursor: 2 });
    expect(shrunk.getState()).toEqual({ indices: [8, 9], labels: [2, 3], cursor: 1 });
  });

  it('refuses a malformed stored memory', () => {
    expect(() => new ReplayMemory(4, { indices: [1], labels: [], cursor: 0 })).toThrow(/malformed/);
  });
});

describe('a learner with a memory of examples', () => {
  it('trains on the remembered examples beside the stream, and continues bit-for-bit from a checkpoint', async () => {
    await initBackend('wasm');
    const preset = findPreset('shift-constant-lr-smoke')!.config;
    const config = RunConfig.parse({ ...preset, backend: 'wasm', recipe: { ...preset.recipe, batchesPerIteration: 10, replay: 30 } });
    const a = await ClassStreamSession.create(config);
    const b = await ClassStreamSession.create(config);
    try {
      await a.warmup();
      const first = await a.iterate(1);
      // The first minibatch has nothing to replay; each later one replays a minibatch (10) from the memory.
      expect(first.metrics['train/replayed']).toBe(9 * 10);
      const tensors = memoryInfo().numTensors;
      b.setState(structuredClone(a.getState()));
      const [x, y] = [await a.iterate(2), await b.iterate(2)];
      expect(y.metrics['eval/accuracy']).toBe(x.metrics['eval/accuracy']);
      expect(y.metrics['train/loss']).toBe(x.metrics['train/loss']);
      expect(memoryInfo().numTensors).toBe(tensors);
      const plain = RunConfig.parse({ ...config, recipe: { ...config.recipe, replay: 0 } });
      const c = await ClassStreamSession.create(plain);
      await c.warmup();
      const without = await c.iterate(1);
      c.dispose();
      expect(without.metrics['train/replayed']).toBeUndefined();
      expect(without.metrics['train/loss']).not.toBe(first.metrics['train/loss']);
    } finally {
      a.dispose();
      b.dispose();
    }
  }, 60_000);
});
