/**
 * Under an intransitive rater, does the policy head for the Minimax Winner? Runs the SPO and reward-model presets
 * (or any preference-task presets) at several seeds, one after another, and prints per iteration the distance of the
 * class shares to the Minimax Winner (total variation to the uniform mix) as mean and 95% interval across seeds
 * (Student t), for the last iterate and for the average of the iterates, as a Markdown table.
 *
 *   node --import tsx bench/preference-shares.ts --presets preference-spo,preference-reward-model --seeds 1,2,3 \
 *     --iterations 40 --every 5 --out shares.json
 *
 * A preset may carry recipe changes: `preference-spo@entropyBonus=0.1` (several joined by "+").
 */
import fs from 'node:fs';
import { RunConfig } from '../src/shared/config';
import { findPreset } from '../src/shared/presets';
import { Session } from '../src/engine/session';
import { initBackend } from '../src/engine/tf';
import { arg, interval } from './cli';

const presetIds = arg('presets', 'preference-spo,preference-reward-model').split(',');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const iterations = arg('iterations', '');
const every = Number(arg('every', '5'));
const out = arg('out', '');
const keys = ['pref/minimax_distance', 'pref/minimax_distance_avg', 'pref/share_rock', 'pref/share_scissors', 'pref/share_paper'];

await initBackend('wasm');
const runs: Record<string, Array<Array<Record<string, number>>>> = {};
for (const id of presetIds) {
  // "preset@field=value,...": the preset with those recipe fields changed (numbers), e.g. preference-spo@entropyBonus=0.1.
  const [name, changes] = id.split('@');
  const preset = findPreset(name!);
  if (!preset) throw new Error(`no preset ${name}`);
  const recipe = {
    ...preset.config.recipe,
    ...Object.fromEntries(
      (changes ?? '')
        .split('+')
        .filter(Boolean)
        .map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]),
    ),
  };
  runs[id] = [];
  for (const seed of seeds) {
    const t0 = performance.now();
    const config = RunConfig.parse({ ...preset.config, recipe, seed, backend: 'wasm', ...(iterations ? { iterations: Number(iterations) } : {}) });
    const session = await Session.create(config);
    const curve: Array<Record<string, number>> = [];
    const pick = (m: Record<string, number>) => Object.fromEntries(keys.map((k) => [k, m[k] ?? m[k.replace('_avg', '')] ?? NaN]));
    try {
      curve.push(pick(await session.warmup()));
      for (let i = 1; i <= config.iterations; i++) curve.push(pick((await session.iterate(i)).metrics));
    } finally {
      session.dispose();
    }
    runs[id].push(curve);
    const last = curve[curve.length - 1]!;
    console.error(
      `${id} seed ${seed}: distance ${curve[0]!['pref/minimax_distance']!.toFixed(3)} -> ${last['pref/minimax_distance']!.toFixed(3)} (average iterate ${last['pref/minimax_distance_avg']!.toFixed(3)}), ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    if (out) fs.writeFileSync(out, JSON.stringify({ presets: presetIds, seeds, runs }, null, 1));
  }
}
const header = presetIds.flatMap((id) => [`${id} last`, `${id} average`, `${id} shares r/s/p (last)`]);
console.log(`| iteration | ${header.join(' | ')} |`);
console.log(`|---|${header.map(() => '---').join('|')}|`);
const length = Math.max(...Object.values(runs).flatMap((r) => r.map((c) => c.length)));
for (let i = 0; i < length; i += i === 0 ? 1 : 1) {
  if (i % every !== 0 && i !== length - 1 && i !== 1) continue;
  const cells = presetIds.flatMap((id) => {
    const at = runs[id]!.map((c) => c[Math.min(i, c.length - 1)]!);
    const mean = (k: string) => (at.reduce((a, m) => a + m[k]!, 0) / at.length).toFixed(2);
    return [
      interval(at.map((m) => m['pref/minimax_distance']!)),
      interval(at.map((m) => m['pref/minimax_distance_avg']!)),
      `${mean('pref/share_rock')}/${mean('pref/share_scissors')}/${mean('pref/share_paper')}`,
    ];
  });
  console.log(`| ${i} | ${cells.join(' | ')} |`);
}
