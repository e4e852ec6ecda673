import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { initBackend, memoryInfo } from '../tf';
import { likelihoodStep } from '../recipes/likelihood';
import type { Policy, TrainBatch } from '../types';
import { createTransformerPolicy, type TransformerConfig } from './transformer';

const CONFIG: TransformerConfig = { kind: 'transformer', dModel: 32, nLayers: 2, nHeads: 4, contextLength: 16, vocabSize: 12 };
const BOS = 1;
const EOS = 2;

/** Three prompt -> answer sequences of different lengths: BOS prompt answer EOS. */
const PROMPTS = [
  [BOS, 3, 4],
  [BOS, 5],
  [BOS, 6, 7, 8],
];
const ANSWERS = [
  [9, 10, 11],
  [4, 4],
  [3, 11],
];
const SFT: TrainBatch = {
  sequences: PROMPTS.map((p, i) => [...p, ...ANSWERS[i], EOS]),
  targetStart: PROMPTS.map((p) => p.length),
};

beforeAll(async () => {
  await initBackend('wasm');
});

function train(policy: Policy, steps: number, batch = SFT): number[] {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(likelihoodStep(policy, batch, { learningRate: 1e-2, gradClip: 1 }).loss);
  return losses;
}

describe('transformer policy', () => {
  it('overfits a handful of sequences and then reproduces them greedily, with and without the cache', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(1));
    const losses = train(policy, 60);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.1);
    for (const useCache of [true, false]) {
      const out = policy.sample(PROMPTS, { maxNewTokens: 6, temperature: 0, rng: createRng(2), useCache });
      expect(out.tokens).toEqual(ANSWERS);
      for (const row of out.logProbs) for (const lp of row) expect(lp).toBeGreaterThan(-0.5);
    }
    policy.dispose();
  });

  it('gives identical weights for the same seed and different ones for another', () => {
    const a = createTransformerPolicy(CONFIG, createRng(5)).getState().weights;
    const b = createTransformerPolicy(CONFIG, createRng(5)).getState().weights;
    const c = createTransformerPolicy(CONFIG, createRng(6)).getState().weights;
    expect(a['l1.attn.wqkv'].data).toEqual(b['l1.attn.wqkv'].data);
    expect(a['tok_emb'].data).not.toEqual(c['tok_emb'].data);
  });

  it('samples the same tokens with and without the KV cache, for mixed prompt lengths', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(3));
    train(policy, 5);
    const greedyA = policy.sample(PROMPTS, { maxNewTokens: 8, temperature: 0, rng: createRng(1) });
    const greedyB = policy.sample(PROMPTS, { maxNewTokens: 8, temperature: 0, rng: createRng(1), useCache: false });
    expect(greedyA.tokens).toEqual(greedyB.tokens);
    const hotA = policy.sample(PROMPTS, { maxNewTokens: 8, temperature: 1, topK: 5, rng: createRng(9) });
    const hotB = policy.sample(PROMPTS, { maxNewTokens: 8, temperature: 1, topK: 5, rng: createRng(9), useCache: false });
    expect(hotA.tokens).toEqual(hotB.tokens);
    hotA.logProbs.flat().forEach((lp, i) => expect(lp).toBeCloseTo(hotB.logProbs.flat()[i], 4));
    const other = policy.sample(PROMPTS, { maxNewTokens: 8, temperature: 1, topK: 5, rng: createRng(10) });
    expect(other.tokens).not.toEqual(hotA.tokens);
    // A row's output does not depend on the other rows' (padded) lengths.
    const alone = policy.sample([PROMPTS[1]], { maxNewTokens: 8, temperature: 0, rng: createRng(1) });
    expect(alone.tokens[0]).toEqual(greedyA.tokens[1]);
    policy.dispose();
  });

  it('reports sampled log-probs equal to logProbs() of the same sequences', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(4));
    const out = policy.sample(PROMPTS, { maxNewTokens: 5, temperature: 1, rng: createRng(4) });
    const batch: TrainBatch = {
      sequences: PROMPTS.map((p, i) => [...p, ...out.tokens[i]]).filter((s, i) => out.tokens[i].length > 0),
      targetStart: PROMPTS.filter((_, i) => out.tokens[i].length > 0).map((p) => p.length),
    };
    const lps = policy.logProbs(batch);
    const sampled = out.logProbs.filter((r) => r.length > 0);
    lps.forEach((row, i) => row.forEach((lp, j) => expect(lp).toBeCloseTo(sampled[i][j], 4)));
    policy.dispose();
  });

  it('is causal: changing a later token does not change earlier log-probs', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(7));
    const a = policy.logProbs({ sequences: [[BOS, 3, 4, 5, 6, 7]], targetStart: [1] })[0];
    const b = policy.logProbs({ sequences: [[BOS, 3, 4, 9, 6, 7]], targetStart: [1] })[0];
    expect(b.slice(0, 2)).toEqual(a.slice(0, 2));
    expect(b[2]).not.toEqual(a[2]);
    expect(b[3]).not.toEqual(a[3]);
    policy.dispose();
  });

  it('continues bit-identically after getState -> new policy -> setState', () => {
    const a = createTransformerPolicy(CONFIG, createRng(8));
    train(a, 3);
    const b = createTransformerPolicy(CONFIG, createRng(99));
    b.setState(a.getState());
    const c = a.clone();
    const la = train(a, 2);
    expect(train(b, 2)).toEqual(la);
    expect(train(c, 2)).toEqual(la);
    [a, b, c].forEach((p) => p.dispose());
  });

  it('keeps the tensor count flat over training steps and sampling', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(12));
    train(policy, 1);
    policy.sample(PROMPTS, { maxNewTokens: 4, temperature: 1, rng: createRng(1) });
    const before = memoryInfo().numTensors;
    train(policy, 20);
    for (let i = 0; i < 5; i++) policy.sample(PROMPTS, { maxNewTokens: 6, temperature: 1, rng: createRng(i), useCache: i % 2 === 0 });
    policy.logProbs(SFT);
    expect(memoryInfo().numTensors).toBe(before);
    policy.dispose();
  });

  it('rejects bad input naming the field and the fix', () => {
    const policy = createTransformerPolicy(CONFIG, createRng(13));
    expect(() => policy.prepare({ sequences: [new Array<number>(17).fill(3)], targetStart: [1] })).toThrow(
      /batch\.sequences\[0\].*contextLength is 16.*raise policy\.contextLength/,
    );
    expect(() => policy.logProbs({ sequences: [[1, 3]], targetStart: [0] })).toThrow(/batch\.targetStart\[0\]/);
    expect(() => policy.prepare({ ...SFT, oldLogProbs: [[0]] })).toThrow(/oldLogProbs\[0\]/);
    policy.dispose();
    expect(() => policy.logProbs(SFT)).toThrow(/disposed/);
  });
});
