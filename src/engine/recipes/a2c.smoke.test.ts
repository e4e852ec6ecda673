/**
 * A2C learns the 5x5 gridworld: the gridworld-a2c-smoke preset on the CPU (WASM) backend, in seconds. The mean
 * episode return rises, the agent reaches the goal in most of the fixed evaluation episodes, and no tensor leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { EVAL_RETURN, EVAL_SUCCESS_RATE, MEM_TENSORS, REWARD_MEAN } from '../../shared/metrics';
import { findPreset } from '../../shared/presets';
import { createRunSession } from '../run-session';
import { initBackend, memoryInfo } from '../tf';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('a2c on the gridworld (smoke)', () => {
  it('raises the return and reaches the goal in >= 80% of the evaluation episodes, leaking no tensor', async () => {
    const config = RunConfig.parse({ ...findPreset('gridworld-a2c-smoke')!.config, backend: 'wasm' });
    const session = await createRunSession(config);
    try {
      const before = await session.warmup();
      const tensors = memoryInfo().numTensors;
      const rewards: number[] = [];
      let last = before;
      for (let i = 1; i <= config.iterations; i++) {
        last = (await session.iterate(i)).metrics;
        rewards.push(last[REWARD_MEAN]!);
        expect(last[MEM_TENSORS]).toBe(tensors);
      }
      const first5 = rewards.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
      const last5 = rewards.slice(-5).reduce((a, b) => a + b, 0) / 5;
      expect(last5).toBeGreaterThan(first5 + 0.2);
      expect(last[EVAL_RETURN]!).toBeGreaterThan(before[EVAL_RETURN]! + 0.3);
      expect(before[EVAL_SUCCESS_RATE]!).toBeLessThan(0.5);
      expect(last[EVAL_SUCCESS_RATE]!).toBeGreaterThanOrEqual(0.8);
      expect(memoryInfo().numTensors).toBe(tensors);
    } finally {
      session.dispose();
    }
  }, 120_000);
});
