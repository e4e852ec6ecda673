/**
 * `npm run bench`: training and sampling throughput of the transformer policy, the backend's raw matmul speed, and the
 * same models trained with PyTorch on the CPU at 1 and 2 threads for comparison (the text LM here, the MLP and the
 * classifier in bench/peers.ts), and the worker pool's scaling (scaling.ts). Prints a table and writes
 * bench/results/latest.json. Backend: EVOLAB_BACKEND (default wasm).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendName } from '../src/shared/config';
import { createRng } from '../src/engine/rng';
import { initBackend, memoryInfo, tf } from '../src/engine/tf';
import type { TrainBatch } from '../src/engine/types';
import { createTransformerPolicy, type TransformerConfig } from '../src/engine/policies/transformer';
import { likelihoodStep } from '../src/engine/recipes/likelihood';
import { trainingFlopsPerStep } from './flops';
import { benchScaling } from './scaling';
import { timeIt } from './timing';
import { familyPeers, TORCH_THREADS, torchPeer, torchRow } from './peers';

const here = path.dirname(fileURLToPath(import.meta.url));
const VOCAB = 16;
const LAYERS = 2;
const HEADS = 4;
const CTX = 32;
const BATCH = 32;
const QUICK = process.argv.includes('--quick');

function matmulGflops(n: number): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  // Not tf.tidy(() => ...dataSync()): tidy walks a returned typed array element by element looking for tensors.
  const ms = timeIt(
    () => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    },
    QUICK ? 200 : 1000,
    3,
  ).best;
  tf.dispose([a, b]);
  return (2 * n ** 3) / ms / 1e6;
}

function randomBatch(seed: number): TrainBatch {
  const rng = createRng(seed);
  const sequences = Array.from({ length: BATCH }, () => [1, ...Array.from({ length: CTX - 1 }, () => 3 + rng.int(VOCAB - 3))]);
  return { sequences, targetStart: sequences.map(() => 1) };
}

/** 'learned' positions match the PyTorch peer's model exactly; 'rope' is what runs use by default. */
function benchTraining(width: number, positions: 'learned' | 'rope' = 'learned') {
  const config: TransformerConfig = { kind: 'transformer', dModel: width, nLayers: LAYERS, nHeads: HEADS, contextLength: CTX, vocabSize: VOCAB, positions };
  const policy = createTransformerPolicy(config, createRng(1));
  const batch = randomBatch(2);
  const { best: ms, median: medianMs } = timeIt(() => likelihoodStep(policy, batch, { learningRate: 1e-3, gradClip: 1 }), QUICK ? 500 : 3000, 3);
  policy.dispose();
  const tokens = BATCH * (CTX - 1);
  const flops = trainingFlopsPerStep({ vocab: VOCAB, width, layers: LAYERS, time: CTX - 1, batch: BATCH });
  return { width, positions, stepMs: ms, medianStepMs: medianMs, tokensPerS: tokens / (ms / 1000), gflops: flops / ms / 1e6 };
}

function benchSampling(useCache: boolean) {
  const newTokens = 32;
  const promptLen = 8;
  // eos -1: no row stops early, so every run generates exactly 32 tokens per row.
  const config: TransformerConfig = {
    kind: 'transformer',
    dModel: 64,
    nLayers: LAYERS,
    nHeads: HEADS,
    contextLength: promptLen + newTokens,
    vocabSize: VOCAB,
    eos: -1,
    positions: 'rope',
  };
  const policy = createTransformerPolicy(config, createRng(1));
  const prompts = randomBatch(3).sequences.map((s) => s.slice(0, promptLen));
  const ms = timeIt(() => policy.sample(prompts, { maxNewTokens: newTokens, temperature: 1, rng: createRng(4), useCache }), QUICK ? 500 : 3000, 2).best;
  policy.dispose();
  return { useCache, ms, tokensPerS: (BATCH * newTokens) / (ms / 1000) };
}

async function main(): Promise<void> {
  const requested = BackendName.parse(process.env.EVOLAB_BACKEND ?? 'wasm');
  const backend = await initBackend(requested);
  const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const rows: Array<[string, string]> = [];
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', node: process.version },
    backend,
    shapes: { vocab: VOCAB, layers: LAYERS, heads: HEADS, ctx: CTX, batch: BATCH },
  };
  const mm = { 512: matmulGflops(512), 1024: matmulGflops(1024) };
  result.matmulGflops = mm;
  rows.push(['matmul 512x512 GFLOP/s', fmt(mm[512], 1)], ['matmul 1024x1024 GFLOP/s', fmt(mm[1024], 1)]);
  const peak = Math.max(mm[512], mm[1024]);
  const training = [64, 128].map((w) => {
    const t = benchTraining(w);
    const shape = { model: 'transformer', width: w, layers: LAYERS, heads: HEADS, ctx: CTX, batch: BATCH, vocab: VOCAB };
    const torch = TORCH_THREADS.map((threads) => torchPeer(shape, threads, QUICK));
    rows.push(
      [`train w${w} tokens/s`, fmt(t.tokensPerS)],
      [`train w${w} step ms (best / median)`, `${fmt(t.stepMs, 1)} / ${fmt(t.medianStepMs, 1)}`],
      [`train w${w} achieved GFLOP/s (ratio to matmul)`, `${fmt(t.gflops, 2)} (${fmt((100 * t.gflops) / peak)}%)`],
      ...torch.map((p) => torchRow(`pytorch w${w} ${p.threads} thr tokens/s`, p, t.tokensPerS, fmt)),
    );
    const ratio = (p: (typeof torch)[number]) => ('skipped' in p ? null : t.tokensPerS / p.tokensPerS);
    // torch / oursOverTorch stay the one-thread peer (Evolab's WASM backend runs one thread); torchByThreads has all.
    return {
      ...t,
      ratioToMatmul: t.gflops / peak,
      torch: torch[0],
      oursOverTorch: ratio(torch[0]!),
      torchByThreads: torch.map((p) => ({ ...p, oursOverTorch: ratio(p) })),
    };
  });
  result.training = training;
  const rope = benchTraining(64, 'rope');
  result.trainingRope = rope;
  rows.push([`train w64 rotary positions tokens/s (vs learned)`, `${fmt(rope.tokensPerS)} (${fmt(rope.tokensPerS / training[0].tokensPerS, 2)}x)`]);
  const cached = benchSampling(true);
  const uncached = benchSampling(false);
  result.sampling = { cached, uncached, speedup: cached.tokensPerS / uncached.tokensPerS, newTokens: 32, batch: BATCH };
  rows.push(
    ['sample w64 KV cache tokens/s', fmt(cached.tokensPerS)],
    ['sample w64 recompute tokens/s', fmt(uncached.tokensPerS)],
    ['sample KV-cache speedup', `${fmt(cached.tokensPerS / uncached.tokensPerS, 1)}x`],
  );
  const peers = familyPeers(QUICK);
  result.families = peers.json;
  rows.push(...peers.rows);
  // The worker pool's scaling (bench/scaling.ts): its own rows and its own key of latest.json.
  const scaling = await benchScaling({ quick: QUICK, backend: backend.active, compare: !process.argv.includes('--no-compare') });
  result.scaling = scaling.result;
  rows.push(...scaling.rows);
  // At equal threads: the pool's width-128 training at N workers against PyTorch at N threads.
  const torch128 = training[1]!.torchByThreads;
  result.equalThreads = scaling.result.trainingW128.flatMap((p) => {
    const peer = torch128.find((t) => t.threads === p.workers);
    if (!peer || 'skipped' in peer) return [];
    rows.push([`w128 ours at ${p.workers} workers / pytorch at ${p.workers} threads`, `${fmt(p.tokensPerS / peer.tokensPerS, 2)}x`]);
    return [{ threads: p.workers, ours: p.tokensPerS, pytorch: peer.tokensPerS, oursOverTorch: p.tokensPerS / peer.tokensPerS }];
  });
  result.tensorsAfter = memoryInfo().numTensors;

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`backend: ${backend.active} (${backend.details}); ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''}`);
  for (const s of backend.skipped) console.log(`  skipped ${s.name}: ${s.reason}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  const dir = path.join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(result, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
}

await main();
