/**
 * The worker pool's scaling, for `npm run bench` (bench/run.ts calls `benchScaling`): tokens/s of data-parallel
 * training (widths 64 and 128) and of sharded sampling (width 64) at 1, 2, ... N workers (N: the cores, at least 2),
 * each with its scaling efficiency throughput_N / (N * throughput_1), and the wall time of the four-way archive smoke
 * comparison (`evolab compare --preset addition-archive-smoke --strategies dgm,hgm,no-darwin,no-selfimprove`) on one
 * core (`--parallel 1 --workers 1`), with 2 workers inside each run (`--parallel 1 --workers 2`), with 2 runs side by
 * side (`--parallel 2`), and over seeds 1-3 on one core and side by side; and the wall time of the text LM's TicTacToe
 * smoke run (`evolab run --preset tictactoe-text-spiral-smoke`) with 1 and 2 workers. With --quick the CLI runs are left out
 * (they take minutes) and the timings are short: a check that the bench runs, not a measurement. Targets (issue 17):
 * efficiency >= 0.85 at 2 workers on 2 cores; comparison >= 1.7x faster on 2 cores than with one worker.
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
import { timeIt } from './timing';

const here = path.dirname(fileURLToPath(import.meta.url));
const VOCAB = 16;
const CTX = 32;
const BATCH = 32;
const NEW_TOKENS = 24;
const PROMPT = 8;
/**
 * Rows of one rollout call: a rollout samples up to 512 rows per policy.sample (recipes/rollout.ts's chunkRows),
 * which a STaR smoke iteration fills (64 prompts x 8 samples). Sampling is measured at this size and at BATCH rows
 * (the size of a small evaluation), because a shard's fixed cost per decoding step weighs less in a bigger batch.
 */
const ROLLOUT_ROWS = 512;

export interface ScalingPoint {
  workers: number;
  /** From the best repetition. */
  tokensPerS: number;
  /** throughput / (workers * one-worker throughput), best repetitions. */
  efficiency: number;
  /** From the median repetition: what a run's wall time sees, since several workers' step times vary more. */
  medianTokensPerS: number;
  medianEfficiency: number;
}

/** One way of running the four-way comparison: its flags and wall time. */
export interface CompareTiming {
  label: string;
  args: string[];
  wallS: number;
  /** One-core wall time (of the same seeds) / this one. */
  speedup: number;
}

export interface ScalingResult {
  cores: number;
  /** Width 64 (as before), then width 128 in `trainingW128`. */
  training: ScalingPoint[];
  trainingW128: ScalingPoint[];
  /** BATCH rows per call (a small evaluation). */
  sampling: ScalingPoint[];
  /** ROLLOUT_ROWS rows per call (one rollout chunk). */
  samplingRollout: ScalingPoint[];
  archiveCompare: CompareTiming[] | { skipped: string };
  /** The best speedup of one seed's comparison on the cores over one core. */
  archiveSpeedup: number | null;
  /** `evolab run --preset tictactoe-text-spiral-smoke` with workers 1 and 2 (the config file's field). */
  textGame: CompareTiming[] | { skipped: string };
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

type Raw = { workers: number; tokensPerS: number; medianTokensPerS: number };

function raw(workers: number, units: number, ms: { best: number; median: number }): Raw {
  return { workers, tokensPerS: units / (ms.best / 1000), medianTokensPerS: units / (ms.median / 1000) };
}

function points(raws: Raw[]): ScalingPoint[] {
  const one = raws[0]!;
  return raws.map((r) => ({
    ...r,
    efficiency: r.tokensPerS / (r.workers * one.tokensPerS),
    medianEfficiency: r.medianTokensPerS / (r.workers * one.medianTokensPerS),
  }));
}

const COMPARE = ['compare', '--preset', 'addition-archive-smoke', '--strategies', 'dgm,hgm,no-darwin,no-selfimprove'];

/** Wall time of the CLI with these arguments, in a fresh workspace (a config file `config` is written there first). */
function cliWall(args: string[], config?: object): number {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-bench-cli-'));
  try {
    const extra = config ? ['--config', path.join(ws, 'config.json')] : [];
    if (config) fs.writeFileSync(extra[1]!, JSON.stringify(config));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/evolab.js', ...args, ...extra, '--json', '--workspace', ws], {
      cwd: path.join(here, '..'),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`evolab ${args.join(' ')} failed: ${(r.stderr || '').trim().split('\n').pop() ?? r.status}`);
    return (performance.now() - t0) / 1000;
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

/** Wall time of `evolab compare` with these flags, in a fresh workspace. */
function archiveCompare(flags: string[]): number {
  return cliWall([...COMPARE, ...flags]);
}

const TEXT_GAME = ['run', '--preset', 'tictactoe-text-spiral-smoke', '--policy', 'auto'];

/** The text LM's TicTacToe smoke run (its games' moves sharded over the pool) with 1 worker, then with 2. */
function textGameTimings(): CompareTiming[] {
  const walls = [1, 2].map((workers) => cliWall(TEXT_GAME, { workers }));
  return [1, 2].map((workers, i) => ({
    label: `${workers} worker${workers > 1 ? 's' : ''}`,
    args: [...TEXT_GAME, '--config', `{"workers": ${workers}}`],
    wallS: walls[i]!,
    speedup: walls[0]! / walls[i]!,
  }));
}

function compareTimings(): CompareTiming[] {
  const one = ['--seed', '1'];
  const seeds = ['--seeds', '1-3'];
  const plan: Array<{ label: string; args: string[]; base: number }> = [
    { label: 'seed 1, one core', args: [...one, '--parallel', '1', '--workers', '1'], base: 0 },
    { label: 'seed 1, 2 workers in each run', args: [...one, '--parallel', '1', '--workers', '2'], base: 0 },
    { label: 'seed 1, 2 runs side by side', args: [...one, '--parallel', '2'], base: 0 },
    { label: 'seeds 1-3, one core', args: [...seeds, '--parallel', '1', '--workers', '1'], base: 3 },
    { label: 'seeds 1-3, 2 runs side by side', args: [...seeds, '--parallel', '2'], base: 3 },
  ];
  const walls = plan.map((p) => archiveCompare(p.args));
  return plan.map((p, i) => ({ label: p.label, args: p.args, wallS: walls[i]!, speedup: walls[p.base]! / walls[i]! }));
}

export async function benchScaling(options: {
  quick: boolean;
  backend: BackendName;
  compare?: boolean;
}): Promise<{ rows: Array<[string, string]>; result: ScalingResult }> {
  const cores = os.availableParallelism();
  const counts = Array.from({ length: Math.max(2, cores) }, (_, i) => i + 1);
  const minMs = options.quick ? 300 : 3000;
  const train: TransformerConfig = { kind: 'transformer', dModel: 64, nLayers: 2, nHeads: 4, contextLength: CTX, vocabSize: VOCAB };
  const train128: TransformerConfig = { ...train, dModel: 128 };
  const sample: TransformerConfig = { ...train, contextLength: PROMPT + NEW_TOKENS, eos: -1 };
  const batch = batchOf(2);
  const prompts = batchOf(3).sequences.map((s) => s.slice(0, PROMPT));
  const rolloutPrompts = Array.from({ length: ROLLOUT_ROWS / BATCH }, (_, i) => batchOf(10 + i).sequences.map((s) => s.slice(0, PROMPT))).flat();
  const trainRaw: Raw[] = [];
  const train128Raw: Raw[] = [];
  const sampleRaw: Raw[] = [];
  const rolloutRaw: Raw[] = [];
  for (const workers of counts) {
    const ms = await withPolicy(train, workers, options.backend, (p) => timeIt(() => likelihoodStep(p, batch, { learningRate: 1e-3, gradClip: 1 }), minMs, 3));
    trainRaw.push(raw(workers, BATCH * (CTX - 1), ms));
    const ms128 = await withPolicy(train128, workers, options.backend, (p) =>
      timeIt(() => likelihoodStep(p, batch, { learningRate: 1e-3, gradClip: 1 }), minMs, 3),
    );
    train128Raw.push(raw(workers, BATCH * (CTX - 1), ms128));
    // One pool for both sampling sizes: a small evaluation's rows, then one rollout call's.
    const [sms, rms] = await withPolicy(sample, workers, options.backend, (p) =>
      [prompts, rolloutPrompts].map((rows) => timeIt(() => p.sample(rows, { maxNewTokens: NEW_TOKENS, temperature: 1, rng: createRng(4) }), minMs, 2)),
    );
    sampleRaw.push(raw(workers, BATCH * NEW_TOKENS, sms!));
    rolloutRaw.push(raw(workers, ROLLOUT_ROWS * NEW_TOKENS, rms!));
  }
  const training = points(trainRaw);
  const trainingW128 = points(train128Raw);
  const sampling = points(sampleRaw);
  const samplingRollout = points(rolloutRaw);
  let archive: ScalingResult['archiveCompare'] = {
    skipped: options.quick ? '--quick: the four-way comparisons take minutes each' : '--no-compare',
  };
  let speedup: number | null = null;
  let textGame: ScalingResult['textGame'] = { skipped: 'skipped' in archive ? archive.skipped : '' };
  if (!options.quick && options.compare !== false) {
    archive = compareTimings();
    speedup = Math.max(...archive.slice(1, 3).map((t) => t.speedup));
    textGame = textGameTimings();
  }
  const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const rows: Array<[string, string]> = [];
  const row = (label: string, p: ScalingPoint): [string, string] => [
    `${label} ${p.workers} workers tokens/s, best (eff.) / median (eff.)`,
    `${fmt(p.tokensPerS)} (${fmt(p.efficiency, 2)}) / ${fmt(p.medianTokensPerS)} (${fmt(p.medianEfficiency, 2)})`,
  ];
  for (const p of training) rows.push(row('pool train w64', p));
  for (const p of trainingW128) rows.push(row('pool train w128', p));
  for (const p of sampling) rows.push(row(`pool sample w64 ${BATCH} rows`, p));
  for (const p of samplingRollout) rows.push(row(`pool sample w64 ${ROLLOUT_ROWS} rows`, p));
  if ('skipped' in archive) rows.push(['archive smoke compare', `skipped: ${archive.skipped}`]);
  else for (const t of archive) rows.push([`archive smoke compare, ${t.label}: wall s (speedup)`, `${fmt(t.wallS, 1)} (${fmt(t.speedup, 2)}x)`]);
  if ('skipped' in textGame) rows.push(['text-LM TicTacToe smoke run', `skipped: ${textGame.skipped}`]);
  else for (const t of textGame) rows.push([`text-LM TicTacToe smoke run, ${t.label}: wall s (speedup)`, `${fmt(t.wallS, 1)} (${fmt(t.speedup, 2)}x)`]);
  return { rows, result: { cores, training, trainingW128, sampling, samplingRollout, archiveCompare: archive, archiveSpeedup: speedup, textGame } };
}
