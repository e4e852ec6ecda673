import { expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { findPreset } from '../../shared/presets';
import { cyclicProbability } from '../environments/raters';
import { Session } from '../session';
import { initBackend, memoryInfo } from '../tf';

// Under the cyclic rater the class that wins most against the current mix is the one to grow (SPO's reward is the
// win rate); from the warm-up's 60/30/10 mix of rock, scissors, paper that is paper, the rarest.
it('preference-spo-smoke: SPO grows the class that beats the warm-up mix, reports the distance to the Minimax Winner, no tensor leak (seed 1)', async () => {
  await initBackend('wasm');
  const config = RunConfig.parse({ ...findPreset('preference-spo-smoke')!.config, seed: 1, backend: 'wasm' });
  const session = await Session.create(config);
  try {
    const warmup = await session.warmup();
    const names = ['rock', 'scissors', 'paper'];
    const shares = names.map((n) => warmup[`pref/share_${n}`]!);
    const p = config.rater.kind === 'cyclic' ? config.rater.p : NaN;
    const winRate = names.map((_, i) => shares.reduce((a, s, j) => a + s * cyclicProbability(i, j, p), 0));
    const best = winRate.indexOf(Math.max(...winRate));
    expect(names[best]).toBe('paper');
    const tensors: number[] = [];
    let last: Metrics = warmup;
    for (let i = 1; i <= config.iterations; i++) {
      last = (await session.iterate(i)).metrics;
      tensors.push(memoryInfo().numTensors);
    }
    expect(last[`pref/share_${names[best]}`]).toBeGreaterThan(shares[best]! + 0.05);
    for (const key of ['pref/minimax_distance', 'pref/minimax_distance_avg', 'pref/exploitability', 'pref/exploitability_avg'])
      expect(last[key], key).toBeGreaterThanOrEqual(0);
    expect(new Set(tensors).size, `tensor counts per iteration: ${tensors.join(', ')}`).toBe(1);
  } finally {
    session.dispose();
  }
});
