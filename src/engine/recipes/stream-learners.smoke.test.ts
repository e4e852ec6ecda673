/**
 * The three class-stream learners learn under concept shift: each `shift-*-smoke` preset (a generated 10-class set,
 * 5 label swaps per epoch) on the CPU (WASM) backend, in seconds. The validation accuracy rises well above the
 * untrained classifier's, the online accuracy of the last iteration beats the first's, the shift monitors report,
 * and no tensor leaks over the iterations.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { EVAL_ACCURACY, LR_ETA, MEM_TENSORS, SHIFT_ACC_BEFORE, SHIFT_COUNT, SHIFT_RECOVERED, SHIFT_RECOVERY_STEPS, TRAIN_ACCURACY } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import { findPreset } from '../../shared/presets';
import { createRunSession } from '../run-session';
import { initBackend, memoryInfo } from '../tf';

beforeAll(async () => {
  await initBackend('wasm');
});

describe.each(['homeostatic-lr', 'constant-lr', 'random-lr'])('%s under concept shift (smoke)', (kind) => {
  it('raises the validation accuracy far above chance through the shifts, leaking no tensor', async () => {
    const config = RunConfig.parse({ ...findPreset(`shift-${kind}-smoke`)!.config, backend: 'wasm' });
    const session = await createRunSession(config);
    try {
      const before = await session.warmup();
      const tensors = memoryInfo().numTensors;
      const rows: Metrics[] = [];
      for (let i = 1; i <= config.iterations; i++) {
        rows.push((await session.iterate(i)).metrics);
        expect(rows.at(-1)![MEM_TENSORS]).toBe(tensors);
      }
      const last = rows.at(-1)!;
      expect(before[EVAL_ACCURACY]!).toBeLessThan(0.3);
      expect(last[EVAL_ACCURACY]!).toBeGreaterThan(before[EVAL_ACCURACY]! + 0.3);
      expect(last[TRAIN_ACCURACY]!).toBeGreaterThan(rows[0]![TRAIN_ACCURACY]! + 0.2);
      expect(rows.reduce((n, m) => n + m[SHIFT_COUNT]!, 0)).toBe(15);
      expect(rows.some((m) => m[SHIFT_ACC_BEFORE] !== undefined)).toBe(true);
      // Some shift recovered, and each iteration's recovery count goes with its mean recovery time.
      expect(rows.reduce((n, m) => n + m[SHIFT_RECOVERED]!, 0)).toBeGreaterThan(0);
      for (const m of rows) expect(m[SHIFT_RECOVERY_STEPS] !== undefined).toBe(m[SHIFT_RECOVERED]! > 0);
      for (const m of rows) expect(m[LR_ETA]!).toBeGreaterThan(0);
      if (kind === 'constant-lr') expect(new Set(rows.map((m) => m[LR_ETA])).size).toBe(1);
      else expect(new Set(rows.map((m) => m[LR_ETA])).size).toBeGreaterThan(1);
      expect(memoryInfo().numTensors).toBe(tensors);
    } finally {
      session.dispose();
    }
  }, 120_000);
});
