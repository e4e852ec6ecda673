import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, memoryInfo, tf } from './tf';
import {
  GELU_C,
  GELU_CUBE,
  SIMD_GELU,
  SIMD_GELU_GRAD,
  SIMD_GELU_TRAIN,
  SIMD_LAYER_NORM,
  SIMD_LAYER_NORM_GRAD,
  SIMD_LAYER_NORM_GRAD2,
  SIMD_LAYER_NORM_TRAIN,
  STOCK_BATCH_MATMUL,
  STOCK_K_BLOCK,
  STOCK_TANH,
  takesBatchMatMul,
  wasmSimdActive,
} from './tf-wasm-simd';
import { createRng } from './rng';
import { gelu, geluOps, layerNorm, layerNormOps, mm, recording } from './policies/ops';

function random(shape: number[], seed: number, scale = 1): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale),
    shape,
  );
}

function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array((t.dataSync() as Float32Array).slice().buffer);
}

/**
 * LayerNorm's test rows: `n` normal values at a scale around an offset (the mean), with an exact zero every
 * `zeroEvery`-th element and an exact repeat of the offset every `offEvery`-th.
 */
function rowData(rng: ReturnType<typeof createRng>, zeroEvery: number, offEvery: number) {
  return (n: number, scale: number, off: number) =>
    Float32Array.from({ length: n }, (_, i) => (i % zeroEvery === 0 ? 0 : i % offEvery === 0 ? off : off + scale * rng.normal()));
}

describe('the WebAssembly SIMD kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('runs on the WASM backend in place of the stock kernel', () => {
    expect(wasmSimdActive(tf)).toBe(true);
  });

  it('takes batched plain layouts with k up to the stock block, and leaves the rest to the stock kernel', () => {
    expect(takesBatchMatMul([8, 16, 8], [8, 8, 16], false, false)).toBe(true);
    expect(takesBatchMatMul([2, 4, 16, 8], [2, 4, 8, 16], false, false)).toBe(true);
    expect(takesBatchMatMul([1, 16, 8], [1, 8, 16], false, false)).toBe(false); // XNNPACK's case
    expect(takesBatchMatMul([8, 16, 8], [8, 16, 8], false, true)).toBe(true); // b stored [n, k]
    expect(takesBatchMatMul([1, 1, 8], [1, 16, 8], false, true)).toBe(true); // the stock kernel's scalar path too
    expect(takesBatchMatMul([8, 8, 16], [8, 8, 16], true, false)).toBe(false);
    expect(takesBatchMatMul([8, 16, STOCK_K_BLOCK + 1], [8, STOCK_K_BLOCK + 1, 4], false, false)).toBe(false);
    expect(takesBatchMatMul([8, 16, 8], [1, 8, 16], false, false)).toBe(false); // broadcast batch
  });

  // Every n % 4 tail, every chunk width (16, 8, 4 outputs), k from 1 to the block, several scales.
  const shapes: Array<[number[], number, number]> = [
    [[2], 1, 1],
    [[3], 5, 7],
    [[4], 16, 8],
    [[128], 16, 16],
    [[6], 7, 48],
    [[2, 3], 9, 13],
    [[5], 33, 20],
    [[2], 4, 31],
    [[128], 1, 16],
    [[1], 1, 16],
  ];
  it.each(shapes)('equals the stock kernel bit for bit, b plain and transposed: batch %j, m %i, k %i, every n', (batchDims, m, k) => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 20, 24, 32, 35]) {
      for (const scale of [1, 1e-3, 1e4]) {
        tf.tidy(() => {
          const a = random([...batchDims, m, k], m * 1000 + k * 10 + n, scale);
          const b = random([...batchDims, k, n], n * 7 + 3, 1);
          const ours = tf.matMul(a, b);
          const stock = tf.engine().runKernel(STOCK_BATCH_MATMUL, { a, b }, { transposeA: false, transposeB: false }) as tf.Tensor;
          expect(ours.shape).toEqual(stock.shape);
          expect(bits(ours)).toEqual(bits(stock));
          // b stored transposed, as decoding's cached keys enter q @ K^T
          const bt = random([...batchDims, n, k], n * 11 + 5, 1);
          const oursT = tf.matMul(a, bt, false, true);
          const stockT = tf.engine().runKernel(STOCK_BATCH_MATMUL, { a, b: bt }, { transposeA: false, transposeB: true }) as tf.Tensor;
          expect(oursT.shape).toEqual(stockT.shape);
          expect(bits(oursT)).toEqual(bits(stockT));
        });
      }
    }
  });

  it('keeps non-finite values where the stock kernel has them', () => {
    tf.tidy(() => {
      const a = tf.tensor3d([Infinity, 1, NaN, 2, -Infinity, 0, 1, 1], [2, 2, 2]);
      const b = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
      const ours = tf.matMul(a, b);
      const stock = tf.engine().runKernel(STOCK_BATCH_MATMUL, { a, b }, { transposeA: false, transposeB: false }) as tf.Tensor;
      expect(Array.from(ours.dataSync())).toEqual(Array.from(stock.dataSync()));
    });
  });

  it('serves the custom matmul gradient of the attention ops (ops.ts), with the stock values', () => {
    tf.tidy(() => {
      const q = random([8, 12, 8], 1);
      const kT = random([8, 8, 12], 2);
      const dy = random([8, 12, 12], 3);
      const [gq, gk] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x, y), dy)))([q, kT]);
      const stock = (x: tf.Tensor, y: tf.Tensor) =>
        tf.engine().runKernel(STOCK_BATCH_MATMUL, { a: x, b: y }, { transposeA: false, transposeB: false }) as tf.Tensor;
      // mm's gradient: dy @ b^T and a^T @ dy, with the transposes built explicitly.
      expect(bits(gq!)).toEqual(bits(stock(dy, tf.transpose(kT, [0, 2, 1]))));
      expect(bits(gk!)).toEqual(bits(stock(tf.transpose(q, [0, 2, 1]), dy)));
    });
  });

  it('runs tanh bit for bit as the stock kernel (musl tanhf), over every branch and raw bit patterns', () => {
    const rng = createRng(7);
    const n = 1 << 20;
    const xs = new Float32Array(n);
    const raw = new Uint32Array(xs.buffer);
    // Magnitudes around each of tanhf's and expm1f's branch points, then any float32 at all (NaN, inf, subnormal).
    const scales = [12, 1.2, 0.6, 0.3, 0.05, 1e-6, 1e-30];
    for (let i = 0; i < n; i++) {
      if (i % 8 === 7) raw[i] = Math.floor(rng.next() * 4294967296) >>> 0;
      else xs[i] = (rng.next() * 2 - 1) * scales[i % 8]!;
    }
    xs.set([0, -0, Infinity, -Infinity, NaN, 10, -10, 9.999999, 1e-38, -1e-45, 0.5493, 0.2554, 20, 18.7], 0);
    for (const length of [n, n - 3, 5, 4]) {
      tf.tidy(() => {
        const x = tf.tensor1d(xs.subarray(0, length));
        const ours = tf.tanh(x).dataSync() as Float32Array;
        const stock = (tf.engine().runKernel(STOCK_TANH, { x }, {}) as tf.Tensor).dataSync() as Float32Array;
        const a = new Uint32Array(ours.buffer, ours.byteOffset, length);
        const b = new Uint32Array(stock.buffer, stock.byteOffset, length);
        let differ = 0;
        for (let i = 0; i < length; i++) if (a[i] !== b[i] && !(Number.isNaN(ours[i]) && Number.isNaN(stock[i]))) differ++;
        expect(differ).toBe(0);
      });
    }
  });

  it('leaves tanh of fewer than four values, and of other dtypes, to the stock kernel', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([0.3, -2]);
      expect(Array.from(tf.tanh(x).dataSync())).toEqual(Array.from((tf.engine().runKernel(STOCK_TANH, { x }, {}) as tf.Tensor).dataSync()));
    });
  });

  /** Sizes (a multiple of four or not, the smallest the kernel takes) and scales (tanh's branches) for GELU. */
  const GELU_CASES = [
    [64 * 96, 1],
    [1001, 3],
    [4, 0.1],
    [4099, 30],
    [7, 1e-3],
    [37, 1e-3],
  ] as const;

  it('runs GELU in one kernel, bit for bit the tf ops around the stock tanh, and not under a tape', async () => {
    const rng = createRng(9);
    for (const [n, scale] of GELU_CASES) {
      tf.tidy(() => {
        const x = tf.tensor1d(Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale));
        const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), GELU_CUBE)), GELU_C);
        const t = tf.engine().runKernel(STOCK_TANH, { x: inner }, {}) as tf.Tensor;
        const stock = tf.mul(tf.mul(x, 0.5), tf.add(t, 1));
        expect(bits(gelu(x)), `n ${n} scale ${scale}`).toEqual(bits(stock));
      });
    }
    const forward = await tf.profile(() => tf.tidy(() => gelu(tf.ones([8, 8]))).dispose());
    expect(forward.kernels.map((k) => k.name)).toContain(SIMD_GELU);
  });

  it("gives GELU's gradient under a tape in two kernels, bit for bit as tfjs differentiates the tf ops", async () => {
    const rng = createRng(10);
    for (const [n, scale] of GELU_CASES) {
      tf.tidy(() => {
        const x = tf.tensor1d(Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale));
        // The upstream gradient: a random weight per element, as a loss above GELU gives.
        const w = tf.tensor1d(Float32Array.from({ length: n }, () => rng.next() * 2 - 1));
        const ours = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gelu(v), w)))(x);
        const ops = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(geluOps(v), w)))(x);
        expect(bits(ours), `n ${n} scale ${scale}`).toEqual(bits(ops));
        // and the forward value under the tape
        let y: tf.Tensor | null = null;
        tf.grad((v: tf.Tensor) => {
          y = tf.keep(gelu(v));
          return tf.sum(tf.mul(y, w));
        })(x);
        expect(bits(y!)).toEqual(bits(geluOps(x)));
        (y as tf.Tensor | null)?.dispose();
      });
    }
    tf.tidy(() => {
      const edges = tf.tensor1d([0, -0, 1e-38, -1e-38, 1e-45, 5, -5, 20, -20, 1e10, -1e10, 3, -3]);
      expect(bits(tf.grad((v: tf.Tensor) => tf.sum(gelu(v)))(edges))).toEqual(bits(tf.grad((v: tf.Tensor) => tf.sum(geluOps(v)))(edges)));
    });
    const x = tf.variable(tf.ones([8, 8]));
    const taped = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(gelu(x)), [x]);
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    });
    const names = taped.kernels.map((k) => k.name);
    expect(names).toEqual(expect.arrayContaining([SIMD_GELU_TRAIN, SIMD_GELU_GRAD]));
    expect(names).not.toContain('Tanh');
    x.dispose();
  });

  it('runs LayerNorm bit for bit as the tf ops do, for any width, scale and offset, in one kernel where nothing is differentiated', async () => {
    const data = rowData(createRng(11), 17, 23);
    const before = memoryInfo().numTensors;
    let compared = 0;
    for (const d of [1, 2, 3, 4, 5, 16, 32, 64, 100, 128, 257]) {
      for (const [scale, off] of [
        [1, 0],
        [1e-3, 5],
        [30, -2],
        [1e3, 1e4],
        [1e-6, 0],
      ] as const) {
        // 37 rows: nine groups of four and a last partial one.
        const rows = 37;
        tf.tidy(() => {
          const x = tf.tensor2d(data(rows * d, scale, off), [rows, d]);
          const g = tf.tensor1d(data(d, 0.5, 1));
          const b = tf.tensor1d(data(d, 0.1, 0));
          expect(recording()).toBe(false);
          expect(bits(layerNorm(x, g, b)), `d ${d} scale ${scale} offset ${off}`).toEqual(bits(layerNormOps(x, g, b)));
          // A 3-d input normalises its last axis the same way.
          const x3 = tf.reshape(x, [1, rows, d]);
          expect(bits(layerNorm(x3, g, b))).toEqual(bits(layerNormOps(x3, g, b)));
        });
        compared += rows * d;
      }
    }
    expect(compared).toBeGreaterThan(100_000);
    expect(memoryInfo().numTensors).toBe(before);
    const g = tf.variable(tf.ones([4]));
    const b = tf.variable(tf.zeros([4]));
    const x = tf.tensor2d([1, 2, 3, 4, -1, 0, 1, 2], [2, 4]);
    const forward = await tf.profile(() => tf.tidy(() => layerNorm(x, g, b)).dispose());
    expect(forward.kernels.map((k) => k.name)).toEqual([SIMD_LAYER_NORM]);
    const taped = await tf.profile(() => {
      const { grads } = tf.variableGrads(() => tf.sum(layerNorm(x, g, b)), [g, b]);
      for (const t of Object.values(grads)) t.dispose();
    });
    expect(taped.kernels.map((k) => k.name)).not.toContain(SIMD_LAYER_NORM);
    for (const t of [g, b, x]) t.dispose();
  });

  it("gives LayerNorm's gradients under a tape in three kernels, bit for bit as tfjs differentiates the tf ops", async () => {
    const data = rowData(createRng(12), 19, 29);
    const before = memoryInfo().numTensors;
    let compared = 0;
    for (const d of [4, 5, 7, 16, 33, 64, 128]) {
      for (const [rows, scale, off] of [
        [1, 1, 0],
        [6, 1e-3, 5],
        [37, 30, -2],
        [37, 1, 0],
        [9, 1e3, 1e4],
      ] as const) {
        tf.tidy(() => {
          const x = tf.tensor2d(data(rows * d, scale, off), [rows, d]);
          const g = tf.tensor1d(data(d, 0.5, 1));
          const b = tf.tensor1d(data(d, 0.1, 0));
          // The upstream gradient: a random weight per element. x is also read by a residual, as in a block, whose
          // part of x's gradient the tape adds first.
          const w = tf.tensor2d(data(rows * d, 1, 0), [rows, d]);
          for (const residual of [true, false]) {
            const loss = (norm: typeof layerNorm) => (v: tf.Tensor, gv: tf.Tensor, bv: tf.Tensor) => {
              const y = norm(v, gv, bv);
              return tf.sum(tf.mul(residual ? tf.add(v, y) : y, w));
            };
            const ours = tf.grads(loss(layerNorm))([x, g, b]);
            const ops = tf.grads(loss(layerNormOps))([x, g, b]);
            ours.forEach((t, k) =>
              expect(bits(t), `d ${d} rows ${rows} scale ${scale} residual ${residual}: ${['x', 'gain', 'bias'][k]}`).toEqual(bits(ops[k]!)),
            );
          }
          // A 3-d input, and the forward value under the tape.
          const x3 = tf.reshape(x, [1, rows, d]);
          const w3 = tf.reshape(w, [1, rows, d]);
          const [ours3, ops3] = [layerNorm, layerNormOps].map((norm) => tf.grads((v: tf.Tensor, gv: tf.Tensor) => tf.sum(tf.mul(norm(v, gv, b), w3)))([x3, g]));
          ours3!.forEach((t, k) => expect(bits(t)).toEqual(bits(ops3![k]!)));
          let y: tf.Tensor | null = null;
          tf.grad((v: tf.Tensor) => {
            y = tf.keep(layerNorm(v, g, b));
            return tf.sum(tf.mul(y, w));
          })(x);
          expect(bits(y!)).toEqual(bits(layerNormOps(x, g, b)));
          (y as tf.Tensor | null)?.dispose();
        });
        compared += rows * d;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(memoryInfo().numTensors).toBe(before);
    const g = tf.variable(tf.ones([4]));
    const b = tf.variable(tf.zeros([4]));
    const x = tf.variable(tf.tensor2d([1, 2, 3, 4, -1, 0, 1, 2], [2, 4]));
    const taped = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layerNorm(x, g, b), tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]))), [x, g, b]);
      value.dispose();
      for (const t of Object.values(grads)) t.dispose();
    });
    const names = taped.kernels.map((k) => k.name);
    expect(names).toEqual(expect.arrayContaining([SIMD_LAYER_NORM_TRAIN, SIMD_LAYER_NORM_GRAD, SIMD_LAYER_NORM_GRAD2, 'Pow']));
    expect(names).not.toContain('Mean');
    for (const t of [g, b, x]) t.dispose();
  });
});
