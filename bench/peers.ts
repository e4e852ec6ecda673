/**
 * The bench's side by side with PyTorch (bench/torch-peer.py): the same model trained by both, PyTorch at 1 and 2
 * threads (`torch.set_num_threads`), for the three model families: the text LM (bench/run.ts times Evolab's side),
 * the policy-value MLP and the classifier (timed here, through the same training step the algorithms call). Kept in
 * its own file, as functions, so other bench sections merge beside it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainStep } from '../src/engine/core/train-step';
import { createClassifier } from '../src/engine/policies/classifier';
import { createMlpPolicy } from '../src/engine/policies/mlp';
import { createRng } from '../src/engine/rng';
import { tf } from '../src/engine/tf';
import { timeIt } from './timing';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The thread counts PyTorch runs at; Evolab's WASM backend runs on one thread (src/engine/tf.ts). */
export const TORCH_THREADS = [1, 2] as const;

export type TorchResult = { threads: number; tokensPerS: number; stepMs: number; medianStepMs: number; torch: string } | { threads: number; skipped: string };

/** Runs torch-peer.py with these arguments at `threads` threads; the reason instead when PyTorch cannot run. */
export function torchPeer(args: Record<string, string | number>, threads: number, quick: boolean): TorchResult {
  const python = process.env.EVOLAB_TORCH_PYTHON ?? '/usr/bin/python3';
  const argv = [path.join(here, 'torch-peer.py'), '--threads', String(threads), '--steps', quick ? '5' : '20'];
  for (const [k, v] of Object.entries(args)) argv.push(`--${k}`, String(v));
  const n = String(threads);
  const r = spawnSync(python, argv, {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n },
    timeout: 300_000,
  });
  if (r.error) return { threads, skipped: `${python} could not run (${r.error.message}); install python3-torch and libopenblas0-pthread` };
  try {
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as {
      error?: string;
      tokens_per_s?: number;
      step_ms?: number;
      median_step_ms?: number;
      torch?: string;
    };
    if (out.error || out.tokens_per_s === undefined) return { threads, skipped: `${out.error ?? 'no result'}; install python3-torch and libopenblas0-pthread` };
    return { threads, tokensPerS: out.tokens_per_s, stepMs: out.step_ms ?? NaN, medianStepMs: out.median_step_ms ?? NaN, torch: out.torch ?? '?' };
  } catch {
    return { threads, skipped: `torch-peer.py printed no JSON: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}` };
  }
}

/** Shapes of the two small families' bench: the width the issue's target names, batches the recipes use. */
export const FAMILY_SHAPES = {
  mlp: { inputs: 64, hidden: [128, 128], outputs: 8, batch: 256 },
  classifier: { inputs: 784, hidden: [128, 128], outputs: 10, batch: 64 },
} as const;

type FamilyName = keyof typeof FAMILY_SHAPES;

/** Rows per second of Evolab's training step (loss, gradients, clip, optimiser) for one family, on the active backend. */
export function benchFamily(family: FamilyName, quick: boolean): { rowsPerS: number; stepMs: number; medianStepMs: number } {
  const s = FAMILY_SHAPES[family];
  const rng = createRng(1);
  const n = s.batch;
  const x = tf.tensor2d(
    Float32Array.from({ length: n * s.inputs }, () => rng.normal()),
    [n, s.inputs],
  );
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: n }, () => rng.int(s.outputs)),
      'int32',
    ),
    s.outputs,
  );
  const returns = tf.tensor1d(Float32Array.from({ length: n }, () => rng.normal()));
  let dispose: () => void;
  let step: () => void;
  if (family === 'mlp') {
    const model = createMlpPolicy({ hidden: [...s.hidden], activation: 'tanh', inputSize: s.inputs, numActions: s.outputs }, rng);
    dispose = () => model.dispose();
    // The actor-critic loss of torch-peer.py: policy term weighted by fixed returns, squared-error value term.
    step = () =>
      void trainStep(
        model.trainable,
        () => {
          const { logits, value } = model.forward(x as tf.Tensor2D);
          const picked = tf.sum(tf.mul(tf.logSoftmax(logits), labels), 1);
          return tf.add(tf.neg(tf.mean(tf.mul(picked, returns))), tf.mul(0.5, tf.mean(tf.square(tf.sub(returns, value))))) as tf.Scalar;
        },
        { learningRate: 1e-3, gradClip: 1 },
      );
  } else {
    const model = createClassifier({ hidden: [...s.hidden], activation: 'elu', inputSize: s.inputs, numClasses: s.outputs }, rng);
    dispose = () => model.dispose();
    step = () =>
      void trainStep(model.trainable, () => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(model.logits(x as tf.Tensor2D)), labels), 1))) as tf.Scalar, {
        learningRate: 1e-2,
        gradClip: 1,
      });
  }
  const t = timeIt(step, quick ? 300 : 2000, 5);
  dispose();
  tf.dispose([x, labels, returns]);
  return { rowsPerS: n / (t.best / 1000), stepMs: t.best, medianStepMs: t.median };
}

/** The MLP and classifier against PyTorch at each thread count: JSON for latest.json and the table's rows. */
export function familyPeers(quick: boolean): { json: unknown[]; rows: Array<[string, string]> } {
  const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const json: unknown[] = [];
  const rows: Array<[string, string]> = [];
  for (const family of Object.keys(FAMILY_SHAPES) as FamilyName[]) {
    const s = FAMILY_SHAPES[family];
    const ours = benchFamily(family, quick);
    const torch = TORCH_THREADS.map((threads) =>
      torchPeer({ model: family, inputs: s.inputs, hidden: s.hidden.join(','), outputs: s.outputs, batch: s.batch }, threads, quick),
    );
    const label = `${family} ${s.inputs}-${s.hidden.join('-')}-${s.outputs} b${s.batch}`;
    rows.push([`${label} rows/s (step ms best / median)`, `${fmt(ours.rowsPerS)} (${fmt(ours.stepMs, 2)} / ${fmt(ours.medianStepMs, 2)})`]);
    for (const t of torch) rows.push(torchRow(`pytorch ${family} ${t.threads} thr rows/s`, t, ours.rowsPerS, fmt));
    json.push({ family, shape: s, ours, torch: torch.map((t) => ({ ...t, oursOverTorch: 'skipped' in t ? null : ours.rowsPerS / t.tokensPerS })) });
  }
  return { json, rows };
}

/** One table row for a PyTorch result: its throughput and Evolab's ratio to it, or why it was skipped. */
export function torchRow(label: string, t: TorchResult, ours: number, fmt: (x: number, d?: number) => string): [string, string] {
  return 'skipped' in t ? [label, `skipped: ${t.skipped}`] : [`${label} (ours / pytorch)`, `${fmt(t.tokensPerS)} (${fmt(ours / t.tokensPerS, 2)}x)`];
}
