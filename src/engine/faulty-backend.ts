/**
 * A backend that loads and runs but computes one kernel wrong, for tests of the start-up proof (backend-proof.ts):
 * every cpu kernel registered again under the name "faulty", except Exp, which is off by 1%. Softmax, log-softmax
 * and ELU all go through Exp, as they would on a device with a bad kernel. Not registered unless a test asks.
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf, type BackendProbe, type ConcreteBackend } from './tf';

export const FAULTY = 'faulty';

export function registerFaultyBackend(): void {
  if (tf.findBackend(FAULTY)) return;
  tf.registerBackend(FAULTY, () => new MathBackendCPU());
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (k.kernelName !== tf.Exp) tf.registerKernel({ ...k, backendName: FAULTY });
  }
  const exp = tf.getKernel(tf.Exp, 'cpu')!;
  tf.registerKernel({
    kernelName: tf.Exp,
    backendName: FAULTY,
    kernelFunc: (args) => {
      const backend = args.backend as MathBackendCPU;
      const out = exp.kernelFunc(args) as tf.TensorInfo;
      const values = backend.data.get(out.dataId)!.values as Float32Array;
      for (let i = 0; i < values.length; i++) values[i] *= 1.01;
      return out;
    },
  });
}

/** A probe under which the GPU slot "loads" the faulty backend and wasm loads for real; the rest are not installed. */
export const faultyGpuProbe: BackendProbe = async (name: ConcreteBackend) => {
  if (name === 'tensorflow-gpu') {
    registerFaultyBackend();
    return (await tf.setBackend(FAULTY))
      ? { ok: true, details: 'a device that computes exp wrong' }
      : { ok: false, reason: 'the faulty backend did not start' };
  }
  if (name === 'wasm') return (await tf.setBackend('wasm')) ? { ok: true, details: 'WebAssembly' } : { ok: false, reason: 'wasm did not start' };
  return { ok: false, reason: `${name} is not installed in this test` };
};
