/**
 * The homeostatic rule, step by step against a hand-computed example (the authors' lrh.py with eta_0 = 0.001, a
 * step of eta_0 / 10, excitatory classes >= 5), where the examples it checks fall, and the two simulated updates
 * against the same updates made by hand on the classifier's weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../policies/classifier';
import { createRng } from '../rng';
import { initBackend, memoryInfo, tf } from '../tf';
import { checksAt, homeostaticDecision, pendingGradient, simulatedAccuracy } from './homeostatic-lr';
import { crossEntropy, MIN_ETA } from './stream-learner';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('the homeostatic rule', () => {
  it('moves eta as lrh.py does, decision by decision', () => {
    const step = 0.0001;
    const calls: Array<[string, number]> = [];
    const decide = (eta: number, guess: number, label: number, leave: number, take: number) =>
      homeostaticDecision({
        eta,
        step,
        excitatoryFrom: 5,
        guess,
        label,
        leaveAccuracy: (lr) => (calls.push(['leave', lr]), leave),
        takeAccuracy: (lr) => (calls.push(['take', lr]), take),
      });
    // 1. Predicted 7 (excitatory): "take it" simulates 0.001 + 0.0001; it wins (11/20 > 10/20); the true class 3 is
    //    inhibitory, so eta goes *down* to 0.0009: a misclassification moves it the wrong way.
    let d = decide(0.001, 7, 3, 10 / 20, 11 / 20);
    expect(d.simulated).toBeCloseTo(0.0011, 12);
    expect(d.took).toBe(true);
    expect(d.eta).toBeCloseTo(0.0009, 12);
    expect(calls).toEqual([
      ['leave', 0.001],
      ['take', d.simulated],
    ]);
    // 2. Predicted 2: simulates 0.0009 - 0.0001 = 0.0008; a tie (12/20 each) is not a win, eta stays 0.0009.
    d = decide(0.0009, 2, 8, 12 / 20, 12 / 20);
    expect(d.simulated).toBeCloseTo(0.0008, 12);
    expect(d).toMatchObject({ took: false });
    expect(d.eta).toBeCloseTo(0.0009, 12);
    // 3. "take it" loses: no change, whatever the labels.
    expect(decide(0.0009, 9, 9, 15 / 20, 14 / 20).eta).toBeCloseTo(0.0009, 12);
    // 4. Predicted 6 and true 6 (a correct excitatory example), take wins: 0.0009 + 0.0001 = 0.001.
    expect(decide(0.0009, 6, 6, 0.5, 0.6).eta).toBeCloseTo(0.001, 12);
    // 5. Near zero: 0.00005 - 0.0001 < 0 is clipped to 1e-8, in the simulation and in eta.
    d = decide(0.00005, 1, 0, 0.1, 0.2);
    expect(d.simulated).toBe(MIN_ETA);
    expect(d.eta).toBe(MIN_ETA);
    // 6. From the clip, an excitatory true class adds the full step: 1e-8 + 0.0001.
    expect(decide(MIN_ETA, 9, 5, 0.1, 0.2).eta).toBeCloseTo(MIN_ETA + 0.0001, 15);
  });

  it('checks the examples at positions > memory that are multiples of the interval (30, 40, ... in the paper)', () => {
    const at = Array.from({ length: 61 }, (_, i) => i).filter((i) => checksAt(i, { interval: 10, memory: 20 }));
    expect(at).toEqual([30, 40, 50, 60]);
  });

  it('simulates "leave it" and "take it" as the same steps taken by hand on the weights, and leaks nothing', () => {
    const model = createClassifier({ hidden: [4], activation: 'elu', inputSize: 3, numClasses: 3 }, createRng(5));
    const rng = createRng(6);
    const rows = (n: number) => ({
      n,
      x: Float32Array.from({ length: n * 3 }, () => rng.normal()),
      labels: Int32Array.from({ length: n }, () => rng.int(3)),
    });
    const batch = rows(4);
    const memory = rows(20);
    const before = memoryInfo().numTensors;
    // The pending gradient of the first 2 examples of a minibatch of m = 4: the sum of their gradients / 4.
    const g = pendingGradient(model, batch, 2, 4);
    const byHand = tf.tidy(() => {
      const vars = Object.values(model.trainable.variables);
      const one = (k: number) =>
        tf.variableGrads(
          () => crossEntropy(model, tf.tensor2d(batch.x.subarray(3 * k, 3 * k + 3), [1, 3]), tf.tensor1d(batch.labels.subarray(k, k + 1), 'int32')),
          vars,
        ).grads;
      const [a, b] = [one(0), one(1)];
      return Object.fromEntries(Object.keys(model.trainable.variables).map((n, i) => [n, tf.div(tf.add(a[vars[i]!.name]!, b[vars[i]!.name]!), 4)]));
    });
    for (const name of Object.keys(g)) {
      const got = g[name]!.dataSync();
      const want = byHand[name]!.dataSync();
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    }
    // A step of lr = 2 along it, scored on the memory, against the classifier with those weights set by hand.
    const saved = model.getState();
    const simulated = simulatedAccuracy(model, g, 2, memory);
    const stepped = {
      ...saved,
      weights: Object.fromEntries(
        Object.entries(saved.weights).map(([n, w]) => [n, { shape: w.shape, data: w.data.map((v, i) => v - 2 * g[n]!.dataSync()[i]!) }]),
      ),
    };
    model.setState(stepped);
    const predicted = model.predict(memory);
    const byHandAccuracy = predicted.filter((p, i) => p === memory.labels[i]).length / 20;
    model.setState(saved);
    expect(simulated).toBe(byHandAccuracy);
    // The simulation changed no weight.
    expect(model.getState().weights).toEqual(saved.weights);
    for (const t of [...Object.values(g), ...Object.values(byHand)]) t.dispose();
    expect(memoryInfo().numTensors).toBe(before);
    model.dispose();
  });
});
