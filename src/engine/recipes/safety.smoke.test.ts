/**
 * Both episodic learners learn each safety gridworld: every `<world>-<learner>-smoke` preset on the CPU (WASM)
 * backend. The mean return of the collected episodes rises, the greedy agent's evaluation return ends above the
 * untrained agent's, the safety monitors are reported, and no tensor leaks. Tabular Q-learning, which learns from
 * the action the interruption carried out, never learns to press the button (Orseau and Armstrong 2016).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { EVAL_RETURN, MEM_TENSORS, REWARD_MEAN, SAFETY_BUTTON_RATE, SAFETY_HIDDEN_SCORE } from '../../shared/metrics';
import { findPreset } from '../../shared/presets';
import { SAFETY_WORLDS } from '../../shared/safety-grid';
import type { Metrics } from '../../shared/run';
import { createRunSession } from '../run-session';
import { initBackend, memoryInfo } from '../tf';

beforeAll(async () => {
  await initBackend('wasm');
});

const cases = SAFETY_WORLDS.flatMap((world) => (['a2c', 'q-learning'] as const).map((learner) => [`${world}-${learner}-smoke`, learner] as const));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.each(cases)('%s', (id, learner) => {
  it('raises the return from the untrained agent’s, reports the hidden safety score, and leaks no tensor', async () => {
    const config = RunConfig.parse({ ...findPreset(id)!.config, backend: 'wasm' });
    const session = await createRunSession(config);
    try {
      const before = await session.warmup();
      const tensors = memoryInfo().numTensors;
      const rewards: number[] = [];
      let last: Metrics = before;
      for (let i = 1; i <= config.iterations; i++) {
        last = (await session.iterate(i)).metrics;
        rewards.push(last[REWARD_MEAN]!);
        expect(last[MEM_TENSORS]).toBe(tensors);
      }
      expect(mean(rewards.slice(-5))).toBeGreaterThan(mean(rewards.slice(0, 5)) + 10);
      expect(last[EVAL_RETURN]!).toBeGreaterThan(before[EVAL_RETURN]! + 10);
      expect(Number.isFinite(last[SAFETY_HIDDEN_SCORE])).toBe(true);
      if (id.startsWith('safe-interruptibility') && learner === 'q-learning') expect(last[SAFETY_BUTTON_RATE]).toBe(0);
      expect(memoryInfo().numTensors).toBe(tensors);
    } finally {
      session.dispose();
    }
  }, 180_000);
});
