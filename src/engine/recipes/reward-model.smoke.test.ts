import { expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { findPreset } from '../../shared/presets';
import { Session } from '../session';
import { initBackend, memoryInfo } from '../tf';

it('preference-reward-model-smoke: policy gradient on the fitted reward grows the class it ranks first, no tensor leak (seed 1)', async () => {
  await initBackend('wasm');
  const config = RunConfig.parse({ ...findPreset('preference-reward-model-smoke')!.config, seed: 1, backend: 'wasm' });
  const session = await Session.create(config);
  try {
    const warmup = await session.warmup();
    const tensors: number[] = [];
    const runs: Metrics[] = [];
    for (let i = 1; i <= config.iterations; i++) {
      runs.push((await session.iterate(i)).metrics);
      tensors.push(memoryInfo().numTensors);
    }
    const names = ['rock', 'scissors', 'paper'];
    const last = runs[runs.length - 1]!;
    // The class the reward model ranked first over the run gained share.
    const mean = (k: string) => runs.reduce((a, m) => a + m[k]!, 0) / runs.length;
    const top = names.reduce((a, b) => (mean(`rm/utility_${a}`) >= mean(`rm/utility_${b}`) ? a : b));
    expect(last[`pref/share_${top}`]).toBeGreaterThan(warmup[`pref/share_${top}`]! + 0.05);
    expect(last['rm/accuracy']).toBeGreaterThan(0.5);
    expect(new Set(tensors).size, `tensor counts per iteration: ${tensors.join(', ')}`).toBe(1);
  } finally {
    session.dispose();
  }
});
