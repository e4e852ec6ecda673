import { describe, expect, it } from 'vitest';
import { CodedError } from '../shared/errors';
import { chooseBackend, initBackend, judgeNativeProbe, memoryInfo, tf, type BackendProbe, type ConcreteBackend } from './tf';

function fakeProbe(available: Partial<Record<ConcreteBackend, string>>, calls: ConcreteBackend[] = []): BackendProbe {
  return async (name) => {
    calls.push(name);
    const details = available[name];
    return details ? { ok: true, details } : { ok: false, reason: `${name} unavailable in test` };
  };
}

const okChild = (stderr: string) => ({
  exitCode: 0,
  timedOut: false,
  stdout: '{"probe":"ok","backend":"tensorflow","version":"4.22.0","sum":8}\n',
  stderr,
});

describe('backend choice', () => {
  it('auto takes the first that loads, in order, and records why each earlier one was skipped', async () => {
    const calls: ConcreteBackend[] = [];
    const r = await chooseBackend('auto', fakeProbe({ wasm: 'SIMD on', cpu: 'js' }, calls));
    expect(r.active).toBe('wasm');
    expect(r.details).toBe('SIMD on');
    expect(r.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
    expect(r.skipped[0].reason).toMatch(/could not be loaded: tensorflow-gpu unavailable/);
    // Nothing is probed after the winner: a second native package must never load in the same process.
    expect(calls).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm']);
  });

  it('stops at the GPU when it loads', async () => {
    const calls: ConcreteBackend[] = [];
    const r = await chooseBackend('auto', fakeProbe({ 'tensorflow-gpu': 'A100', tensorflow: 'x', wasm: 'y' }, calls));
    expect(r.active).toBe('tensorflow-gpu');
    expect(calls).toEqual(['tensorflow-gpu']);
  });

  it('a named backend that fails is an error naming the reason and the field', async () => {
    const err = await chooseBackend('tensorflow', fakeProbe({ wasm: 'y' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodedError);
    expect((err as CodedError).code).toBe('engine_unavailable');
    expect((err as CodedError).message).toMatch(/"tensorflow".*tensorflow unavailable in test.*"backend"/);
  });

  it('fails with every reason when nothing loads', async () => {
    await expect(chooseBackend('auto', fakeProbe({}))).rejects.toThrow(/tensorflow-gpu: could not be loaded: .*cpu: could not be loaded: cpu unavailable/);
  });
});

describe('native probe verdict', () => {
  it('accepts tfjs-node-gpu only when TensorFlow created a GPU device', () => {
    const gpu = judgeNativeProbe(
      'tensorflow-gpu',
      okChild(
        'I tensorflow/core: Created device /job:localhost/replica:0/task:0/device:GPU:0 with 7000 MB memory: -> device: 0, name: NVIDIA RTX 4090, pci bus id',
      ),
    );
    expect(gpu).toEqual({ ok: true, details: 'libtensorflow 4.22.0 on CUDA device NVIDIA RTX 4090' });
    const cpuOnly = judgeNativeProbe('tensorflow-gpu', okChild('W could not load dynamic library libcudart.so.11.0'));
    expect(cpuOnly.ok).toBe(false);
    expect(!cpuOnly.ok && cpuOnly.reason).toMatch(/no CUDA GPU/);
    expect(judgeNativeProbe('tensorflow', okChild('')).ok).toBe(true);
  });

  it('reports load failures and time-outs', () => {
    const failed = judgeNativeProbe('tensorflow', {
      exitCode: 1,
      timedOut: false,
      stdout: '',
      stderr: 'Error: libtensorflow.so.2: cannot open shared object file\n at x',
    });
    expect(!failed.ok && failed.reason).toMatch(/@tensorflow\/tfjs-node failed to load: .*libtensorflow\.so\.2/);
    const slow = judgeNativeProbe('tensorflow-gpu', { exitCode: null, timedOut: true, stdout: '', stderr: '' });
    expect(!slow.ok && slow.reason).toMatch(/did not load within 20 s/);
  });
});

describe('initBackend', () => {
  it('brings up wasm with SIMD on one thread, and says why the native ones were skipped', async () => {
    const r = await initBackend('auto');
    expect(tf.getBackend()).toBe(r.active);
    expect(r.active).toBe('wasm');
    expect(r.details).toMatch(/SIMD on, 1 thread, own SIMD kernels on/);
    expect(r.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
    expect(r.skipped[0].reason).toMatch(/not installed.*CUDA 11\.2/);
    expect(r.skipped[2].reason).toMatch(/no Node WebGPU implementation is installed \(missing webgpu and @tensorflow\/tfjs-backend-webgpu/);
    expect(await initBackend('auto')).toBe(r);
    await expect(initBackend('cpu')).rejects.toThrow(/cannot switch/);
    const before = memoryInfo().numTensors;
    tf.tidy(() => {
      tf.add(tf.ones([2, 2]), 1);
    });
    expect(memoryInfo().numTensors).toBe(before);
  });
});
