/**
 * A text run with 2 pool workers: it trains and evaluates through the pool, replays the same metrics from the same
 * seed, and continues bit-for-bit from its state in a fresh session (the checkpoint holds nothing of the workers).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { RunConfig, type RunConfigInput } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { Session } from '../session';
import { runSession, straightAndResumed } from '../session-replay';
import { initBackend } from '../tf';
import { WorkerPool } from './worker-pool';

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

/**
 * The preference recipes (DPO, Self-Rewarding with CREAM, SPPO on pair losses; SPO on GRPO's), at their registry
 * contract sizes.
 * DPO and SPPO run on the preference task under the cyclic rater, with a warm-up long enough that a group's samples
 * differ (a tiny model's sums are all wrong, and equal rewards give no pair).
 */
const onPreferences: Partial<RunConfigInput> = {
  task: { kind: 'preference' },
  rater: { kind: 'cyclic', p: 0.8 },
  policy: { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 },
  optim: { batchSize: 8, warmupSteps: 2, learningRate: 0.01 },
  warmup: { steps: 100 },
};
const PREFERENCE_RUNS: Array<Partial<RunConfigInput>> = [
  { ...onPreferences, recipe: { kind: 'dpo', promptsPerIteration: 4, samplesPerPrompt: 4, pairsPerPrompt: 2, stepsPerIteration: 2, nllWeight: 0.5 } },
  { recipe: { kind: 'self-rewarding', promptsPerIteration: 4, samplesPerPrompt: 4, stepsPerIteration: 2, consistency: 'sample', winRatePrompts: 3 } },
  { ...onPreferences, recipe: { kind: 'sppo', promptsPerIteration: 3, samplesPerPrompt: 4, stepsPerIteration: 2, winRatePrompts: 3 } },
  // SPO is GRPO's loss on win-rate advantages: its steps are the GRPO requests.
  { ...onPreferences, recipe: { kind: 'spo', promptsPerIteration: 3, groupSize: 4, stepsPerIteration: 2 } },
];

/** The run straight through, checking it has the workers it asked for. */
const run = (config: RunConfig): Promise<Metrics[]> => runSession(config, (session) => expect(session.workers).toBe(config.workers));

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

  it('replays the preference recipes (data-parallel pair and GRPO steps) from the same seed, and resumes DPO bit-for-bit', async () => {
    const kinds = new Set<string>();
    const realCall = WorkerPool.prototype.call;
    const call = vi.spyOn(WorkerPool.prototype, 'call').mockImplementation(function (this: WorkerPool, requests) {
      for (const r of requests) if (r.type === 'grad') kinds.add(r.loss.kind === 'pairs' ? r.loss.loss.kind : r.loss.kind);
      return realCall.call(this, requests);
    });
    try {
      for (const over of PREFERENCE_RUNS) {
        const config = tiny(over);
        const a = await run(config);
        expect(await run(config)).toEqual(a);
      }
      expect([...kinds].sort()).toEqual(['cream', 'dpo', 'grpo', 'likelihood', 'sppo']);
      const { straight, resumed } = await straightAndResumed(tiny(PREFERENCE_RUNS[0]));
      expect(resumed).toEqual(straight[2]);
      expect(straight[2]!['dpo/pairs']).toBeGreaterThan(0);
    } finally {
      call.mockRestore();
    }
  });

  it('continues bit-for-bit from getState() in a fresh session with its own pool', async () => {
    const { straight, resumed } = await straightAndResumed(tiny());
    expect(resumed).toEqual(straight[2]);
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
