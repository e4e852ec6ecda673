/**
 * The one module that imports TensorFlow.js. It registers the pure-JS and WASM backends, and chooses the compute
 * backend: for 'auto' the first that loads and passes its proof of tensorflow-gpu (tfjs-node-gpu, CUDA), tensorflow
 * (tfjs-node), webgpu (tfjs-backend-webgpu on a Node WebGPU implementation), wasm, cpu. The proof (backend-proof.ts)
 * is injected, since it builds the models, which import this module. Every skipped backend gets a reason, shown to
 * the user in Settings, in `evolab doctor` and in the run's report.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { CodedError } from '../shared/errors';
import type { BackendName } from '../shared/config';
import type { BackendReport } from '../shared/run';
import { registerGradients } from './tf-gradients';
import { registerWasmKernels } from './tf-wasm-kernels';
import { registerWasmSimdKernels, wasmSimdStatus } from './tf-wasm-simd';

registerGradients(tf);
registerWasmKernels(tf);
registerWasmSimdKernels(tf);

export { tf };

export type ConcreteBackend = Exclude<BackendName, 'auto'>;
export type ProbeResult = { ok: true; details: string } | { ok: false; reason: string };
/** Tries to bring one backend up; resolves with why not instead of throwing. */
export type BackendProbe = (name: ConcreteBackend) => Promise<ProbeResult>;
/** Checks that the backend `name`, now active, computes what cpu computes; resolves with why not. */
export type BackendProof = (name: ConcreteBackend) => Promise<ProbeResult>;

export const AUTO_ORDER: readonly ConcreteBackend[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
const isNative = (name: ConcreteBackend): name is 'tensorflow-gpu' | 'tensorflow' => name === 'tensorflow-gpu' || name === 'tensorflow';
const NATIVE_PACKAGE: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};
const PROBE_TIMEOUT_MS = 20_000;

let report: BackendReport | null = null;
let pending: Promise<BackendReport> | null = null;

/**
 * The decision alone, with the probe and the proof injected so it can be tested without native packages. A native
 * backend's probe loads it for real, so once one has loaded no other native one is tried, even when the loaded one
 * fails its proof: two native packages in one process would register kernels twice.
 */
export async function chooseBackend(requested: BackendName, probe: BackendProbe, prove: BackendProof = unproved): Promise<BackendReport> {
  if (requested !== 'auto') {
    const result = await bringUp(requested, probe, prove);
    if (!result.ok) {
      throw new CodedError(
        'engine_unavailable',
        `The "${requested}" backend ${result.reason}. Choose another backend (or "auto") in the run's "backend" field.`,
      );
    }
    return { active: requested, requested, skipped: [], details: result.details, proof: result.proof };
  }
  const skipped: BackendReport['skipped'] = [];
  let nativeLoaded: 'tensorflow-gpu' | 'tensorflow' | null = null;
  for (const name of AUTO_ORDER) {
    if (nativeLoaded && isNative(name)) {
      skipped.push({
        name,
        reason: `not tried: ${NATIVE_PACKAGE[nativeLoaded]} is already loaded in this process (it failed its proof), and a second native package would register its kernels twice`,
      });
      continue;
    }
    const result = await bringUp(name, probe, prove);
    if (result.ok) return { active: name, requested, skipped, details: result.details, proof: result.proof };
    if (result.loaded && isNative(name)) nativeLoaded = name;
    skipped.push({ name, reason: result.reason });
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new CodedError('engine_unavailable', `No compute backend could be loaded (${reasons}).`);
}

type BringUp = { ok: true; details: string; proof: string } | { ok: false; loaded: boolean; reason: string };

/** Probe, then prove: the reason says which of the two failed. */
async function bringUp(name: ConcreteBackend, probe: BackendProbe, prove: BackendProof): Promise<BringUp> {
  const loaded = await probe(name);
  if (!loaded.ok) return { ok: false, loaded: false, reason: `could not be loaded: ${loaded.reason}` };
  const proved = await prove(name);
  if (!proved.ok) return { ok: false, loaded: true, reason: `loaded but failed its proof against cpu: ${proved.reason}` };
  return { ok: true, details: loaded.details, proof: proved.details };
}

/** For callers that choose a backend for a test or a benchmark, where the proof's start-up cost buys nothing. */
const unproved: BackendProof = async () => ({ ok: true, details: 'not proved (chosen without the start-up proof)' });

/**
 * Chooses and activates the backend once per process; later calls with the same request return the same report.
 * The app, the CLI and the engine pass backend-proof.ts's proof (initProvenBackend there); tests and benchmarks
 * that name their backend may leave it out.
 */
export async function initBackend(requested: BackendName, prove: BackendProof = unproved): Promise<BackendReport> {
  if (report) {
    if (requested === report.requested || requested === report.active) return report;
    throw new CodedError(
      'engine_unavailable',
      `The engine already runs on "${report.active}" and cannot switch to "${requested}" in the same process; restart the engine to change backend.`,
    );
  }
  if (!pending) {
    tf.env().set('PROD', true);
    pending = chooseBackend(requested, realProbe, prove).then(
      (r) => (report = r),
      (e: unknown) => {
        pending = null;
        throw e;
      },
    );
  }
  return pending;
}

export function backendReport(): BackendReport | null {
  return report;
}

export function memoryInfo(): { numTensors: number; numBytes: number } {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}

const realProbe: BackendProbe = async (name) => {
  switch (name) {
    case 'cpu':
      return (await tf.setBackend('cpu')) && tf.getBackend() === 'cpu'
        ? { ok: true, details: 'pure JavaScript, single thread' }
        : { ok: false, reason: 'tf.setBackend("cpu") failed' };
    case 'wasm':
      return activateWasm();
    case 'webgpu':
      return activateWebgpu();
    case 'tensorflow-gpu':
    case 'tensorflow':
      return activateNative(name);
  }
};

async function activateWasm(): Promise<ProbeResult> {
  try {
    // One thread: the engine shares the machine with the app, and Node has no SharedArrayBuffer workers for tfjs.
    setThreadsCount(1);
    const ok = await tf.setBackend('wasm');
    // setBackend can resolve false, or leave the previous backend active, without throwing.
    if (!ok || tf.getBackend() !== 'wasm') {
      return { ok: false, reason: `tf.setBackend("wasm") did not activate it (active: ${tf.getBackend() ?? 'none'})` };
    }
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    return { ok: true, details: `WebAssembly, SIMD ${simd ? 'on' : 'off'}, ${getThreadsCount()} thread, ${wasmSimdStatus(tf)}` };
  } catch (e) {
    return { ok: false, reason: `the WebAssembly module failed to load: ${firstLine(e)}` };
  }
}

export const WEBGPU_PACKAGES = { backend: '@tensorflow/tfjs-backend-webgpu', node: 'webgpu' } as const;

/**
 * WebGPU in Node needs two packages Evolab does not ship: a WebGPU implementation (webgpu, Dawn's Node binding,
 * which puts navigator.gpu in place) and tfjs's WebGPU backend. Where both are installed it is tried like any other,
 * and the proof decides whether it computes the models' gradients correctly.
 */
async function activateWebgpu(): Promise<ProbeResult> {
  const missing = [WEBGPU_PACKAGES.node, WEBGPU_PACKAGES.backend].filter((p) => !resolvePackage(p));
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `no Node WebGPU implementation is installed (missing ${missing.join(' and ')}; Evolab does not ship them: npm install ${WEBGPU_PACKAGES.node} ${WEBGPU_PACKAGES.backend}@${tf.version_core} to try it)`,
    };
  }
  try {
    const dawn = (await import(WEBGPU_PACKAGES.node)) as { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
    Object.assign(globalThis, dawn.globals);
    const nav = ((globalThis as unknown as { navigator?: Record<string, unknown> }).navigator ??= {});
    nav.gpu ??= dawn.create([]);
    await import(WEBGPU_PACKAGES.backend);
    const ok = await tf.setBackend('webgpu');
    if (!ok || tf.getBackend() !== 'webgpu') {
      return { ok: false, reason: `tf.setBackend("webgpu") did not activate it (no WebGPU adapter; active: ${tf.getBackend() ?? 'none'})` };
    }
    return { ok: true, details: `WebGPU through ${WEBGPU_PACKAGES.node} (Dawn)` };
  } catch (e) {
    return { ok: false, reason: `the WebGPU backend failed to start: ${firstLine(e)}` };
  }
}

/** Where the package is installed, or null. */
function resolvePackage(pkg: string): string | null {
  try {
    return createRequire(import.meta.url).resolve(pkg);
  } catch {
    return null;
  }
}

export function notInstalledReason(name: 'tensorflow-gpu' | 'tensorflow'): string {
  const pkg = NATIVE_PACKAGE[name];
  return name === 'tensorflow-gpu'
    ? `package ${pkg} is not installed: its install step could not download libtensorflow (or the platform is not Linux x64); install CUDA 11.2 + cuDNN 8.1 and run npm install again`
    : `package ${pkg} is not installed: its install step could not download libtensorflow; run npm install again with network access to fetch it`;
}

async function activateNative(name: 'tensorflow-gpu' | 'tensorflow'): Promise<ProbeResult> {
  const pkg = NATIVE_PACKAGE[name];
  if (!resolvePackage(pkg)) return { ok: false, reason: notInstalledReason(name) };
  // Load it in a child first: a native package that fails half-way registers kernels we could not take back.
  const probed = await probeNativeInChild(pkg);
  const verdict = judgeNativeProbe(name, probed);
  if (!verdict.ok) return verdict;
  try {
    await import(pkg);
    const ok = await tf.setBackend('tensorflow');
    if (!ok || tf.getBackend() !== 'tensorflow') {
      return { ok: false, reason: `${pkg} loaded but tf.setBackend("tensorflow") did not activate it` };
    }
    return verdict;
  } catch (e) {
    return { ok: false, reason: `${pkg} passed its probe but failed to load here: ${firstLine(e)}` };
  }
}

export interface NativeProbeOutput {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Reads the child's output. The child prints one JSON line after a small matmul; TensorFlow's own log (level 0)
 * names each device it creates, which is how a GPU is told apart from tfjs-node-gpu silently falling back to CPU.
 */
export function judgeNativeProbe(name: 'tensorflow-gpu' | 'tensorflow', out: NativeProbeOutput): ProbeResult {
  const pkg = NATIVE_PACKAGE[name];
  if (out.timedOut) return { ok: false, reason: `${pkg} did not load within ${PROBE_TIMEOUT_MS / 1000} s` };
  const line = out.stdout.split('\n').find((l) => l.startsWith('{"probe"'));
  if (out.exitCode !== 0 || !line) {
    const why = out.stderr.split('\n').find((l) => /error|cannot|not found|undefined symbol/i.test(l)) ?? `exit code ${String(out.exitCode)}`;
    return { ok: false, reason: `${pkg} failed to load: ${why.trim().slice(0, 300)}` };
  }
  const parsed = JSON.parse(line) as { probe: string; backend: string; version: string; sum: number };
  if (parsed.backend !== 'tensorflow' || parsed.sum !== 8) {
    return { ok: false, reason: `${pkg} loaded but its test matmul was wrong (backend ${parsed.backend}, sum ${parsed.sum})` };
  }
  if (name === 'tensorflow') return { ok: true, details: `libtensorflow ${parsed.version} (native CPU)` };
  const gpu = /Created (?:TensorFlow )?device \S*GPU:0[^\n]*/.exec(out.stderr);
  if (!gpu) {
    return {
      ok: false,
      reason: `${pkg} loaded but found no CUDA GPU (no GPU:0 device was created); check the NVIDIA driver, CUDA 11.2 and cuDNN 8.1 (CUDA 12 alone does not load libtensorflow 2.x)`,
    };
  }
  const detail = /name: ([^,]+)/.exec(gpu[0])?.[1] ?? 'GPU:0';
  return { ok: true, details: `libtensorflow ${parsed.version} on CUDA device ${detail.trim()}` };
}

function probeNativeInChild(pkg: string): Promise<NativeProbeOutput> {
  const script = [
    `const tf = require(${JSON.stringify(pkg)});`,
    'const x = tf.tensor2d([1, 1, 1, 1], [2, 2]);',
    'const s = tf.matMul(x, x).sum().dataSync()[0];',
    "console.log(JSON.stringify({ probe: 'ok', backend: tf.getBackend(), version: String((tf.version && (tf.version['tfjs-node'] || tf.version['tfjs-core'])) || ''), sum: s }));",
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '0', ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, PROBE_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ exitCode: null, timedOut, stdout, stderr: stderr + String(e) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, timedOut, stdout, stderr });
    });
  });
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
