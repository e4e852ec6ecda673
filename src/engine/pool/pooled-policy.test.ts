import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { initBackend, memoryInfo, tf } from '../tf';
import { grpoLoss } from '../recipes/grpo';
import { likelihoodLoss, likelihoodStep } from '../recipes/likelihood';
import { createTransformerPolicy, type TransformerConfig } from '../policies/transformer';
import { pairLoss } from '../recipes/pair-loss';
import type { PairLoss, Policy, TrainBatch } from '../types';
import { PooledPolicy } from './pooled-policy';
import { shardRanges } from './protocol';
import { WorkerPool } from './worker-pool';

const CONFIG: TransformerConfig = { kind: 'transformer', dModel: 32, nLayers: 2, nHeads: 4, contextLength: 16, vocabSize: 12 };
const BOS = 1;
const EOS = 2;
const PROMPTS = [
  [BOS, 3, 4],
  [BOS, 5],
  [BOS, 6, 7, 8],
  [BOS, 9],
  [BOS, 10, 3],
];
const ANSWERS = [[9, 10, 11], [4, 4], [3, 11], [5, 6, 7, 8], [7]];
/** Five rows of different lengths and weights: the two workers get shards of 3 and 2 rows, padded differently. */
const BATCH: TrainBatch = {
  sequences: PROMPTS.map((p, i) => [...p, ...ANSWERS[i]!, EOS]),
  targetStart: PROMPTS.map((p) => p.length),
  weights: [1, 0.5, 2, -1, 1.5],
};
const STEP = { learningRate: 1e-2, gradClip: 1 };

let pool: WorkerPool;

beforeAll(async () => {
  await initBackend('wasm');
  pool = await WorkerPool.start(2, CONFIG, 'wasm');
});

afterAll(() => pool.close());

/** The in-process gradient of the mean loss, by variable name. */
function oneWorkerGradient(policy: Policy, batch: TrainBatch): Record<string, Float32Array> {
  const p = policy.prepare(batch);
  const vars = policy.trainable.variables;
  const grads = tf.tidy(() => tf.variableGrads(() => likelihoodLoss(policy, p), Object.values(vars)).grads);
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(vars)) out[name] = new Float32Array(grads[v.name]!.dataSync());
  for (const g of Object.values(grads)) g.dispose();
  return out;
}

function maxRelativeDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  let diff = 0;
  let scale = 0;
  for (const name of Object.keys(a)) {
    for (let i = 0; i < a[name]!.length; i++) {
      diff = Math.max(diff, Math.abs(a[name]![i]! - b[name]![i]!));
      scale = Math.max(scale, Math.abs(a[name]![i]!));
    }
  }
  return diff / scale;
}

/** A pooled policy over a fresh policy from `seed`; the shared pool stays open (dispose only the inner one). */
function pooled(seed: number): { policy: PooledPolicy; inner: Policy } {
  const inner = createTransformerPolicy(CONFIG, createRng(seed));
  return { policy: new PooledPolicy(inner, pool), inner };
}

/**
 * A pooled policy and an in-process one with the same weights, a few steps from seed `seed`, and a frozen policy
 * (seed + 1) for the old and reference log-probs.
 */
function trainedWithFrozen(seed: number): { policy: PooledPolicy; inner: Policy; reference: Policy; frozen: Policy } {
  const { policy, inner } = pooled(seed);
  const reference = createTransformerPolicy(CONFIG, createRng(seed));
  const frozen = createTransformerPolicy(CONFIG, createRng(seed + 1));
  for (let i = 0; i < 3; i++) likelihoodStep(reference, BATCH, STEP);
  inner.setState(reference.getState());
  return { policy, inner, reference, frozen };
}

describe('worker pool', () => {
  it('splits rows into fixed contiguous shards, the first ones a row longer', () => {
    expect(shardRanges(5, 2)).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 5 },
    ]);
    expect(shardRanges(1, 3)).toEqual([{ start: 0, end: 1 }]);
    expect(shardRanges(6, 3).map((r) => r.end - r.start)).toEqual([2, 2, 2]);
  });

  it('computes the one-worker gradient data-parallel, up to float summation order', () => {
    const { policy, inner } = pooled(1);
    const reference = createTransformerPolicy(CONFIG, createRng(1));
    const expected = oneWorkerGradient(reference, BATCH);
    const { lossSum, tokens, grads } = policy.dataParallel.likelihoodGradients(BATCH);
    expect(tokens).toBe(reference.prepare(BATCH).tokens);
    for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i]! /= tokens;
    expect(Object.keys(grads).sort()).toEqual(Object.keys(expected).sort());
    expect(maxRelativeDiff(expected, grads)).toBeLessThan(1e-5);
    const loss = tf.tidy(() => likelihoodLoss(reference, reference.prepare(BATCH)).dataSync()[0]!);
    expect(lossSum / tokens).toBeCloseTo(loss, 5);
    inner.dispose();
    reference.dispose();
  });

  it("computes GRPO's gradient and KL estimate data-parallel, as one worker does", () => {
    const { policy, inner, reference, frozen } = trainedWithFrozen(6);
    const batch: TrainBatch = { ...BATCH, oldLogProbs: frozen.logProbs(BATCH), refLogProbs: frozen.logProbs(BATCH) };
    const p = reference.prepare(batch);
    const vars = reference.trainable.variables;
    let kl = 0;
    const g = tf.tidy(() => tf.variableGrads(() => grpoLoss(reference, p, 0.2, 0.05, (_name, t) => (kl = t.dataSync()[0]!)), Object.values(vars)).grads);
    const expected: Record<string, Float32Array> = {};
    for (const [name, v] of Object.entries(vars)) expected[name] = new Float32Array(g[v.name]!.dataSync());
    for (const t of Object.values(g)) t.dispose();
    const out = policy.dataParallel.grpoGradients(batch, 0.2, 0.05);
    for (const grad of Object.values(out.grads)) for (let i = 0; i < grad.length; i++) grad[i]! /= out.tokens;
    expect(maxRelativeDiff(expected, out.grads)).toBeLessThan(1e-4);
    expect(out.klSum! / out.tokens).toBeCloseTo(kl, 5);
    expect(kl).toBeGreaterThan(0);
    inner.dispose();
    reference.dispose();
    frozen.dispose();
  });

  it("computes the preference recipes' pair losses data-parallel (pairs kept whole), as one worker does", () => {
    const { policy, inner, reference, frozen } = trainedWithFrozen(8);
    // Three pairs (chosen rows 0-2, rejected rows 3-5) of different lengths: shards of two pairs and one.
    const rows = [...BATCH.sequences, BATCH.sequences[0]!.slice(0, -2)];
    const batch: TrainBatch = { sequences: rows, targetStart: [...BATCH.targetStart, BATCH.targetStart[0]!] };
    batch.refLogProbs = frozen.logProbs(batch);
    const losses: PairLoss[] = [
      { kind: 'dpo', beta: 0.5, nllWeight: 0.7 },
      { kind: 'cream', beta: 0.5, nllWeight: 0.4, consistency: [1, 0.25, 0.6] },
      { kind: 'sppo', beta: 0.5, winRates: [0.9, 0.6, 0.7, 0.2, 0.5, 0.3] },
    ];
    for (const loss of losses) {
      const p = reference.prepare(batch);
      const vars = reference.trainable.variables;
      const aux: Record<string, number> = {};
      const { value, grads } = tf.tidy(() => tf.variableGrads(() => pairLoss(reference, p, loss, (n, t) => (aux[n] = t.dataSync()[0]!)), Object.values(vars)));
      const expected: Record<string, Float32Array> = {};
      for (const [name, v] of Object.entries(vars)) expected[name] = new Float32Array(grads[v.name]!.dataSync());
      const expectedLoss = value.dataSync()[0]!;
      for (const t of [value, ...Object.values(grads)]) t.dispose();
      const out = policy.dataParallel.pairGradients(batch, loss);
      expect(maxRelativeDiff(expected, out.grads)).toBeLessThan(1e-4);
      expect(out.loss).toBeCloseTo(expectedLoss, 5);
      expect(expectedLoss).toBeGreaterThan(0);
      expect(Object.keys(out.aux).sort()).toEqual(Object.keys(aux).sort());
      for (const [name, v] of Object.entries(aux)) expect(out.aux[name]).toBeCloseTo(v, 5);
    }
    inner.dispose();
    reference.dispose();
    frozen.dispose();
  });

  it('trains like one worker: the same losses and weights after steps, no tensor left behind', () => {
    const { policy, inner } = pooled(2);
    const reference = createTransformerPolicy(CONFIG, createRng(2));
    likelihoodStep(policy, BATCH, STEP); // the first step allocates Adam's scratch; count after it
    likelihoodStep(reference, BATCH, STEP);
    const before = memoryInfo().numTensors;
    for (let i = 0; i < 8; i++) {
      const a = likelihoodStep(policy, BATCH, STEP);
      const b = likelihoodStep(reference, BATCH, STEP);
      expect(a.tokens).toBe(b.tokens);
      // Adam divides by the root of its second moment, so float-order differences grow a little with each step.
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-4 * Math.abs(b.loss));
      expect(Math.abs(a.gradNorm - b.gradNorm)).toBeLessThan(1e-4 * Math.abs(b.gradNorm));
    }
    expect(memoryInfo().numTensors).toBe(before);
    const w = inner.getState().weights;
    const r = reference.getState().weights;
    const diff = maxRelativeDiff(
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.data])),
      Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.data])),
    );
    expect(diff).toBeLessThan(1e-3);
    inner.dispose();
    reference.dispose();
  });

  it('decodes greedily exactly as one worker does, and sends weights only when they changed', () => {
    const { policy, inner } = pooled(3);
    for (let i = 0; i < 40; i++) likelihoodStep(inner, BATCH, STEP);
    const prompts = [...PROMPTS, ...PROMPTS.slice(0, 2)];
    const expected = inner.sample(prompts, { maxNewTokens: 6, temperature: 0, rng: createRng(0) });
    const v1 = pool.syncWeights(inner.trainable.variables);
    const got = policy.sample(prompts, { maxNewTokens: 6, temperature: 0, rng: createRng(0) });
    expect(got.tokens).toEqual(expected.tokens);
    for (let b = 0; b < prompts.length; b++)
      for (let t = 0; t < got.logProbs[b]!.length; t++) expect(got.logProbs[b]![t]).toBeCloseTo(expected.logProbs[b]![t]!, 4);
    expect(pool.syncWeights(inner.trainable.variables)).toBe(v1);
    likelihoodStep(inner, BATCH, STEP);
    expect(pool.syncWeights(inner.trainable.variables)).toBe(v1 + 1);
    inner.dispose();
  });

  it('samples deterministically from the caller stream, one draw per shard', () => {
    const { policy, inner } = pooled(4);
    const draw = () => {
      const rng = createRng(9);
      const out = policy.sample(PROMPTS, { maxNewTokens: 5, temperature: 1, rng });
      return { out, next: rng.next() };
    };
    const a = draw();
    const b = draw();
    expect(a.out).toEqual(b.out);
    const advanced = createRng(9);
    advanced.next();
    advanced.next();
    expect(a.next).toBe(advanced.next());
    for (const row of a.out.tokens) for (const t of row) expect(t >= 0 && t < CONFIG.vocabSize).toBe(true);
    inner.dispose();
  });

  it('refuses a bad batch with the one-worker message, before any worker is asked', () => {
    const { policy, inner } = pooled(5);
    expect(() =>
      policy.dataParallel.likelihoodGradients({
        sequences: [
          [BOS, 99, EOS],
          [BOS, 3, EOS],
        ],
        targetStart: [1, 1],
      }),
    ).toThrow(/vocabulary|token/i);
    inner.dispose();
  });
});
