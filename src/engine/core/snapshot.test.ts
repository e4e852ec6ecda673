import { beforeAll, describe, expect, it } from 'vitest';
import { createTransformerPolicy } from '../policies/transformer';
import { createRng } from '../rng';
import { initBackend, memoryInfo, tf } from '../tf';
import type { Policy, PolicyState } from '../types';
import { disposeModelSnapshot, relativeChange, restoreModel, snapshotModel } from './snapshot';
import { trainStep } from './train-step';

const shape = { kind: 'transformer' as const, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8, vocabSize: 7 };

function policy(seed = 1): Policy {
  return createTransformerPolicy(shape, createRng(seed));
}

/** One step of a next-token loss on a fixed batch: moves the weights and Adam's moments. */
function train(p: Policy): number {
  const batch = p.prepare({ sequences: [[1, 3, 4, 5, 2]], targetStart: [1] });
  return trainStep(p.trainable, () => tf.neg(tf.mean(p.tokenLogProbs(batch, true))) as tf.Scalar, { learningRate: 0.05, gradClip: 1 }).loss;
}

/** The same relative change as plain double arithmetic over downloaded weights. */
function relativeChangeOnHost(a: PolicyState, b: PolicyState): number {
  let diff = 0;
  let norm = 0;
  for (const [name, t] of Object.entries(a.weights)) {
    const u = b.weights[name]!.data;
    for (let i = 0; i < t.data.length; i++) {
      diff += (u[i]! - t.data[i]!) ** 2;
      norm += t.data[i]! ** 2;
    }
  }
  return Math.sqrt(diff / norm);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('model snapshots on the device', () => {
  it('restoring a snapshot gives back the exact weights, moments and step, and training from it replays bit for bit', () => {
    const p = policy();
    train(p);
    const before = p.getState();
    const snap = snapshotModel(p.trainable);
    const first = [train(p), train(p)];
    const trained = p.getState();
    expect(trained.step).toBe(before.step + 2);
    restoreModel(p.trainable, snap);
    expect(p.getState()).toEqual(before);
    // The snapshot stays valid after a restore: the same two steps again, then back once more.
    expect([train(p), train(p)]).toEqual(first);
    expect(p.getState()).toEqual(trained);
    restoreModel(p.trainable, snap);
    expect(p.getState()).toEqual(before);
    disposeModelSnapshot(snap);
    p.dispose();
  });

  it('measures the weight change on the device as the host arithmetic does, and 0 for no change', () => {
    const p = policy();
    const start = p.getState();
    const snap = snapshotModel(p.trainable);
    expect(relativeChange(snap, p.trainable)).toBe(0);
    for (let i = 0; i < 3; i++) train(p);
    const change = relativeChange(snap, p.trainable);
    expect(change).toBeGreaterThan(0);
    expect(change).toBeCloseTo(relativeChangeOnHost(start, p.getState()), 6);
    disposeModelSnapshot(snap);
    p.dispose();
  });

  it('leaks no tensor across snapshot, train, restore and dispose rounds', () => {
    const p = policy();
    const round = () => {
      const snap = snapshotModel(p.trainable);
      train(p);
      relativeChange(snap, p.trainable);
      restoreModel(p.trainable, snap);
      disposeModelSnapshot(snap);
    };
    round();
    const tensors = memoryInfo().numTensors;
    for (let i = 0; i < 3; i++) round();
    expect(memoryInfo().numTensors).toBe(tensors);
    p.dispose();
  });

  it("refuses a snapshot of another model's shape", () => {
    const small = policy();
    const other = createTransformerPolicy({ ...shape, dModel: 8 }, createRng(1));
    const snap = snapshotModel(other.trainable);
    expect(() => restoreModel(small.trainable, snap)).toThrow(/a snapshot of another model/);
    disposeModelSnapshot(snap);
    small.dispose();
    other.dispose();
  });
});
