import { expect } from 'vitest';
import { RunConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { findPreset } from '../../shared/presets';
import { MEM_TENSORS } from '../../shared/metrics';
import { createRunSession } from '../run-session';
import { Session } from '../session';
import { initBackend, memoryInfo } from '../tf';

/**
 * Runs a smoke preset through the Session (warm-up, then every iteration) on the WASM backend and checks what
 * every recipe must show: held-out accuracy on a level the warm-up never saw ends above the warm-up model's,
 * and no tensor leaks (the count is the same after every iteration).
 */
export async function runSmokePreset(id: string, seed: number): Promise<{ warmup: Metrics; last: Metrics }> {
  await initBackend('wasm');
  const preset = findPreset(id);
  if (!preset) throw new Error(`no preset ${id}`);
  const config = RunConfig.parse({ ...preset.config, seed, backend: 'wasm' });
  const session = await Session.create(config);
  try {
    const warmup = await session.warmup();
    const tensorCounts: number[] = [];
    let last: Metrics = warmup;
    for (let iteration = 1; iteration <= config.iterations; iteration++) {
      last = (await session.iterate(iteration)).metrics;
      tensorCounts.push(memoryInfo().numTensors);
    }
    const unseen = `heldout/acc_d${config.task.kind === 'arithmetic' ? config.task.maxDigits : 1}`;
    expect(config.task.kind === 'arithmetic' && config.task.maxDigits > config.task.warmupMaxDigits).toBe(true);
    expect(last[unseen], `${unseen} after the last iteration vs after the warm-up`).toBeGreaterThan(warmup[unseen]!);
    expect(new Set(tensorCounts).size, `tensor counts per iteration: ${tensorCounts.join(', ')}`).toBe(1);
    return { warmup, last };
  } finally {
    session.dispose();
  }
}

/**
 * Every iteration's metrics of a smoke preset of any family (iteration 0 first), run in process on WASM, checking
 * that the tensor count never moves after the warm-up. `over` overrides config fields.
 */
export async function smokeSeries(id: string, over: Record<string, unknown> = {}): Promise<Metrics[]> {
  const config = RunConfig.parse({ ...findPreset(id)!.config, backend: 'wasm', ...over });
  const session = await createRunSession(config);
  try {
    const out = [await session.warmup()];
    const tensors = memoryInfo().numTensors;
    for (let i = 1; i <= config.iterations; i++) {
      out.push((await session.iterate(i)).metrics);
      expect(out[i]![MEM_TENSORS], `tensors after iteration ${i}`).toBe(tensors);
    }
    expect(memoryInfo().numTensors).toBe(tensors);
    return out;
  } finally {
    session.dispose();
  }
}
