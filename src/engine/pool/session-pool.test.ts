/**
 * A text run with 2 pool workers: it trains and evaluates through the pool, replays the same metrics from the same
 * seed, and continues bit-for-bit from its state in a fresh session (the checkpoint holds nothing of the workers).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig, type RunConfigInput } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { Session } from '../session';
import { initBackend } from '../tf';

const tiny = (over: Partial<RunConfigInput> = {}): RunConfig =>
  RunConfig.parse({
    seed: 7,
    backend: 'wasm',
    workers: 2,
    iterations: 2,
    task: { kind: 'arithmetic', warmupMaxDigits: 1, maxDigits: 2, heldoutPerLevel: 8 },
    policy: { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 12 },
    optim: { batchSize: 8, warmupSteps: 2 },
    warmup: { steps: 6 },
    recipe: { kind: 'star', promptsPerIteration: 4, samplesPerPrompt: 3, trainStepsPerIteration: 2 },
    ...over,
  });

const replayable = (m: Metrics): Metrics => Object.fromEntries(Object.entries(m).filter(([k]) => !/^(time|perf|mem)\//.test(k)));

async function run(config: RunConfig): Promise<Metrics[]> {
  const session = await Session.create(config);
  try {
    expect(session.workers).toBe(config.workers);
    const out = [replayable(await session.warmup())];
    for (let i = 1; i <= config.iterations; i++) out.push(replayable((await session.iterate(i)).metrics));
    return out;
  } finally {
    session.dispose();
  }
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('a text run with 2 workers', () => {
  it('replays the same metrics from the same seed', async () => {
    const a = await run(tiny());
    expect(a[0]!['train/loss']).toBeGreaterThan(0);
    expect(a[2]!['heldout/acc_mean']).toBeDefined();
    expect(await run(tiny())).toEqual(a);
  });

  it('replays a GRPO run (data-parallel policy-gradient steps) from the same seed', async () => {
    const grpo = tiny({ recipe: { kind: 'grpo', promptsPerIteration: 3, groupSize: 3, stepsPerIteration: 2 } });
    const a = await run(grpo);
    expect(a[1]!['grpo/entropy']).toBeDefined();
    expect(await run(grpo)).toEqual(a);
  });

  it('continues bit-for-bit from getState() in a fresh session with its own pool', async () => {
    const config = tiny();
    const straight = await run(config);
    const first = await Session.create(config);
    await first.warmup();
    await first.iterate(1);
    const state = first.getState();
    first.dispose();
    const second = await Session.create(config);
    try {
      second.setState(state);
      expect(replayable((await second.iterate(2)).metrics)).toEqual(straight[2]);
    } finally {
      second.dispose();
    }
  });

  it('evaluates exactly as one worker does: the held-out scorecard, the probes and the archive solve', async () => {
    const one = await Session.create(tiny({ workers: 1 }));
    const two = await Session.create(tiny());
    try {
      await one.warmup();
      two.setState(one.getState());
      const a = one.assess();
      const b = two.assess();
      expect(b.perLevel).toEqual(a.perLevel);
      expect(b.score).toEqual(a.score);
      expect(b.probes).toEqual(a.probes);
      expect(a.perLevel.reduce((n, r) => n + r.n, 0)).toBeGreaterThan(8);
      const problems = one.task.heldout(2);
      expect(two.solve(problems)).toEqual(one.solve(problems));
    } finally {
      one.dispose();
      two.dispose();
    }
  });

  it('runs in process with workers 1', async () => {
    const session = await Session.create(tiny({ workers: 1 }));
    expect(session.workers).toBe(1);
    session.dispose();
  });
});
