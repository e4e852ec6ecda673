import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { initBackend, memoryInfo, tf } from './tf';

/** Values of `f` on wasm and on cpu (whose Slice, SplitV, Identity and Cast are tfjs's own), as plain arrays. */
async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ wasm: number[][]; cpu: number[][] }> {
  const read = () =>
    tf
      .tidy(() => [f()].flat())
      .map((t) => {
        const v = Array.from(t.dataSync());
        t.dispose();
        return v;
      });
  await tf.setBackend('cpu');
  const cpu = read();
  await tf.setBackend('wasm');
  return { wasm: read(), cpu };
}

describe('the copy-free wasm data-movement kernels', () => {
  it('slice every rank, contiguous or strided, split and concat along any axis, bit for bit as tfjs does', async () => {
    await initBackend('wasm');
    const rng = createRng(3);
    const data = Float32Array.from({ length: 2 * 3 * 4 * 5 * 2 }, () => rng.normal());
    const cases: Array<() => tf.Tensor | tf.Tensor[]> = [
      () => tf.slice(tf.tensor1d(data), [7], [50]),
      () => tf.slice(tf.tensor2d(data, [24, 10]), [3, 2], [5, 6]),
      () => tf.slice(tf.tensor2d(data, [24, 10]), [3, 0], [5, -1]),
      () => tf.slice(tf.tensor3d(data, [6, 4, 10]), [1, 1, 3], [4, 2, 5]),
      () => tf.slice(tf.tensor4d(data, [2, 3, 4, 10]), [1, 0, 2, 1], [1, 3, 2, 8]),
      () => tf.slice(tf.tensor(data, [2, 3, 4, 5, 2]), [0, 1, 1, 0, 0], [2, 2, 3, 5, 1]),
      () => tf.slice(tf.cast(tf.tensor2d(data, [24, 10]), 'int32'), [2, 2], [3, 3]),
      () => tf.split(tf.tensor1d(data), [100, 20, 120]),
      () => tf.split(tf.tensor2d(data, [24, 10]), [3, 3, 4], 1),
      () => tf.split(tf.tensor3d(data, [6, 4, 10]), 2, 0),
      () => tf.slice(tf.tensor2d(data, [24, 10]), [0, 0], [0, 4]),
      // Concat: the decoding cache's append (one position after many), long rows, several inputs, empty inputs, int32.
      () => tf.concat([tf.tensor3d(data.slice(0, 96), [8, 3, 4]), tf.tensor3d(data.slice(96, 128), [8, 1, 4])], 1),
      () => tf.concat([tf.tensor3d(data.slice(0, 96), [8, 4, 3]), tf.tensor3d(data.slice(96, 128), [8, 4, 1])], 2),
      () => tf.concat([tf.tensor2d(data.slice(0, 80), [2, 40]), tf.tensor2d(data.slice(80, 160), [2, 40]), tf.tensor2d(data.slice(160, 166), [2, 3])], 1),
      () => tf.concat([tf.tensor2d(data.slice(0, 40), [4, 10]), tf.tensor2d(data.slice(40, 100), [6, 10])], 0),
      () => tf.concat([tf.tensor3d([], [2, 0, 3]), tf.tensor3d(data.slice(0, 12), [2, 2, 3]), tf.tensor3d(data.slice(12, 18), [2, 1, 3])], 1),
      () => tf.concat([tf.cast(tf.tensor2d(data.slice(0, 6), [3, 2]), 'int32'), tf.cast(tf.tensor2d(data.slice(6, 9), [3, 1]), 'int32')], 1),
    ];
    for (const [i, c] of cases.entries()) {
      const { wasm, cpu } = await onBoth(c);
      expect(wasm, `case ${i}`).toEqual(cpu);
    }
  });

  it('identity and same-dtype cast share the data safely: the copy outlives its source and an assigned variable', async () => {
    await initBackend('wasm');
    const before = memoryInfo().numTensors;
    const heapBefore = tf.engine().backend.numDataIds();
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    const z = tf.cast(x, 'float32');
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3]);
    const v = tf.variable(y);
    const next = tf.add(y, 1) as tf.Tensor1D;
    v.assign(next);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([2, 3, 4]);
    // A cast that changes the dtype still converts.
    const f = tf.tensor1d([1.7, -2.2]);
    const i = tf.cast(f, 'int32');
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, -2]);
    tf.dispose([y, z, v, next, f, i]);
    expect(memoryInfo().numTensors).toBe(before);
    // Shared data is freed with its last reference: nothing stays allocated on the wasm heap.
    expect(tf.engine().backend.numDataIds()).toBe(heapBefore);
  });
});
