import { describe, expect, it } from 'vitest';
import { trainingFlopsPerStep } from './flops';

describe('trainingFlopsPerStep', () => {
  it('counts 3x the forward matmuls of every block, the head and the attention', () => {
    // d=1, l=1, v=1, t=1, b=1: blocks 2*(3+1+8)=24, head 2, embedding 2, attention 4 -> 32 forward, 96 in all.
    expect(trainingFlopsPerStep({ vocab: 1, width: 1, layers: 1, time: 1, batch: 1 })).toBe(96);
    expect(trainingFlopsPerStep({ vocab: 1, width: 1, layers: 1, time: 1, batch: 2 })).toBe(192);
  });
});
