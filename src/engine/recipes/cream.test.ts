import { beforeAll, describe, expect, it } from 'vitest';
import { trainStep } from '../core/train-step';
import { createTransformerPolicy, type TransformerConfig } from '../policies/transformer';
import { createRng } from '../rng';
import { initBackend, memoryInfo, tf } from '../tf';
import type { TrainBatch } from '../types';
import { consistencyWeights, creamDpoLoss, kendallTauB } from './cream';
import { dpoLoss } from './dpo-loss';

describe("Kendall's tau-b", () => {
  it('is 1 for the same order, -1 for the reverse, whatever the scale', () => {
    expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(kendallTauB([1, 2, 3, 4], [0.4, 0.3, 0.2, 0.1])).toBeCloseTo(-1, 12);
  });

  it('matches a hand count without ties', () => {
    // Pairs of (1,3,2,4) against (1,2,3,4): one discordant (3 vs 2) of six, so (5 - 1) / 6.
    expect(kendallTauB([1, 3, 2, 4], [1, 2, 3, 4])).toBeCloseTo(4 / 6, 12);
  });

  it('handles ties as tau-b does (scipy.stats.kendalltau gives 0.6 here)', () => {
    // x has one tied pair, y none: concordant 4, discordant 1 (items 2 and 3 swap), the tied pair counts in neither.
    // tau-b = (4 - 1) / sqrt((6 - 1) * (6 - 0)) = 3 / sqrt(30); x = [1, 1, 2, 3], y = [1, 2, 4, 3].
    expect(kendallTauB([1, 1, 2, 3], [1, 2, 4, 3])).toBeCloseTo(3 / Math.sqrt(30), 12);
    // tied in both rankings (two identical answers) is no evidence either way: the rest still agree fully.
    expect(kendallTauB([1, 1, 2], [5, 5, 6])).toBeCloseTo(1, 12);
  });

  it('is 0 when a ranking is all ties, and refuses lists of different lengths', () => {
    expect(kendallTauB([0, 0, 0], [1, 2, 3])).toBe(0);
    expect(kendallTauB([1], [1])).toBe(0);
    expect(() => kendallTauB([1, 2], [1])).toThrow(/different numbers of items/);
  });
});

describe('consistency weights', () => {
  it('are (tau + 1) / 2 per prompt, their mean over the set, or 1 without consistency', () => {
    expect(consistencyWeights('sample', [1, -1, 0], [1, -1, 0, 0.5])).toEqual([1, 0, 0.5]);
    expect(consistencyWeights('set', [1, -1], [1, -1, 0, 0.6])).toEqual([0.575, 0.575].map((x) => expect.closeTo(x, 12)));
    expect(consistencyWeights('none', [1, -1], [1, -1])).toEqual([1, 1]);
  });
});

const CONFIG: TransformerConfig = { kind: 'transformer', dModel: 16, nLayers: 1, nHeads: 2, contextLength: 12, vocabSize: 12 };
const PROMPTS = [
  [1, 3, 4],
  [1, 5],
];
const CHOSEN = [
  [9, 10],
  [4, 4, 6],
];
const REJECTED = [[7], [8, 3]];
const PAIRS: TrainBatch = {
  sequences: [...CHOSEN, ...REJECTED].map((a, i) => [...PROMPTS[i % 2]!, ...a, 2]),
  targetStart: [0, 1, 2, 3].map((i) => PROMPTS[i % 2]!.length),
};
const SWAPPED: TrainBatch = { sequences: [...PAIRS.sequences.slice(2), ...PAIRS.sequences.slice(0, 2)], targetStart: PAIRS.targetStart };

describe('the consistency-weighted DPO loss', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is DPO at C = 1 and DPO on the swapped pairs at C = 0 (NLL included), after the policy has moved', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(3));
    const ref = createTransformerPolicy(CONFIG, createRng(4)); // another model, so the log-ratios are not zero
    const p = policy.prepare({ ...PAIRS, refLogProbs: ref.logProbs(PAIRS) });
    const swapped = policy.prepare({ ...SWAPPED, refLogProbs: ref.logProbs(SWAPPED) });
    const none = () => undefined;
    const [dpo, cream1, dpoSwapped, cream0] = tf.tidy(() =>
      [
        dpoLoss(policy, p, 0.5, 0.7, none),
        creamDpoLoss(policy, p, [1, 1], 0.5, 0.7, none),
        dpoLoss(policy, swapped, 0.5, 0.7, none),
        creamDpoLoss(policy, p, [0, 0], 0.5, 0.7, none),
      ].map((t) => t.dataSync()[0]!),
    );
    expect(Math.abs(dpo! - dpoSwapped!)).toBeGreaterThan(1e-3);
    expect(cream1).toBeCloseTo(dpo!, 5);
    expect(cream0).toBeCloseTo(dpoSwapped!, 5);
    policy.dispose();
    ref.dispose();
  });

  it('at C = 1/2 leaves the margin where it is: the DPO term has zero gradient at the reference', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(9));
    const ref = policy.clone();
    const batch = { ...PAIRS, refLogProbs: ref.logProbs(PAIRS) };
    const before = memoryInfo().numTensors;
    const p = policy.prepare(batch);
    const kept: Record<string, number> = {};
    const result = trainStep(policy.trainable, (keep) => creamDpoLoss(policy, p, [0.5, 0.5], 0.5, 0, keep), { learningRate: 1e-2, gradClip: 1 });
    expect(result.loss).toBeCloseTo(Math.LN2, 5);
    expect(result.gradNorm).toBeLessThan(1e-5);
    tf.tidy(() => {
      creamDpoLoss(policy, policy.prepare(batch), [0.5, 0.5], 0.5, 0, (n, t) => (kept[n] = t.dataSync()[0]!));
    });
    expect(kept.margin).toBeCloseTo(0, 5);
    expect(memoryInfo().numTensors).toBe(before);
    policy.dispose();
    ref.dispose();
  });

  it('refuses weights that do not match the pairs', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(9));
    const p = policy.prepare({ ...PAIRS, refLogProbs: policy.logProbs(PAIRS) });
    expect(() => tf.tidy(() => creamDpoLoss(policy, p, [1], 0.5, 0, () => undefined))).toThrow(/1 consistency weights for 2 pairs/);
    policy.dispose();
  });
});
