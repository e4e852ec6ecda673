/**
 * The classifier: the paper's shapes by default, ELU as tf.elu computes it with the derivative the authors' code
 * uses, logits from other weights of the same shapes, exact state round trips, no loss of its own, no leak.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ClassifierPolicyConfig } from '../../shared/class-stream';
import { createRng } from '../rng';
import { initBackend, memoryInfo, tf } from '../tf';
import { createClassifier, elu } from './classifier';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('classifier', () => {
  it("has the paper's 784-80-60-10 shapes by default, weights with std sqrt(2 / fan_in) and standard-normal biases", () => {
    const config = ClassifierPolicyConfig.parse({ kind: 'classifier' });
    const model = createClassifier({ ...config, inputSize: 784, numClasses: 10 }, createRng(1));
    const w = model.getState().weights;
    expect(Object.fromEntries(Object.entries(w).map(([n, e]) => [n, e.shape]))).toEqual({
      'l0.w': [784, 80],
      'l0.b': [80],
      'l1.w': [80, 60],
      'l1.b': [60],
      'l2.w': [60, 10],
      'l2.b': [10],
    });
    expect(model.numParams).toBe(784 * 80 + 80 + 80 * 60 + 60 + 60 * 10 + 10);
    const std = (d: Float32Array) => Math.sqrt(d.reduce((a, v) => a + v * v, 0) / d.length);
    expect(std(w['l0.w']!.data)).toBeCloseTo(Math.sqrt(2 / 784), 2);
    expect(std(w['l1.b']!.data)).toBeGreaterThan(0.6);
    model.dispose();
  });

  it('computes ELU as tf.elu does, with the derivative 1 above 0 and exp(z) below', () => {
    const z = [-3, -0.5, -0.01, 0.01, 0.5, 2];
    const [ours, theirs, grad] = tf.tidy(() => {
      const x = tf.tensor1d(z);
      const g = tf.grad((t: tf.Tensor) => tf.sum(elu(t)))(x);
      return [elu(x).dataSync(), tf.elu(x).dataSync(), g.dataSync()];
    });
    z.forEach((v, i) => {
      expect(ours![i]).toBeCloseTo(theirs![i]!, 6);
      expect(grad![i]).toBeCloseTo(v > 0 ? 1 : Math.exp(v), 5);
    });
  });

  it('scores other weights of the same shapes, restores its state exactly and leaks nothing', () => {
    const before = memoryInfo().numTensors;
    const a = createClassifier({ hidden: [5], activation: 'elu', inputSize: 3, numClasses: 4 }, createRng(2));
    const b = createClassifier({ hidden: [5], activation: 'elu', inputSize: 3, numClasses: 4 }, createRng(3));
    const rows = { n: 6, x: Float32Array.from({ length: 18 }, (_, i) => Math.sin(i)) };
    const withB = a.predict(rows, b.trainable.variables);
    expect(Array.from(withB)).toEqual(Array.from(b.predict(rows)));
    a.setState(b.getState());
    expect(a.getState().weights).toEqual(b.getState().weights);
    expect(Array.from(a.predict(rows))).toEqual(Array.from(withB));
    expect(() => a.setState({ ...b.getState(), weights: {} })).toThrow(/weight "l0.w" is missing/);
    a.dispose();
    b.dispose();
    expect(memoryInfo().numTensors).toBe(before);
  });
});
