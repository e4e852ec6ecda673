import { it } from 'vitest';
import { runSmokePreset } from './smoke-run';

// Seed 1 is the preset's own seed; the assertions live in runSmokePreset.
it('addition-dpo-smoke: online DPO lifts held-out accuracy on the unseen level, no tensor leak (seed 1)', async () => {
  await runSmokePreset('addition-dpo-smoke', 1);
});
