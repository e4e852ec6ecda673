import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { initBackend, memoryInfo, tf } from './tf';
import { FUSED_MAX_ELEMENTS, gelu, geluOps, layerNorm, layerNormOps, recording } from './policies/ops';
import { FUSED_LAYER_NORM } from './tf-wasm-fused';

/** The bits of each value, so -0 and NaN payloads compare too. */
function bits(t: tf.Tensor): number[] {
  const v = t.dataSync() as Float32Array;
  return Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));
}

/** Rows of normal values at a scale, with an offset (LayerNorm's mean) and a few exact repeats and zeros. */
function data(rng: ReturnType<typeof createRng>, n: number, scale: number, offset: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : i % 23 === 0 ? offset : offset + scale * rng.normal()));
}

describe('the fused wasm forward kernels', () => {
  it('give LayerNorm bit for bit as the tf ops do, for any width, scale and offset', async () => {
    await initBackend('wasm');
    const rng = createRng(11);
    const before = memoryInfo().numTensors;
    let compared = 0;
    for (const d of [1, 2, 3, 16, 32, 64, 100, 128, 257]) {
      for (const [scale, offset] of [
        [1, 0],
        [1e-3, 5],
        [30, -2],
        [1e3, 1e4],
        [1e-6, 0],
      ] as const) {
        const rows = 37;
        tf.tidy(() => {
          const x = tf.tensor2d(data(rng, rows * d, scale, offset), [rows, d]);
          const g = tf.tensor1d(data(rng, d, 0.5, 1));
          const b = tf.tensor1d(data(rng, d, 0.1, 0));
          expect(recording()).toBe(false);
          const fusedOut = layerNorm(x, g, b);
          expect(bits(fusedOut), `d ${d} scale ${scale} offset ${offset}`).toEqual(bits(layerNormOps(x, g, b)));
          // A 3-d input normalises its last axis the same way.
          const x3 = tf.reshape(x, [1, rows, d]);
          expect(bits(layerNorm(x3, g, b))).toEqual(bits(layerNormOps(x3, g, b)));
        });
        compared += rows * d;
      }
    }
    expect(compared).toBeGreaterThan(100_000);
    expect(memoryInfo().numTensors).toBe(before);
  });

  it('give GELU bit for bit as the tf ops do, across its range', async () => {
    await initBackend('wasm');
    const rng = createRng(12);
    for (const scale of [1e-4, 0.1, 1, 3, 10, 100]) {
      tf.tidy(() => {
        const x = tf.tensor2d(data(rng, 64 * 96, scale, 0), [64, 96]);
        expect(bits(gelu(x)), `scale ${scale}`).toEqual(bits(geluOps(x)));
      });
    }
    tf.tidy(() => {
      const edges = tf.tensor1d([0, -0, 1e-38, -1e-38, 1e-45, 5, -5, 20, -20, 1e10, -1e10, Infinity, -Infinity]);
      expect(bits(gelu(edges))).toEqual(bits(geluOps(edges)));
    });
  });

  it('stand aside under a gradient tape, so training differentiates the tf ops', async () => {
    await initBackend('wasm');
    const g = tf.variable(tf.ones([4]));
    const b = tf.variable(tf.zeros([4]));
    const x = tf.tensor2d([1, 2, 3, 4, -1, 0, 1, 2], [2, 4]);
    const profile = await tf.profile(() => {
      const { grads } = tf.variableGrads(() => tf.sum(gelu(layerNorm(x, g, b))), [g, b]);
      for (const t of Object.values(grads)) t.dispose();
    });
    expect(profile.kernels.map((k) => k.name)).not.toContain(FUSED_LAYER_NORM);
    const forward = await tf.profile(() => tf.tidy(() => layerNorm(x, g, b)).dispose());
    expect(forward.kernels.map((k) => k.name)).toEqual([FUSED_LAYER_NORM]);
    // Above FUSED_MAX_ELEMENTS the stock kernels are faster, and they run.
    const big = tf.zeros([FUSED_MAX_ELEMENTS / 4 + 1, 4]);
    const large = await tf.profile(() => tf.tidy(() => layerNorm(big, g, b)).dispose());
    expect(large.kernels.map((k) => k.name)).not.toContain(FUSED_LAYER_NORM);
    big.dispose();
    for (const t of [g, b, x]) t.dispose();
  });
});
