/**
 * Gradients for the kernels the engine differentiates. tfjs-core's Node build registers no gradients (the
 * @tensorflow/tfjs bundle adds them, and its ESM sources cannot be loaded by Node), so tf.ts registers these.
 * They follow tfjs-core's own definitions; a kernel that already has a gradient keeps it.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

type Tf = typeof TfCore;
type T = TfCore.Tensor;
type Grads = Record<string, () => T>;
type Attrs = Record<string, unknown>;

export function registerGradients(tf: Tf): void {
  const reduceTo = (g: T, shape: number[], dy: T): T => {
    const axes = tf.backend_util.getReductionAxes(shape, g.shape);
    if (axes.length > 0) return tf.reshape(tf.sum(g, axes), shape);
    // A fresh gradient of the input's shape is returned as it is (one kernel fewer). dy itself (Add's, Sub's) gets a
    // handle of its own, as in tfjs-core: the tape may dispose one input's gradient while another still holds it.
    return g !== dy && tf.util.arraysEqual(g.shape, shape) ? g : tf.reshape(g, shape);
  };
  const binary = (kernelName: string, grad: (dy: T, a: T, b: T) => [T, T]) => ({
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy: T | T[], saved: T[]): Grads => {
      const [a, b] = saved;
      const [ga, gb] = grad(dy as T, a, b);
      return { a: () => reduceTo(ga, a.shape, dy as T), b: () => reduceTo(gb, b.shape, dy as T) };
    },
  });
  const unary = (kernelName: string, grad: (dy: T, x: T, y: T, attrs: Attrs) => T, save: 'x' | 'y' | 'none' = 'x') => ({
    kernelName,
    ...(save === 'x' ? { inputsToSave: ['x'] } : {}),
    ...(save === 'y' ? { outputsToSave: [true] } : {}),
    gradFunc: (dy: T | T[], saved: T[], attrs: TfCore.NamedAttrMap): Grads => ({
      x: () => grad(dy as T, saved[0], saved[0], attrs as unknown as Attrs),
    }),
  });
  const reduceGrad = (dy: T, x: T, axisAttr: unknown, scale: number | null): T => {
    const axes = tf.util.parseAxisParam(axisAttr as number | number[], x.shape);
    // Works whether or not the op kept its reduced dims: dy has the same elements either way.
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    // Spread by multiplying with ones, as tfjs-core's own gradient does; tf.fill writes them in the backend, where
    // tf.ones would build them in JavaScript and upload them (broadcastTo's Tile kernel is slower still on WASM).
    const g = tf.mul(tf.reshape(dy, kept), tf.fill(x.shape, 1));
    return scale === null ? g : tf.div(g, scale);
  };
  const configs: TfCore.GradConfig[] = [
    binary(tf.Add, (dy) => [dy, dy]),
    binary(tf.Sub, (dy) => [dy, tf.neg(dy)]),
    binary(tf.Multiply, (dy, a, b) => [tf.mul(dy, tf.cast(b, 'float32')), tf.mul(dy, tf.cast(a, 'float32'))]),
    binary(tf.RealDiv, (dy, a, b) => [tf.div(dy, b), tf.neg(tf.div(tf.mul(dy, a), tf.square(b)))]),
    binary(tf.SquaredDifference, (dy, a, b) => {
      const g = tf.mul(dy, tf.mul(tf.sub(a, b), 2));
      return [g, tf.neg(g)];
    }),
    binary(tf.Minimum, (dy, a, b) => [tf.mul(dy, tf.cast(tf.lessEqual(a, b), 'float32')), tf.mul(dy, tf.cast(tf.greater(a, b), 'float32'))]),
    binary(tf.Maximum, (dy, a, b) => [tf.mul(dy, tf.cast(tf.greaterEqual(a, b), 'float32')), tf.mul(dy, tf.cast(tf.less(a, b), 'float32'))]),
    unary(tf.Neg, (dy) => tf.neg(dy), 'none'),
    unary(tf.Exp, (dy, _x, y) => tf.mul(dy, y), 'y'),
    unary(tf.Log, (dy, x) => tf.div(dy, tf.cast(x, 'float32'))),
    unary(tf.Tanh, (dy, _x, y) => tf.mul(tf.sub(1, tf.square(y)), dy), 'y'),
    unary(tf.Sqrt, (dy, _x, y) => tf.div(dy, tf.mul(y, 2)), 'y'),
    unary(tf.Rsqrt, (dy, x) => tf.div(dy, tf.neg(tf.mul(tf.pow(x, 1.5), 2)))),
    unary(tf.Square, (dy, x) => tf.mul(dy, tf.mul(tf.cast(x, 'float32'), 2))),
    unary(tf.Cast, (dy) => tf.clone(dy), 'none'),
    unary(tf.Identity, (dy) => tf.clone(dy), 'none'),
    unary(tf.Reshape, (dy, x) => tf.reshape(dy, x.shape)),
    unary(tf.Transpose, (dy, _x, _y, a) => tf.transpose(dy, tf.backend_util.getUndoAxesPermutation(a.perm as number[])), 'none'),
    unary(tf.Sum, (dy, x, _y, a) => reduceGrad(dy, x, a.axis, null)),
    unary(tf.Mean, (dy, x, _y, a) => {
      const axes = tf.util.parseAxisParam(a.axis as number[], x.shape);
      const count = axes.reduce((n, ax) => n * x.shape[ax], 1);
      return reduceGrad(dy, x, a.axis, count);
    }),
    unary(tf.Slice, (dy, x, _y, a) => {
      const [begin, size] = tf.slice_util.parseSliceParams(x, a.begin as number[], a.size as number[]);
      return tf.pad(
        dy,
        x.shape.map((d, i) => [begin[i], d - begin[i] - size[i]] as [number, number]),
      );
    }),
    unary(tf.ClipByValue, (dy, x, _y, a) =>
      tf.where(tf.logicalAnd(tf.greaterEqual(x, a.clipValueMin as number), tf.lessEqual(x, a.clipValueMax as number)), dy, tf.zerosLike(dy)),
    ),
    {
      kernelName: tf.Softmax,
      outputsToSave: [true],
      gradFunc: (dy: T | T[], saved: T[], attrs: TfCore.NamedAttrMap): Grads => {
        const [y] = saved;
        const dim = attrs.dim as number;
        const dyTimesY = tf.mul(dy as T, y);
        return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y)) };
      },
    },
    {
      kernelName: tf.SplitV,
      gradFunc: (dy: T | T[], _saved: T[], attrs: TfCore.NamedAttrMap): Grads => ({ x: () => tf.concat(dy as T[], attrs.axis as number) }),
    },
    {
      kernelName: tf.Concat,
      saveAllInputs: true,
      gradFunc: (dy: T | T[], saved: T[], attrs: TfCore.NamedAttrMap): Grads => {
        const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0].shape)[0];
        const parts = tf.split(
          dy as T,
          saved.map((s) => s.shape[axis]),
          axis,
        );
        return Object.fromEntries(parts.map((p, i) => [String(i), () => p]));
      },
    },
  ];
  for (const config of configs) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
}
