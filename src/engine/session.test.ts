import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig, type RunConfigInput } from '../shared/config';
import { CodedError } from '../shared/errors';
import { WARMUP_LOSS_POINTS, type Metrics } from '../shared/run';
import { Session } from './session';
import { replayable, runSession, straightAndResumed } from './session-replay';
import { learningRateAt, warmupTraceEvery } from './session-schedule';
import { initBackend, memoryInfo } from './tf';

const tiny = (recipe: RunConfigInput['recipe'], over: Partial<RunConfigInput> = {}): RunConfig =>
  RunConfig.parse({
    seed: 7,
    backend: 'wasm',
    iterations: 2,
    task: { kind: 'arithmetic', warmupMaxDigits: 1, maxDigits: 2, heldoutPerLevel: 8 },
    policy: { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 12 },
    optim: { batchSize: 8, warmupSteps: 2 },
    warmup: { steps: 6 },
    recipe,
    ...over,
  });
const star: RunConfigInput['recipe'] = {
  kind: 'star',
  promptsPerIteration: 4,
  samplesPerPrompt: 3,
  trainStepsPerIteration: 2,
  balance: { enabled: true, probeQueries: 2, temperatures: [0.5, 1], thresholds: [0.3, 0.6] },
};
const grpo: RunConfigInput['recipe'] = { kind: 'grpo', promptsPerIteration: 3, groupSize: 3, stepsPerIteration: 2 };

/** Metrics that must replay exactly (time, speed and memory vary from run to run). */
const run = (config: RunConfig): Promise<Metrics[]> => runSession(config);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('Session', () => {
  it('replays the same metrics from the same config and seed, and a different seed differs', async () => {
    for (const recipe of [star, grpo]) {
      const a = await run(tiny(recipe));
      expect(await run(tiny(recipe))).toEqual(a);
      expect(a[1]!['balance/temperature'] ?? a[1]!['grpo/entropy']).toBeDefined();
      expect(await run(tiny(recipe, { seed: 8 }))).not.toEqual(a);
    }
  });

  it('a warm-up stopped part-way continues bit-for-bit from its state in a fresh session', async () => {
    const config = tiny(star, { iterations: 1, warmup: { steps: 9 } });
    const straight = await run(config);
    let boundaries = 0;
    const first = await Session.create(config, {
      stepBoundary: async () => {
        // The 5th boundary comes before step 4: steps 0-3 are done.
        if (++boundaries === 5) throw new Error('stop');
      },
    });
    await expect(first.warmup()).rejects.toThrow('stop');
    expect(first.warmupLoss()).toBeNull(); // not finished: nothing to commit yet
    const state = first.getState();
    first.dispose();
    expect(state.warmupDone).toBe(false);
    expect(state.warmup).toMatchObject({ step: 4, trained: 4 });
    const second = await Session.create(config);
    second.setState(state);
    try {
      const resumed = [replayable(await second.warmup()), replayable((await second.iterate(1)).metrics)];
      expect(resumed).toEqual(straight);
      expect(second.getState().warmup).toBeUndefined();
      // The loss curve went through the warm-up checkpoint too: one point per step, none lost or repeated.
      const trace = second.warmupLoss();
      expect(trace?.steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(trace?.loss.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
      expect(trace?.loss.at(-1)).toBeCloseTo(straight[0]!['train/loss']!, 6);
    } finally {
      second.dispose();
    }
  });

  it('continues bit-for-bit from getState() in a fresh session (resume neither repeats nor skips)', async () => {
    const { straight, resumed } = await straightAndResumed(tiny(star, { iterations: 2 }));
    expect(resumed).toEqual(straight[2]);
  });

  it('reports the metrics every iteration promises and frees its tensors on dispose', async () => {
    const before = memoryInfo().numTensors;
    const session = await Session.create(tiny(star));
    const warm = await session.warmup();
    expect(warm['train/loss']).toBeGreaterThan(0);
    const { metrics, trajectories } = await session.iterate(1);
    for (const key of [
      'reward/mean',
      'explore/pass_at_k',
      'explore/distinct_answers',
      'explore/distinct_2',
      'exploit/reward_precision',
      'balance/score',
      'balance/temperature',
      'balance/threshold',
      'train/loss',
      'train/kept',
      'train/kept_fraction',
      'curriculum/level',
      'heldout/acc_d2',
      'heldout/acc_unseen',
      'perf/train_tokens_per_s',
      'perf/sample_tokens_per_s',
      'time/sample_s',
      'time/train_s',
      'time/eval_s',
      'time/iteration_s',
      'mem/tensors',
      'mem/bytes',
    ]) {
      expect(metrics[key], key).toBeTypeOf('number');
    }
    expect(trajectories.length).toBe(4 * 3);
    session.dispose();
    expect(memoryInfo().numTensors).toBe(before);
  });

  it('rejects a context too short for the task, naming policy.contextLength and the needed length', async () => {
    const config = tiny(star, { policy: { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8 } });
    await expect(Session.create(config)).rejects.toThrow(CodedError);
    await expect(Session.create(config)).rejects.toThrow(/policy\.contextLength is 8 .* at least 11/);
  });

  it('keeps at most WARMUP_LOSS_POINTS points of a warm-up of any length', () => {
    for (const steps of [1, 9, 499, 500, 501, 1000, 12345, 1e6]) {
      const every = warmupTraceEvery(steps);
      const points = Math.floor(steps / every) + (steps % every === 0 ? 0 : 1);
      expect(points).toBeLessThanOrEqual(WARMUP_LOSS_POINTS);
      // ...and not needlessly fewer: every step of a short warm-up, at least half the cap of a long one.
      expect(points).toBeGreaterThanOrEqual(Math.min(steps, WARMUP_LOSS_POINTS / 2));
    }
  });

  it('schedules the learning rate: linear warm-up, cosine down to minLrRatio', () => {
    const optim = { learningRate: 1e-2, warmupSteps: 10, minLrRatio: 0.1, gradClip: 1, batchSize: 8 };
    expect(learningRateAt(optim, 0, 110)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(optim, 9, 110)).toBeCloseTo(1e-2, 12);
    expect(learningRateAt(optim, 60, 110)).toBeCloseTo(1e-3 + 9e-3 * 0.5, 12);
    expect(learningRateAt(optim, 110, 110)).toBeCloseTo(1e-3, 12);
  });
});
