/**
 * The class stream's rules: epochs of shuffled minibatches, N label swaps per epoch spread evenly (the last after
 * the epoch's final minibatch), in training and validation alike, a schedule that changes the rate, a scorecard
 * with its confusion matrix, and a state that restores the stream exactly.
 */
import { describe, expect, it } from 'vitest';
import { ClassStreamTaskConfig } from '../../shared/class-stream';
import { createRng } from '../rng';
import { createClassStream } from './class-stream';

const task = (over: object = {}) =>
  ClassStreamTaskConfig.parse({ kind: 'class-stream', data: { source: 'generated', classes: 4, features: 3, trainSize: 100, validationSize: 40 }, ...over });

describe('class stream', () => {
  it('swaps N times per epoch after evenly spread minibatches, and follows the schedule', () => {
    const stream = createClassStream(task({ swapsPerEpoch: 2, schedule: [{ fromEpoch: 1, swapsPerEpoch: 5 }] }), 10);
    const rng = createRng(1);
    const after: Array<[number, number]> = [];
    for (let b = 0; b < 20; b++) {
      stream.nextBatch(rng);
      if (stream.endBatch(rng)) after.push([stream.epoch, b % 10]);
    }
    // Epoch 0 (2 swaps): after minibatches 4 and 9; epoch 1 (5 swaps): after 1, 3, 5, 7, 9.
    expect(after).toEqual([
      [0, 4],
      [0, 9],
      [1, 1],
      [1, 3],
      [1, 5],
      [1, 7],
      [1, 9],
    ]);
    expect(stream.shifts).toBe(7);
    expect(stream.swapsPerEpochAt(0)).toBe(2);
    expect(stream.swapsPerEpochAt(7)).toBe(5);
  });

  it('relabels training and validation alike: a swap exchanges two classes everywhere', () => {
    const stream = createClassStream(task({ swapsPerEpoch: 10 }), 10);
    const rng = createRng(2);
    const original = stream.data.train.labels;
    const batch = stream.nextBatch(rng);
    const swapped = stream.endBatch(rng);
    expect(swapped).not.toBeNull();
    const [a, b] = swapped!;
    expect(a).not.toBe(b);
    const again = stream.examples(batch.positions);
    const order = stream.getState().order;
    batch.positions.forEach((p, i) => {
      const o = original[order[p]!]!;
      expect(batch.labels[i]).toBe(o);
      expect(again.labels[i]).toBe(o === a ? b : o === b ? a : o);
    });
    // Validation: a predictor that always answers the original class scores only on the untouched classes.
    const truth = stream.data.validation.labels;
    let k = 0;
    const card = stream.evaluate((rows) => {
      const out = Int32Array.from({ length: rows.n }, (_, i) => truth[k + i]!);
      k += rows.n;
      return out;
    });
    const untouched = Array.from(truth).filter((l) => l !== a && l !== b).length;
    expect(card.score).toBeCloseTo(untouched / truth.length, 10);
    expect(card.splits).toEqual([{ name: 'validation', size: 40, accuracy: card.score }]);
    expect(card.confusion.flat().reduce((x, y) => x + y, 0)).toBe(40);
    expect(card.confusion[b]![a]).toBe(Array.from(truth).filter((l) => l === a).length);
  });

  it('shuffles every epoch from the run stream, and restores its position and labels from its state', () => {
    const stream = createClassStream(task({ swapsPerEpoch: 3 }), 10);
    const rng = createRng(3);
    for (let b = 0; b < 13; b++) {
      stream.nextBatch(rng);
      stream.endBatch(rng);
    }
    const state = stream.getState();
    const rngState = rng.state();
    const next = stream.nextBatch(rng);
    const copy = createClassStream(task({ swapsPerEpoch: 3 }), 10);
    copy.setState(state);
    const rng2 = createRng(99);
    rng2.setState(rngState);
    expect(copy.nextBatch(rng2)).toEqual(next);
    expect(copy.labelMap).toEqual(stream.labelMap);
  });

  it('refuses a rate above one swap per minibatch and a batch larger than the data, naming the field', () => {
    expect(() => createClassStream(task({ swapsPerEpoch: 11 }), 10)).toThrow(/11 swaps per epoch, but an epoch has only 10 minibatches/);
    expect(() => createClassStream(task(), 200)).toThrow(/100 training examples do not fill one minibatch of 200/);
  });
});
