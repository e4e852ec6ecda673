import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { initBackend, memoryInfo } from '../tf';
import { likelihoodStep } from '../recipes/likelihood';
import { createTransformerPolicy } from './transformer';

// Recipe smoke tests run on the pure-JS backend, so the policy must train there too (its gradients are ours).
describe('transformer policy on the cpu backend', () => {
  it('learns, samples, and leaks nothing', async () => {
    await initBackend('cpu');
    const policy = createTransformerPolicy({ kind: 'transformer', dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8, vocabSize: 8 }, createRng(1));
    const batch = {
      sequences: [
        [1, 3, 4, 5, 2],
        [1, 6, 7, 2],
      ],
      targetStart: [2, 2],
    };
    const first = likelihoodStep(policy, batch, { learningRate: 2e-2, gradClip: 1 }).loss;
    const before = memoryInfo().numTensors;
    let last = first;
    for (let i = 0; i < 40; i++) last = likelihoodStep(policy, batch, { learningRate: 2e-2, gradClip: 1 }).loss;
    expect(last).toBeLessThan(first * 0.2);
    const out = policy.sample(
      [
        [1, 3],
        [1, 6],
      ],
      { maxNewTokens: 4, temperature: 0, rng: createRng(1) },
    );
    expect(out.tokens).toEqual([[4, 5], [7]]);
    expect(memoryInfo().numTensors).toBe(before);
    policy.dispose();
  });
});
