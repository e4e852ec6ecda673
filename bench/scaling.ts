/**
 * The worker pool's scaling, for `npm run bench` (bench/run.ts calls `benchScaling`): tokens/s of data-parallel
 * training and of sharded sampling at 1, 2, ... N workers (N: the cores, at least 2), each with its scaling
 * efficiency throughput_N / (N * throughput_1), and the wall time of the four-way archive smoke comparison
 * (`evolab compare --preset addition-archive-smoke --strategies dgm,hgm,no-darwin,no-selfimprove`) at 1 and 2
 * workers. With --quick the comparison is left out (it takes minutes) and the timings are short: a check that the
 * bench runs, not a measurement. Targets (issue 17): efficiency >= 0.85 at 2 workers on 2 cores; comparison >= 1.7x.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '../src/shared/config';
import { createRng } from '../src/engine/rng';
import type { Policy, TrainBatch } from '../src/engine/types';
import { createTransformerPolicy, type TransformerConfig } from '../src/engine/policies/transformer';
import { likelihoodStep } from '../src/engine/recipes/likelihood';
import { PooledPolicy } from '../src/engine/pool/pooled-policy';
import { WorkerPool } from '../src/engine/pool/worker-pool';

const here = path.dirname(fileURLToPath(import.meta.url));
const VOCAB = 16;
const CTX = 32;
const BATCH = 32;
const NEW_TOKENS = 24;
const PROMPT = 8;

export interface ScalingPoint {
  workers: number;
  tokensPerS: number;
  /** throughput / (workers * one-worker throughput). */
  efficiency: number;
}

export interface ScalingResult {
  cores: number;
  training: ScalingPoint[];
  sampling: ScalingPoint[];
  archiveCompare: { workers: number; wallS: number }[] | { skipped: string };
  archiveSpeedup: number | null;
}

/** Best of the repetitions, in ms: the least disturbed estimate on a shared machine. */
function bestMs(fn: () => void, minMs: number, minReps: number): number {
  fn();
  let best = Infinity;
  const t0 = performance.now();
  for (let reps = 0; reps < minReps || performance.now() - t0 < minMs; reps++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

function batchOf(seed: number): TrainBatch {
  const rng = createRng(seed);
  const sequences = Array.from({ length: BATCH }, () => [1, ...Array.from({ length: CTX - 1 }, () => 3 + rng.int(VOCAB - 3))]);
  return { sequences, targetStart: sequences.map(() => 1) };
}

async function withPolicy<T>(config: TransformerConfig, workers: number, backend: BackendName, fn: (p: Policy) => T): Promise<T> {
  const inner = createTransformerPolicy(config, createRng(1));
  const policy = workers > 1 ? new PooledPolicy(inner, await WorkerPool.start(workers, config, backend)) : inner;
  try {
    return fn(policy);
  } finally {
    policy.dispose();
  }
}

function points(raw: Array<{ workers: number; tokensPerS: number }>): ScalingPoint[] {
  const one = raw[0]!.tokensPerS;
  return raw.map((r) => ({ ...r, efficiency: r.tokensPerS / (r.workers * one) }));
}

function archiveCompare(workers: number): number {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-bench-archive-'));
  try {
    const args = ['bin/evolab.js', 'compare', '--preset', 'addition-archive-smoke', '--strategies', 'dgm,hgm,no-darwin,no-selfimprove'];
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [...args, '--seed', '1', '--workers', String(workers), '--json', '--workspace', ws], {
      cwd: path.join(here, '..'),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`evolab compare with --workers ${workers} failed: ${(r.stderr || '').trim().split('\n').pop() ?? r.status}`);
    return (performance.now() - t0) / 1000;
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

export async function benchScaling(options: { quick: boolean; backend: BackendName }): Promise<{ rows: Array<[string, string]>; result: ScalingResult }> {
  const cores = os.availableParallelism();
  const counts = Array.from({ length: Math.max(2, cores) }, (_, i) => i + 1);
  const minMs = options.quick ? 300 : 3000;
  const train: TransformerConfig = { kind: 'transformer', dModel: 64, nLayers: 2, nHeads: 4, contextLength: CTX, vocabSize: VOCAB };
  const sample: TransformerConfig = { ...train, contextLength: PROMPT + NEW_TOKENS, eos: -1 };
  const batch = batchOf(2);
  const prompts = batchOf(3).sequences.map((s) => s.slice(0, PROMPT));
  const trainRaw: Array<{ workers: number; tokensPerS: number }> = [];
  const sampleRaw: Array<{ workers: number; tokensPerS: number }> = [];
  for (const workers of counts) {
    const ms = await withPolicy(train, workers, options.backend, (p) => bestMs(() => likelihoodStep(p, batch, { learningRate: 1e-3, gradClip: 1 }), minMs, 3));
    trainRaw.push({ workers, tokensPerS: (BATCH * (CTX - 1)) / (ms / 1000) });
    const sms = await withPolicy(sample, workers, options.backend, (p) =>
      bestMs(() => p.sample(prompts, { maxNewTokens: NEW_TOKENS, temperature: 1, rng: createRng(4) }), minMs, 2),
    );
    sampleRaw.push({ workers, tokensPerS: (BATCH * NEW_TOKENS) / (sms / 1000) });
  }
  const training = points(trainRaw);
  const sampling = points(sampleRaw);
  let archive: ScalingResult['archiveCompare'] = { skipped: '--quick: the four-way comparison takes minutes per worker count' };
  let speedup: number | null = null;
  if (!options.quick) {
    const runs = [1, 2].map((workers) => ({ workers, wallS: archiveCompare(workers) }));
    archive = runs;
    speedup = runs[0]!.wallS / runs[1]!.wallS;
  }
  const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const rows: Array<[string, string]> = [];
  for (const p of training) rows.push([`pool train w64 ${p.workers} workers tokens/s (efficiency)`, `${fmt(p.tokensPerS)} (${fmt(p.efficiency, 2)})`]);
  for (const p of sampling) rows.push([`pool sample w64 ${p.workers} workers tokens/s (efficiency)`, `${fmt(p.tokensPerS)} (${fmt(p.efficiency, 2)})`]);
  if ('skipped' in archive) rows.push(['archive smoke compare 1 vs 2 workers', `skipped: ${archive.skipped}`]);
  else
    rows.push(['archive smoke compare wall s, 1 / 2 workers (speedup)', `${fmt(archive[0]!.wallS, 1)} / ${fmt(archive[1]!.wallS, 1)} (${fmt(speedup!, 2)}x)`]);
  return { rows, result: { cores, training, sampling, archiveCompare: archive, archiveSpeedup: speedup } };
}
