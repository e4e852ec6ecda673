/**
 * How much memory a run's model and batches need, and whether the backend has it: checked before a run starts, so
 * a model or batch that will not fit is refused with its estimate, the limit and what to lower, instead of
 * aborting WebAssembly with "memory access out of bounds" minutes in. Pure arithmetic (no TensorFlow.js).
 *
 * The estimate follows the transformer (policies/transformer-model.ts) and the recipes' batch shapes:
 * - parameters: embeddings, 12 d^2 + 13 d per block, the head; float32. The policy, the frozen reference, Adam's
 *   two moments and the gradients (with their clipped copies) are six copies.
 * - training: every intermediate of the forward is kept for the backward pass (and as many gradients are live
 *   during it): per row and layer about 32 T d floats for the projections, norms and MLP, and 5 H T^2 for the
 *   attention scores, mask and softmax; plus the logits (T V, four tensors). STaR trains optim.batchSize rows a
 *   step; GRPO trains all promptsPerIteration x groupSize rows of an iteration in one step.
 * - sampling: rows are sampled 512 at a time; the prefill keeps its forward's intermediates (one tidy) and the
 *   key/value cache (2 T d per row and layer) exists twice while a decoding step extends it.
 * T is the longest sequence the run can see: min(policy.contextLength, the task's longest problem).
 * - pool workers (`workers` > 1, pool/): each worker thread holds a replica of the weights, its shard's gradient
 *   and that gradient flattened (three copies, no Adam state or reference), and the activations of its shard of
 *   the rows (a training batch or a sampling chunk split in contiguous shards). Each must fit its own backend (a
 *   WASM worker has its own 4 GiB address space), and the engine with all its workers the machine's free memory.
 * Text-task runs only (a transformer on a text task); preflight routes other families past it.
 */
import os from 'node:os';
import { createRequire } from 'node:module';
import type { BackendName, PolicyConfig, RunConfig, TextRunConfig } from '../shared/config';
import { requireTextRun } from './text-run';
import { CodedError, type FieldIssue } from '../shared/errors';
import { batchShape } from './recipes/registry';

const FLOAT = 4;
const GiB = 2 ** 30;
/** policy.sample is called with at most this many rows (recipes/rollout.ts). */
const SAMPLE_CHUNK_ROWS = 512;
/** WebAssembly memory is a 32-bit address space (4 GiB); the module, the heap and fragmentation need the rest. */
export const WASM_LIMIT_BYTES = 3 * GiB;

export interface TaskShape {
  vocabSize: number;
  maxSequenceLength: number;
  /** Held-out problems of all levels (each evaluation samples them, 512 rows at a time). */
  heldoutProblems: number;
}

export interface MemoryEstimate {
  parameters: number;
  /** Tokens per sequence the estimate assumes. */
  time: number;
  trainRows: number;
  sampleRows: number;
  /** Bytes. */
  weights: number;
  training: number;
  sampling: number;
  /** The engine process (host) alone. */
  total: number;
  /** Pool workers (1: none) and each one's share in bytes (0 without a pool). */
  workers: number;
  perWorker: number;
}

export function parameterCount(policy: PolicyConfig, vocabSize: number): number {
  if (policy.kind !== 'transformer')
    throw new CodedError('invalid_config', `the parameter count here is the transformer's; policy.kind is "${policy.kind}"`, [
      { path: 'policy.kind', message: 'not a transformer' },
    ]);
  const d = policy.dModel;
  const positions = policy.positions === 'learned' ? policy.contextLength * d : 0;
  return vocabSize * d + positions + policy.nLayers * (12 * d * d + 13 * d) + 2 * d + d * vocabSize + vocabSize;
}

export function estimateMemory(runConfig: RunConfig, task: TaskShape, workers = 1): MemoryEstimate {
  const config = requireTextRun(runConfig);
  const { dModel: d, nLayers: layers, nHeads: heads } = config.policy;
  const t = Math.max(2, Math.min(config.policy.contextLength, task.maxSequenceLength));
  const v = task.vocabSize;
  const parameters = parameterCount(config.policy, v);
  const rows = batchShape(config);
  const sampleRows = Math.min(SAMPLE_CHUNK_ROWS, Math.max(rows.sample, task.heldoutProblems, 1));
  const weights = 6 * parameters * FLOAT;
  const perRowForward = layers * (32 * t * d + 5 * heads * t * t) + 4 * t * v;
  const training = 2 * rows.train * perRowForward * FLOAT;
  const prefill = layers * (16 * t * d + 4 * heads * t * t + t * t) + t * v;
  const cache = 2 * layers * 2 * t * d;
  const sampling = sampleRows * (prefill + cache) * FLOAT;
  const total = weights + Math.max(training, sampling);
  const shard = (n: number) => Math.ceil(n / workers);
  const perWorker = workers > 1 ? 3 * parameters * FLOAT + Math.max(2 * shard(rows.train) * perRowForward, shard(sampleRows) * (prefill + cache)) * FLOAT : 0;
  return { parameters, time: t, trainRows: rows.train, sampleRows, weights, training, sampling, total, workers, perWorker };
}

export interface MemoryLimit {
  bytes: number;
  /** Why this is the limit, for the message. */
  reason: string;
}

/** What "auto" will most likely pick without loading anything: a native package if installed, else WASM. */
export function expectedBackend(requested: BackendName): Exclude<BackendName, 'auto'> {
  if (requested !== 'auto') return requested;
  const require = createRequire(import.meta.url);
  for (const [name, pkg] of [
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
    ['tensorflow', '@tensorflow/tfjs-node'],
  ] as const) {
    try {
      require.resolve(pkg);
      return name;
    } catch {
      // not installed: the next in auto's order
    }
  }
  return 'wasm';
}

export function memoryLimit(backend: string, available: number = freeMemory()): MemoryLimit {
  if (backend === 'wasm') {
    const bytes = Math.min(WASM_LIMIT_BYTES, available);
    return { bytes, reason: bytes < WASM_LIMIT_BYTES ? `the free memory of this machine` : `a 4 GiB WebAssembly address space less headroom` };
  }
  return { bytes: available, reason: 'the free memory of this machine' };
}

function freeMemory(): number {
  // availableMemory honours a container's limit; freemem is the fallback.
  return typeof process.availableMemory === 'function' ? process.availableMemory() : os.freemem();
}

export function formatBytes(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.max(1, Math.round(bytes / 2 ** 20))} MiB`;
}

/** With a pool: each worker within its backend's limit, and the engine with every worker within the free memory. */
function checkWorkers(e: MemoryEstimate, backend: string, available: number): void {
  if (e.workers <= 1) return;
  const each = memoryLimit(backend, available);
  const all = e.total + e.workers * e.perWorker;
  const over =
    e.perWorker > each.bytes
      ? `each needs about ${formatBytes(e.perWorker)}, more than the ${backend} backend's limit of ${formatBytes(each.bytes)} (${each.reason})`
      : all > available
        ? `the engine (${formatBytes(e.total)}) and its workers (${e.workers} x ${formatBytes(e.perWorker)}) need about ${formatBytes(all)}, more than the ${formatBytes(available)} of free memory`
        : null;
  if (over === null) return;
  const fewer = Math.max(1, Math.floor((available - e.total) / Math.max(1, e.perWorker)));
  throw new CodedError(
    'invalid_config',
    `The run's ${e.workers} pool workers do not fit: ${over}. Lower workers (${fewer > 1 && e.perWorker <= each.bytes ? `at most ${Math.min(fewer, e.workers - 1)} fit` : '1 runs in the engine alone'}), or the batch and model fields that size each worker's share.`,
    [{ path: 'workers', message: `${e.workers}: each worker holds a replica of the model and a shard of the batch` }],
  );
}

/** The fields that shrink the largest part of the estimate, each with what to do. */
function whatToLower(config: TextRunConfig, task: TaskShape, e: MemoryEstimate, limit: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const taskBound = task.maxSequenceLength < config.policy.contextLength;
  const length: FieldIssue = taskBound
    ? { path: 'task.path', message: `problems up to ${e.time} tokens: shorter prompts and answers need less (memory grows with the square of the length)` }
    : {
        path: 'policy.contextLength',
        message: `${config.policy.contextLength} tokens: memory grows with the square of the sequence length; lower it, with shorter problems if the longest need it`,
      };
  // The model itself does not fit (or is the largest part): only a smaller model helps.
  if (e.weights > limit || e.weights >= Math.max(e.training, e.sampling)) {
    issues.push(
      { path: 'policy.dModel', message: `${config.policy.dModel}: the weights grow with its square` },
      { path: 'policy.nLayers', message: `${config.policy.nLayers}: the weights grow with it` },
    );
    return issues;
  }
  if (e.training >= e.sampling) issues.push(...batchShape(config).trainFields);
  else if (e.sampleRows < SAMPLE_CHUNK_ROWS) issues.push(...batchShape(config).sampleFields);
  issues.push(length);
  if (config.policy.nLayers > 1) issues.push({ path: 'policy.nLayers', message: `${config.policy.nLayers}: activations grow with it` });
  return issues;
}

/**
 * Refuses a run whose estimate exceeds the backend's limit, naming the fields to lower; with `workers` > 1 also one
 * whose engine and pool workers together need more than the machine's free memory, naming `workers`.
 */
export function checkMemory(config: RunConfig, task: TaskShape, backend: string, available?: number, workers = 1): MemoryEstimate {
  const estimate = estimateMemory(config, task, workers);
  const text = requireTextRun(config);
  const limit = memoryLimit(backend, available);
  if (estimate.total <= limit.bytes) {
    checkWorkers(estimate, backend, available ?? freeMemory());
    return estimate;
  }
  const issues = whatToLower(text, task, estimate, limit.bytes);
  const parts = [
    `weights, reference, Adam state and gradients ${formatBytes(estimate.weights)} for ${(estimate.parameters / 1e6).toFixed(1)}M parameters`,
    `training ${formatBytes(estimate.training)} for ${estimate.trainRows} rows of ${estimate.time} tokens`,
    `sampling ${formatBytes(estimate.sampling)} for ${estimate.sampleRows} rows at once with their key/value cache`,
  ];
  const other = backend === 'wasm' ? ' or use a native backend ("tensorflow" or "tensorflow-gpu", see `evolab doctor`)' : '';
  throw new CodedError(
    'invalid_config',
    `The run needs about ${formatBytes(estimate.total)} of memory (${parts.join('; ')}), more than the ${backend} backend's limit of ${formatBytes(limit.bytes)} (${limit.reason}). Lower ${issues
      .map((i) => i.path)
      .filter((p, i, all) => all.indexOf(p) === i)
      .join(' or ')}${other}.`,
    issues,
  );
}
