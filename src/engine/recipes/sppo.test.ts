import { beforeAll, describe, expect, it } from 'vitest';
import { trainStep } from '../core/train-step';
import { createTransformerPolicy, type TransformerConfig } from '../policies/transformer';
import { createRng } from '../rng';
import { initBackend, memoryInfo, tf } from '../tf';
import type { Problem, Rater, TrainBatch } from '../types';
import { groupWinRates, preferenceMatrix, sppoPair } from './sppo';
import { sppoLoss } from './sppo-loss';

const problem: Problem = { id: 'q', prompt: 'q', answer: null, level: 1 };

describe("SPPO's win rates", () => {
  it('take sigmoid of score differences from a scoring rater, as the authors do with PairRM', () => {
    const verifier: Rater = { kind: 'verifier', score: (_p, o) => (o === 'right' ? 1 : 0), probability: () => NaN };
    const m = preferenceMatrix(verifier, problem, ['right', 'wrong', 'wrong'], 1);
    const s = 1 / (1 + Math.exp(-1));
    expect(m[0]).toEqual([0.5, expect.closeTo(s, 12), expect.closeTo(s, 12)]);
    expect(m[1]).toEqual([expect.closeTo(1 - s, 12), 0.5, 0.5]);
    // P_w = mean over j of P(w > j), the self-pair's 1/2 included.
    expect(groupWinRates(m)[0]).toBeCloseTo((0.5 + 2 * s) / 3, 12);
    expect(preferenceMatrix(verifier, problem, ['right', 'wrong'], 0.5)[0]![1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
  });

  it("use a probability rater's probabilities as they are", () => {
    const beats: Record<string, number> = { 'r>s': 0.8, 's>p': 0.8, 'p>r': 0.8 };
    const cyclic: Rater = { kind: 'cyclic', probability: (_p, a, b) => (a === b ? 0.5 : (beats[`${a}>${b}`] ?? 0.2)) };
    const m = preferenceMatrix(cyclic, problem, ['r', 's', 'p', 'r'], 1);
    expect(m[0]).toEqual([0.5, 0.8, 0.2, 0.5]);
    expect(groupWinRates(m)).toEqual([0.5, expect.closeTo(0.425, 12), expect.closeTo(0.575, 12), 0.5]);
  });

  it('pair the argmax with the argmin, none when all are equal', () => {
    expect(sppoPair([0.5, 0.45, 0.55, 0.5], createRng(1))).toEqual([2, 1]);
    expect(sppoPair([0.5, 0.5], createRng(1))).toBeNull();
    const tied = [0.6, 0.4, 0.6, 0.4];
    const picks = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => JSON.stringify(sppoPair(tied, createRng(s)))));
    expect(picks.size).toBeGreaterThan(1);
  });
});

describe("SPPO's squared loss", () => {
  const CONFIG: TransformerConfig = { kind: 'transformer', dModel: 16, nLayers: 1, nHeads: 2, contextLength: 12, vocabSize: 12 };
  const BATCH: TrainBatch = {
    sequences: [
      [1, 3, 9, 2],
      [1, 3, 7, 2],
    ],
    targetStart: [2, 2],
  };
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is the sum of (log-ratio - (P - 1/2) / beta)^2 over a pair, at the reference the targets squared', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(2));
    const p = policy.prepare({ ...BATCH, refLogProbs: policy.logProbs(BATCH) });
    const loss = tf.tidy(() => sppoLoss(policy, p, [0.7, 0.4], 0.5, () => undefined).dataSync()[0]!);
    expect(loss).toBeCloseTo(0.4 ** 2 + 0.2 ** 2, 5);
    policy.dispose();
  });

  it("moves the chosen answer's log-ratio up and the rejected one's down towards their targets, without leaking", () => {
    const policy = createTransformerPolicy(CONFIG, createRng(2));
    const ref = policy.clone();
    const batch = { ...BATCH, refLogProbs: ref.logProbs(BATCH) };
    const before = memoryInfo().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const p = policy.prepare(batch);
      losses.push(trainStep(policy.trainable, (keep) => sppoLoss(policy, p, [0.7, 0.3], 0.5, keep), { learningRate: 1e-2, gradClip: 1 }).loss);
    }
    expect(memoryInfo().numTensors).toBe(before);
    expect(losses[7]).toBeLessThan(losses[0]!);
    const sum = (r: number[]) => r.reduce((a, b) => a + b, 0);
    const [w, l] = policy.logProbs(BATCH).map(sum);
    const [rw, rl] = ref.logProbs(BATCH).map(sum);
    expect(w! - rw!).toBeGreaterThan(0);
    expect(l! - rl!).toBeLessThan(0);
    policy.dispose();
    ref.dispose();
  });

  it('refuses win rates that do not match the rows', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(2));
    const p = policy.prepare({ ...BATCH, refLogProbs: policy.logProbs(BATCH) });
    expect(() => tf.tidy(() => sppoLoss(policy, p, [0.7], 0.5, () => undefined))).toThrow(/1 win rates for 2 rows/);
    policy.dispose();
  });
});
