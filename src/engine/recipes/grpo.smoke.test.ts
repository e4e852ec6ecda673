import { it } from 'vitest';
import { runSmokePreset } from './smoke-run';

// Seed 1 is the preset's own seed; the assertions live in runSmokePreset.
it('addition-grpo-smoke: self-improvement lifts held-out accuracy on the unseen level, no tensor leak (seed 1)', async () => {
  await runSmokePreset('addition-grpo-smoke', 1);
});
