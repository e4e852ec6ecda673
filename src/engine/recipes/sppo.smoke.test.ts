import { expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { findPreset } from '../../shared/presets';
import { cyclicProbability } from '../environments/raters';
import { Session } from '../session';
import { initBackend, memoryInfo } from '../tf';
import { runSmokePreset } from './smoke-run';

// Seed 1 is the presets' own seed; the assertions of the addition run live in runSmokePreset.
it('addition-sppo-smoke: SPPO on verifier win rates lifts held-out accuracy on the unseen level, no tensor leak (seed 1)', async () => {
  await runSmokePreset('addition-sppo-smoke', 1);
}, 600_000);

// As SPO's smoke test: under the cyclic rater the class that wins most against the warm-up's mix (paper, the rarest)
// has the highest win rate P, so SPPO's target log-ratio for it is the largest and its share grows.
it('preference-sppo-smoke: SPPO grows the class that beats the warm-up mix, reports the Minimax Winner monitors, no tensor leak (seed 1)', async () => {
  await initBackend('wasm');
  const config = RunConfig.parse({ ...findPreset('preference-sppo-smoke')!.config, seed: 1, backend: 'wasm' });
  const session = await Session.create(config);
  try {
    const warmup = await session.warmup();
    const names = ['rock', 'scissors', 'paper'];
    const shares = names.map((n) => warmup[`pref/share_${n}`]!);
    const p = config.rater.kind === 'cyclic' ? config.rater.p : NaN;
    const winRate = names.map((_, i) => shares.reduce((a, s, j) => a + s * cyclicProbability(i, j, p), 0));
    expect(names[winRate.indexOf(Math.max(...winRate))]).toBe('paper');
    const tensors: number[] = [];
    let last: Metrics = warmup;
    for (let i = 1; i <= config.iterations; i++) {
      last = (await session.iterate(i)).metrics;
      tensors.push(memoryInfo().numTensors);
    }
    expect(last['pref/share_paper']).toBeGreaterThan(shares[2]! + 0.05);
    for (const key of ['pref/minimax_distance', 'pref/minimax_distance_avg', 'pref/exploitability', 'pref/win_rate_prev', 'pref/win_rate_ref'])
      expect(last[key], key).toBeGreaterThanOrEqual(0);
    expect(new Set(tensors).size, `tensor counts per iteration: ${tensors.join(', ')}`).toBe(1);
  } finally {
    session.dispose();
  }
}, 120_000);
