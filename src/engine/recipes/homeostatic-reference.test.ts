/**
 * The homeostatic learner against a line-by-line reference of the authors' lrh.py in plain float64 JavaScript (the
 * per-example loop, the manual ELU backward pass, the two simulations on the accumulated gradient, the strict
 * comparison, the predicted vs true direction, the clip, then `w -= eta / m * grad`), fed the same examples, labels,
 * shifts and initial weights: the learning rate matches minibatch by minibatch and the weights stay together. (At
 * a rate near 1 this small net's training is chaotic and float32 rounding alone makes the two drift apart, so eta_0
 * is 0.05, with a step of half of it so that the rule moves within a few epochs.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ClassStreamTaskConfig } from '../../shared/class-stream';
import { HomeostaticLrRecipeConfig } from '../../shared/recipes/learning-rate';
import { LR_ETA } from '../../shared/metrics';
import { createClassStream } from '../environments/class-stream';
import { createClassifier } from '../policies/classifier';
import { createRng } from '../rng';
import { initBackend } from '../tf';
import { createHomeostaticLrRecipe } from './homeostatic-lr';

beforeAll(async () => {
  await initBackend('wasm');
});

type Layer = { w: number[][]; b: number[] };
const eluF = (z: number) => (z > 0 ? z : Math.exp(z) - 1);
const eluD = (z: number) => (z > 0 ? 1 : Math.exp(z));

/** Forward pass of one example: pre-activations and activations per layer, the softmax output last. */
function forward(layers: Layer[], x: number[]): { zs: number[][]; as: number[][] } {
  const as = [x];
  const zs: number[][] = [];
  layers.forEach((l, k) => {
    const prev = as[as.length - 1]!;
    const z = l.b.map((b, j) => b + prev.reduce((s, v, i) => s + v * l.w[i]![j]!, 0));
    zs.push(z);
    if (k < layers.length - 1) as.push(z.map(eluF));
    else {
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      as.push(e.map((v) => v / sum));
    }
  });
  return { zs, as };
}
const argmax = (v: number[]) => v.indexOf(Math.max(...v));
const stepped = (layers: Layer[], grads: Layer[], lr: number, m: number): Layer[] =>
  layers.map((l, k) => ({
    w: l.w.map((row, i) => row.map((v, j) => v - (lr / m) * grads[k]!.w[i]![j]!)),
    b: l.b.map((v, j) => v - (lr / m) * grads[k]!.b[j]!),
  }));
const accuracy = (layers: Layer[], xs: number[][], ys: number[]) => xs.filter((x, i) => argmax(forward(layers, x).as.at(-1)!) === ys[i]).length / xs.length;

describe('homeostatic learner against a reference of lrh.py', () => {
  it('moves eta exactly as the reference, minibatch by minibatch, with the same weights', async () => {
    const task = ClassStreamTaskConfig.parse({
      kind: 'class-stream',
      data: { source: 'generated', classes: 6, features: 5, trainSize: 100, validationSize: 20, noise: 1.5 },
      swapsPerEpoch: 2,
    });
    const config = HomeostaticLrRecipeConfig.parse({
      kind: 'homeostatic-lr',
      batchSize: 10,
      batchesPerIteration: 1,
      learningRate: 0.05,
      stepFraction: 0.5,
      excitatoryFrom: 3,
    });
    const stream = createClassStream(task, 10);
    const model = createClassifier({ hidden: [6, 4], activation: 'elu', inputSize: 5, numClasses: 6 }, createRng(11));
    const recipe = createHomeostaticLrRecipe(config, {} as never);
    const rng = createRng(12);
    const w0 = model.getState().weights;
    let ref: Layer[] = [0, 1, 2].map((k) => {
      const w = w0[`l${k}.w`]!;
      const [rows, cols] = w.shape as [number, number];
      return { w: Array.from({ length: rows }, (_, i) => Array.from(w.data.subarray(i * cols, (i + 1) * cols))), b: Array.from(w0[`l${k}.b`]!.data) };
    });
    const data = stream.data.train;
    const features = (idx: number) => Array.from(data.features.subarray(idx * 5, idx * 5 + 5));
    let eta = config.learningRate;
    const step = config.learningRate * config.stepFraction;
    const m = config.batchSize;
    const etas: Array<[number, number]> = [];
    let moved = 0;
    let drift = 0;
    for (let it = 1; it <= 60; it++) {
      const labelMap = [...stream.labelMap];
      const ours = (await recipe.iterate({ iteration: it, stream, model, rng, progress: () => {}, stepBoundary: async () => {} })).metrics[LR_ETA]!;
      // The minibatch just read: its epoch order and positions, under the labels before the shift that followed it.
      const state = stream.getState();
      const label = (p: number) => labelMap[data.labels[state.order[p]!]!]!;
      const start = (state.batch - 1) * m;
      const grads: Layer[] = ref.map((l) => ({ w: l.w.map((r) => r.map(() => 0)), b: l.b.map(() => 0) }));
      for (let i = start; i < start + m; i++) {
        const x = features(state.order[i]!);
        const { zs, as } = forward(ref, x);
        const guess = argmax(as.at(-1)!);
        // Backward pass of lrh.py: error4 = a4 - y, then through W^T and elu'(z).
        let error = as.at(-1)!.map((a, j) => a - (j === label(i) ? 1 : 0));
        for (let k = ref.length - 1; k >= 0; k--) {
          const input = as[k]!;
          input.forEach((v, r) => error.forEach((e, c) => (grads[k]!.w[r]![c]! += e * v)));
          error.forEach((e, c) => (grads[k]!.b[c]! += e));
          if (k > 0) error = input.map((_, r) => error.reduce((s, e, c) => s + e * ref[k]!.w[r]![c]!, 0) * eluD(zs[k - 1]![r]!));
        }
        if (i > config.memory && i % config.interval === 0) {
          const memo = Array.from({ length: config.memory }, (_, j) => i - config.memory + j);
          const xs = memo.map((p) => features(state.order[p]!));
          const ys = memo.map(label);
          const sim1 = accuracy(stepped(ref, grads, eta, m), xs, ys);
          let lr2 = eta + (guess >= config.excitatoryFrom ? step : -step);
          if (lr2 < 0) lr2 = 1e-8;
          const sim2 = accuracy(stepped(ref, grads, lr2, m), xs, ys);
          if (sim2 > sim1) {
            eta += label(i) >= config.excitatoryFrom ? step : -step;
            if (eta < 0) eta = 1e-8;
            moved += 1;
          }
        }
      }
      ref = stepped(ref, grads, eta, m);
      etas.push([ours, eta]);
      const cur = model.getState().weights['l0.w']!.data;
      drift = Math.max(drift, ...ref[0]!.w.flat().map((v, i) => Math.abs(v - cur[i]!)));
    }
    // The rule acted (down to a rate of exactly 0, which lrh.py does not clip: only a rate below 0 becomes 1e-8), both
    // moved eta the same way every minibatch, and the weights differ by float32 rounding only.
    expect(moved).toBeGreaterThanOrEqual(2);
    expect(etas.at(-1)![1]).toBe(0);
    for (const [ours, theirs] of etas) expect(ours).toBeCloseTo(theirs, 12);
    expect(drift).toBeLessThan(1e-5);
    model.dispose();
  });
});
