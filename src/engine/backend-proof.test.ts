import { beforeAll, describe, expect, it } from 'vitest';
import { compareFamily, FAMILIES, proveBackend, runFamily } from './backend-proof';
import { faultyGpuProbe as probe, registerFaultyBackend } from './faulty-backend';
import { chooseBackend, memoryInfo, tf } from './tf';

describe('the start-up proof of a backend', () => {
  beforeAll(() => registerFaultyBackend());

  it('passes wasm against cpu, within the tolerance, leaving wasm active and nothing allocated', async () => {
    await tf.setBackend('wasm');
    const before = memoryInfo().numTensors;
    const proved = await proveBackend('wasm');
    expect(proved.ok, !proved.ok ? proved.reason : '').toBe(true);
    expect(proved.ok && proved.details).toMatch(/text LM, policy-value MLP and classifier match cpu \(worst relative difference [\d.e-]+; \d+ ms on wasm\)/);
    expect(tf.getBackend()).toBe('wasm');
    expect(memoryInfo().numTensors).toBe(before);
  });

  it('every family has non-zero gradients, so a wrong backward cannot pass by both being zero', async () => {
    await tf.setBackend('cpu');
    for (const family of FAMILIES) {
      const r = runFamily(family);
      expect(Number.isFinite(r.loss)).toBe(true);
      for (const [name, g] of Object.entries(r.grads)) {
        // LayerNorm gains and biases included; only nothing may be identically zero.
        expect(
          g.some((x) => x !== 0),
          `${family} ${name}`,
        ).toBe(true);
      }
    }
  });

  it('names the family, the quantity and the difference, and NaN never passes', () => {
    const want = { loss: 1, grads: { w: Float32Array.of(1, -2) } };
    expect(compareFamily('classifier', { loss: 1.0001, grads: { w: Float32Array.of(1.001, -2) } }, want).failure).toBeNull();
    expect(compareFamily('classifier', { loss: 1.5, grads: want.grads }, want).failure).toMatch(
      /classifier: the loss is 1\.50 against the cpu's 1\.00 \(difference 0\.500/,
    );
    expect(compareFamily('classifier', { loss: 1, grads: { w: Float32Array.of(1, -1.5) } }, want).failure).toMatch(
      /classifier: the gradient of w differs from the cpu's by up to 0\.500 \(largest cpu value 2\.00, tolerance 0\.0400/,
    );
    expect(compareFamily('classifier', { loss: 1, grads: { w: Float32Array.of(NaN, -2) } }, want).failure).toMatch(/by up to NaN/);
    expect(compareFamily('classifier', { loss: NaN, grads: want.grads }, want).failure).toMatch(/the loss is NaN/);
  });

  it('a backend that loads but computes wrong is skipped with its reason, the other native one is not loaded, and the next is chosen', async () => {
    const report = await chooseBackend('auto', probe, proveBackend);
    expect(report.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.proof).toMatch(/match cpu/);
    const [gpu, native, webgpu] = report.skipped;
    expect(gpu!.name).toBe('tensorflow-gpu');
    expect(gpu!.reason).toMatch(
      /^loaded but failed its proof against cpu: text LM: the (loss is [\d.]+ against the cpu's [\d.]+|gradient of \S+ differs from the cpu's by up to [\d.e-]+)/,
    );
    expect(native).toEqual({
      name: 'tensorflow',
      reason: expect.stringMatching(/not tried: @tensorflow\/tfjs-node-gpu is already loaded in this process/) as unknown,
    });
    expect(webgpu!.reason).toMatch(/could not be loaded: webgpu is not installed in this test/);
  });

  it('a named backend that fails its proof is an error naming the proof and the field', async () => {
    const err = await chooseBackend('tensorflow-gpu', probe, proveBackend).catch((e: unknown) => e);
    expect(String(err)).toMatch(/"tensorflow-gpu" backend loaded but failed its proof against cpu: text LM: .*"backend" field/);
    await tf.setBackend('wasm');
  });
});
