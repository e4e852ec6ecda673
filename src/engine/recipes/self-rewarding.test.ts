import { describe, expect, it } from 'vitest';
import { createTransformerPolicy, type TransformerConfig } from '../policies/transformer';
import { createRng } from '../rng';
import { initBackend, memoryInfo } from '../tf';
import type { Problem, Rater, TrainBatch } from '../types';
import { readPreviousWeights, selfAgreement, withPrevious } from './preference-monitors';
import { rankedPairs } from './self-rewarding';

describe("Self-Rewarding's pairs", () => {
  it('pair the best with the worst, then the second best with the second worst, while the better scores higher', () => {
    expect(rankedPairs([0.1, 0.9, 0.5, -0.3, 0.2], 2, createRng(1))).toEqual([
      [1, 3],
      [2, 0],
    ]);
    // A third pair would be 0.2 against itself: never made.
    expect(rankedPairs([0.1, 0.9, 0.5, -0.3, 0.2], 5, createRng(1))).toHaveLength(2);
    expect(rankedPairs([0.4, 0.4, 0.4], 1, createRng(1))).toEqual([]);
  });

  it('order equal scores by the random stream, replayably', () => {
    const scores = [1, 0, 1, 0, 1, 0];
    const a = rankedPairs(scores, 3, createRng(7));
    expect(a).toHaveLength(3);
    for (const [w, l] of a) expect([scores[w], scores[l]]).toEqual([1, 0]);
    expect(rankedPairs(scores, 3, createRng(7))).toEqual(a);
    const seen = new Set([1, 2, 3, 4, 5, 6].map((s) => JSON.stringify(rankedPairs(scores, 1, createRng(s)))));
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('the self-reward monitors', () => {
  const problem: Problem = { id: 'p', prompt: '1+1=', answer: '2', level: 1 };
  const rater: Rater = { kind: 'test', probability: (_p, a, b) => (a === b ? 0.5 : a === '2' ? 0.9 : b === '2' ? 0.1 : 0.5) };

  it("agreement is the rater's mean probability that the self-chosen answer wins", () => {
    const pairs = [
      { problem, chosen: '2', rejected: '3' },
      { problem, chosen: '3', rejected: '2' },
      { problem, chosen: '4', rejected: '3' },
    ];
    expect(selfAgreement({ rater }, pairs)).toBeCloseTo((0.9 + 0.1 + 0.5) / 3, 12);
    expect(selfAgreement({ rater }, [])).toBeNull();
  });

  it("build the previous iteration's model from its weights for one call, leaving no tensor behind", async () => {
    await initBackend('wasm');
    const config: TransformerConfig = { kind: 'transformer', dModel: 16, nLayers: 1, nHeads: 2, contextLength: 12, vocabSize: 12 };
    const policy = createTransformerPolicy(config, createRng(1));
    const reference = createTransformerPolicy(config, createRng(2));
    const older = createTransformerPolicy(config, createRng(3));
    const batch: TrainBatch = { sequences: [[1, 4, 5, 2]], targetStart: [1] };
    const weights = readPreviousWeights(older.getState());
    expect(weights).not.toBeNull();
    const before = memoryInfo().numTensors;
    expect(withPrevious({ policy, reference }, weights, (p) => p.logProbs(batch))).toEqual(older.logProbs(batch));
    expect(memoryInfo().numTensors).toBe(before);
    // Before the first iteration there is no previous model: the reference stands in (the policy still is it).
    expect(withPrevious({ policy, reference }, null, (p) => p.logProbs(batch))).toEqual(reference.logProbs(batch));
    expect(readPreviousWeights(null)).toBeNull();
    expect(readPreviousWeights({ weights: {} })).toBeNull();
    for (const p of [policy, reference, older]) p.dispose();
  });
});
