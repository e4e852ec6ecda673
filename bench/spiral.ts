/**
 * SPIRAL's results table: runs game presets (or variants of them) at several seeds, one after another in memory
 * on the WASM backend, and prints for each metric a Markdown table: per iteration, each preset's mean over the
 * seeds with a 95% interval (Student t) and the per-seed values.
 *
 *   node --import tsx bench/spiral.ts --presets spiral-tictactoe,spiral-tictactoe-no-rae --seeds 1,2,3 \
 *     --metrics game/tictactoe_win_rate_vs_random,game/tictactoe_loss_rate_vs_minimax --every 100
 *
 * A preset may carry recipe changes: `spiral-kuhn-poker@baseline=none` (several joined by "+"; numbers are parsed).
 * `--iterations N` shortens (or lengthens) every run; `--out file.json` keeps every run's series.
 */
import fs from 'node:fs';
import { RunConfig } from '../src/shared/config';
import { findPreset } from '../src/shared/presets';
import { createRunSession } from '../src/engine/run-session';
import { initBackend } from '../src/engine/tf';
import { arg, interval } from './cli';

const presetIds = arg('presets', 'spiral-tictactoe').split(',');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const metrics = arg('metrics', 'game/tictactoe_win_rate_vs_random').split(',');
const iterations = arg('iterations', '');
const every = Number(arg('every', '50'));
const out = arg('out', '');

function configOf(id: string, seed: number): RunConfig {
  const [name, changes] = id.split('@');
  const preset = findPreset(name!);
  if (!preset) throw new Error(`no preset ${name}`);
  const recipe = {
    ...preset.config.recipe,
    ...Object.fromEntries(
      (changes ?? '')
        .split('+')
        .filter(Boolean)
        .map((kv) => {
          const [k, v] = kv.split('=') as [string, string];
          return [k, Number.isNaN(Number(v)) ? v : Number(v)];
        }),
    ),
  };
  return RunConfig.parse({ ...preset.config, recipe, seed, backend: 'wasm', ...(iterations ? { iterations: Number(iterations) } : {}) });
}

await initBackend('wasm');
const runs: Record<string, Array<Array<Record<string, number>>>> = {};
for (const id of presetIds) {
  runs[id] = [];
  for (const seed of seeds) {
    const t0 = performance.now();
    const config = configOf(id, seed);
    const session = await createRunSession(config);
    const curve: Array<Record<string, number>> = [];
    const pick = (m: Record<string, number>) => Object.fromEntries(metrics.map((k) => [k, m[k] ?? NaN]));
    try {
      curve.push(pick(await session.warmup()));
      for (let i = 1; i <= config.iterations; i++) curve.push(pick((await session.iterate(i)).metrics));
    } finally {
      session.dispose();
    }
    runs[id].push(curve);
    console.error(`${id} seed ${seed}: ${config.iterations} iterations, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    if (out) fs.writeFileSync(out, JSON.stringify({ presets: presetIds, seeds, metrics, runs }, null, 1));
  }
}
for (const metric of metrics) {
  console.log(`\n**${metric}** (mean [95% CI] over seeds ${seeds.join(', ')}; per seed)\n`);
  console.log(`| iteration | ${presetIds.join(' | ')} |`);
  console.log(`|---|${presetIds.map(() => '---').join('|')}|`);
  const length = Math.max(...Object.values(runs).flatMap((r) => r.map((c) => c.length)));
  for (let i = 0; i < length; i++) {
    if (i % every !== 0 && i !== length - 1) continue;
    const cells = presetIds.map((id) => {
      const at = runs[id]!.map((c) => c[Math.min(i, c.length - 1)]![metric]!);
      return `${interval(at)} (${at.map((x) => x.toFixed(2)).join(' ')})`;
    });
    console.log(`| ${i} | ${cells.join(' | ')} |`);
  }
}
