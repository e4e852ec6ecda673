/**
 * The text LM's SPIRAL results (docs/results.md): runs the text-LM game presets at several seeds, one after another
 * in memory on the WASM backend, and prints Markdown tables of iteration 0 (after the warm-up) and the last
 * iteration: TicTacToe's win, invalid and minimax-loss rates, the share of training moves written invalid, and the
 * transfer probe's held-out arithmetic accuracy before and after game training with the paired difference. Each
 * cell is the mean over the seeds with a 95% interval (Student t), then the per-seed values.
 *
 *   node --import tsx bench/spiral-text.ts --presets tictactoe-text-spiral,transfer-arithmetic-tictactoe \
 *     --seeds 1,2,3 --warmup 300 --iterations 30
 *
 * `--warmup N` and `--iterations N` shorten (or lengthen) every run; `--out file.json` keeps every run's series.
 */
import fs from 'node:fs';
import { RunConfig } from '../src/shared/config';
import { findPreset } from '../src/shared/presets';
import { createRunSession } from '../src/engine/run-session';
import { initBackend } from '../src/engine/tf';
import { arg, interval } from './cli';

const presetIds = arg('presets', 'tictactoe-text-spiral,transfer-arithmetic-tictactoe').split(',');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const warmup = arg('warmup', '');
const iterations = arg('iterations', '');
const out = arg('out', '');

const METRICS = [
  'game/tictactoe_win_rate_vs_random',
  'game/tictactoe_invalid_rate_vs_random',
  'game/tictactoe_loss_rate_vs_minimax',
  'game/tictactoe_win_rate_vs_fixed',
  'spiral/invalid_rate',
  'transfer/arithmetic_heldout',
];

async function main(): Promise<void> {
  await initBackend('wasm');
  const runs: Record<string, Array<{ seed: number; series: Array<Record<string, number>> }>> = {};
  for (const id of presetIds) {
    const preset = findPreset(id);
    if (!preset) throw new Error(`no preset ${id}`);
    runs[id] = [];
    for (const seed of seeds) {
      const base = preset.config as Record<string, unknown>;
      const config = RunConfig.parse({
        ...base,
        seed,
        backend: 'wasm',
        ...(warmup ? { warmup: { steps: Number(warmup) } } : {}),
        ...(iterations ? { iterations: Number(iterations) } : {}),
      });
      const t0 = performance.now();
      const session = await createRunSession(config);
      const series = [await session.warmup()];
      for (let i = 1; i <= config.iterations; i++) series.push((await session.iterate(i)).metrics);
      session.dispose();
      runs[id]!.push({ seed, series });
      console.error(`${id} seed ${seed}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  for (const id of presetIds) {
    const rows = runs[id]!;
    console.log(`\n### ${id} (seeds ${seeds.join(', ')}${warmup ? `, warm-up ${warmup} steps` : ''}${iterations ? `, ${iterations} iterations` : ''})\n`);
    console.log('| metric | iteration 0 (after the warm-up) | last iteration | per seed (0 -> last) |');
    console.log('|---|---|---|---|');
    for (const name of METRICS) {
      const first = rows.map((r) => r.series[0]![name] ?? r.series[1]?.[name]);
      const last = rows.map((r) => r.series.at(-1)![name]);
      if (last.some((x) => x === undefined)) continue;
      const firstShown = first.every((x) => x !== undefined) ? interval(first as number[]) : '-';
      const per = rows.map((r, k) => `${(first[k] ?? NaN).toFixed(3)} -> ${last[k]!.toFixed(3)}`).join('; ');
      console.log(`| ${name} | ${firstShown} | ${interval(last as number[])} | ${per} |`);
    }
    const before = rows.map((r) => r.series[0]!['transfer/arithmetic_heldout']);
    if (before.every((x) => x !== undefined)) {
      const diff = rows.map((r, k) => r.series.at(-1)!['transfer/arithmetic_heldout']! - before[k]!);
      console.log(`| transfer/arithmetic_heldout, after - before | | ${interval(diff)} | n = ${rows[0]!.series[0]!['transfer/arithmetic_n']} problems each |`);
    }
  }
  if (out) fs.writeFileSync(out, JSON.stringify(runs));
}

void main();
