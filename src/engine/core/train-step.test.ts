import { beforeAll, describe, expect, it } from 'vitest';
import { createTransformerPolicy, type TransformerConfig } from '../policies/transformer';
import { grpoLoss } from '../recipes/grpo';
import { likelihoodLoss, likelihoodStep } from '../recipes/likelihood';
import { createRng } from '../rng';
import { initBackend, memoryInfo, tf } from '../tf';
import type { TrainBatch } from '../types';
import { trainStep } from './train-step';

const CONFIG: TransformerConfig = { kind: 'transformer', dModel: 32, nLayers: 2, nHeads: 4, contextLength: 16, vocabSize: 12 };
const PROMPTS = [
  [1, 3, 4],
  [1, 5],
  [1, 6, 7, 8],
];
const ANSWERS = [
  [9, 10, 11],
  [4, 4],
  [3, 11],
];
const SFT: TrainBatch = { sequences: PROMPTS.map((p, i) => [...p, ...ANSWERS[i]!, 2]), targetStart: PROMPTS.map((p) => p.length) };

beforeAll(async () => {
  await initBackend('wasm');
});

describe('the shared training step', () => {
  it("steps an algorithm's loss: likelihood training lowers its loss, and the step leaks no tensor", () => {
    const policy = createTransformerPolicy(CONFIG, createRng(3));
    const first = likelihoodStep(policy, SFT, { learningRate: 1e-2, gradClip: 1 });
    // answer tokens + EOS of each row
    expect(first.tokens).toBe(3 + 1 + 2 + 1 + 2 + 1);
    const before = memoryInfo().numTensors;
    let last = first;
    for (let i = 0; i < 30; i++) last = likelihoodStep(policy, SFT, { learningRate: 1e-2, gradClip: 1 });
    expect(last.loss).toBeLessThan(first.loss * 0.5);
    expect(memoryInfo().numTensors).toBe(before);
    policy.dispose();
  });

  it("GRPO's clipped ratio with a k3 KL keeps the KL estimate, which is 0 against itself", () => {
    const policy = createTransformerPolicy(CONFIG, createRng(11));
    const ref = policy.clone();
    for (let i = 0; i < 3; i++) likelihoodStep(policy, SFT, { learningRate: 1e-2, gradClip: 1 });
    const batch = policy.prepare({ ...SFT, weights: [1, -0.5, 0.5], oldLogProbs: policy.logProbs(SFT), refLogProbs: ref.logProbs(SFT) });
    const r = trainStep(policy.trainable, (keep) => grpoLoss(policy, batch, 0.2, 0.1, keep), { learningRate: 1e-3, gradClip: 1 });
    expect(r.aux.kl).toBeGreaterThan(0);
    expect(Number.isFinite(r.loss) && r.gradNorm > 0).toBe(true);
    const self = policy.prepare({ ...SFT, oldLogProbs: policy.logProbs(SFT), refLogProbs: policy.logProbs(SFT) });
    const same = trainStep(policy.trainable, (keep) => grpoLoss(policy, self, 0.2, 1, keep), { learningRate: 0, gradClip: 1 });
    expect(same.aux.kl).toBeCloseTo(0, 6);
    policy.dispose();
    ref.dispose();
  });

  it('refuses a bad learning rate or clip, and a loss that throws leaks nothing it kept', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(5));
    const p = policy.prepare(SFT);
    expect(() => trainStep(policy.trainable, () => likelihoodLoss(policy, p), { learningRate: -1, gradClip: 1 })).toThrow(/learningRate >= 0 and gradClip > 0/);
    const before = memoryInfo().numTensors;
    expect(() =>
      trainStep(
        policy.trainable,
        (keep) => {
          keep('x', tf.scalar(1));
          throw new Error('broken loss');
        },
        { learningRate: 1e-3, gradClip: 1 },
      ),
    ).toThrow('broken loss');
    expect(memoryInfo().numTensors).toBe(before);
    policy.dispose();
  });
});
