import { beforeAll, describe, expect, it } from 'vitest';
import { trainStep } from '../core/train-step';
import { createTransformerPolicy, type TransformerConfig } from '../policies/transformer';
import { createRng } from '../rng';
import { initBackend, memoryInfo, tf } from '../tf';
import type { Policy, TrainBatch } from '../types';
import { dpoLoss, dpoTerms, softplus } from './dpo-loss';

const CONFIG: TransformerConfig = { kind: 'transformer', dModel: 16, nLayers: 1, nHeads: 2, contextLength: 12, vocabSize: 12 };
// Two pairs: same prompt within a pair, chosen rows first, then the rejected rows in the same order.
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

beforeAll(async () => {
  await initBackend('wasm');
});

function logRatios(policy: Policy, ref: Policy): { chosen: number[]; rejected: number[] } {
  const sum = (rows: number[][]) => rows.map((r) => r.reduce((a, b) => a + b, 0));
  const pi = sum(policy.logProbs(PAIRS));
  const r = sum(ref.logProbs(PAIRS));
  const d = pi.map((x, i) => x - r[i]!);
  return { chosen: d.slice(0, 2), rejected: d.slice(2) };
}

describe('the DPO loss', () => {
  it('matches a hand computation on two pairs', () => {
    const beta = 0.5;
    const out = tf.tidy(() => {
      const t = dpoTerms(tf.tensor1d([-1, -2]), tf.tensor1d([-3, -1]), tf.tensor1d([-1.5, -2]), tf.tensor1d([-2, -2]), beta);
      return [t.loss, t.chosenLogRatio, t.rejectedLogRatio, t.margin, t.accuracy].map((x) => x.dataSync()[0]!);
    });
    // log-ratios: chosen (0.5, 0), rejected (-1, 1); logits beta * (1.5, -1) = (0.75, -0.5)
    const softplus = (x: number) => Math.log(1 + Math.exp(x));
    expect(out[0]).toBeCloseTo((softplus(-0.75) + softplus(0.5)) / 2, 5);
    expect(out[1]).toBeCloseTo(0.25, 5);
    expect(out[2]).toBeCloseTo(0, 5);
    expect(out[3]).toBeCloseTo(0.125, 5);
    expect(out[4]).toBeCloseTo(0.5, 5);
  });

  it('computes softplus stably far from zero', () => {
    const out = tf.tidy(() => Array.from(softplus(tf.tensor1d([-100, 0, 100])).dataSync()));
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo(Math.LN2, 6);
    expect(out[2]).toBeCloseTo(100, 4);
  });

  it('is log 2 with zero margin when the policy is its reference', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(5));
    const ref = policy.clone();
    const p = policy.prepare({ ...PAIRS, refLogProbs: ref.logProbs(PAIRS) });
    const kept: Record<string, number> = {};
    const loss = tf.tidy(() => dpoLoss(policy, p, 0.1, 0, (name, t) => (kept[name] = t.dataSync()[0]!)).dataSync()[0]!);
    expect(loss).toBeCloseTo(Math.LN2, 5);
    expect(kept.margin).toBeCloseTo(0, 5);
    expect(kept.chosen_logratio).toBeCloseTo(0, 5);
    policy.dispose();
    ref.dispose();
  });

  it('trains the chosen log-ratio up and the rejected one down, lowering the loss, without leaking', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(9));
    const ref = policy.clone();
    const batch = { ...PAIRS, refLogProbs: ref.logProbs(PAIRS) };
    const before = memoryInfo().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const p = policy.prepare(batch);
      losses.push(trainStep(policy.trainable, (keep) => dpoLoss(policy, p, 0.5, 0, keep), { learningRate: 1e-2, gradClip: 1 }).loss);
    }
    expect(memoryInfo().numTensors).toBe(before);
    expect(losses[4]).toBeLessThan(losses[0]!);
    const r = logRatios(policy, ref);
    for (const c of r.chosen) expect(c).toBeGreaterThan(0);
    for (const l of r.rejected) expect(l).toBeLessThan(0);
    policy.dispose();
    ref.dispose();
  });

  it('with an NLL weight, also raises the likelihood of the chosen answers', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(9));
    const ref = policy.clone();
    const p = policy.prepare({ ...PAIRS, refLogProbs: ref.logProbs(PAIRS) });
    const kept: Record<string, number> = {};
    const [plain, withNll] = tf.tidy(() =>
      [dpoLoss(policy, p, 0.5, 0, () => undefined), dpoLoss(policy, p, 0.5, 1, (n, t) => (kept[n] = t.dataSync()[0]!))].map((t) => t.dataSync()[0]!),
    );
    // At the reference the DPO term is log 2 and the rest is the chosen answers' per-token NLL, which is positive.
    expect(kept.dpo).toBeCloseTo(plain!, 6);
    expect(withNll! - plain!).toBeGreaterThan(0);
    const chosenTokens = CHOSEN.reduce((n, a) => n + a.length + 1, 0);
    const chosenLp = ref
      .logProbs(PAIRS)
      .slice(0, 2)
      .flat()
      .reduce((a, b) => a + b, 0);
    expect(withNll! - plain!).toBeCloseTo(-chosenLp / chosenTokens, 4);
    policy.dispose();
    ref.dispose();
  });
});
