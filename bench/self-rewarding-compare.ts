/**
 * Self-Rewarding with and without CREAM's consistency: runs a self-rewarding preset with each `consistency` mode at
 * several seeds, one after another, and prints held-out accuracy, Kendall tau and the self-reward's agreement with the
 * verifier per iteration, each as mean and 95% interval across seeds (Student t), as Markdown tables.
 *
 *   node --import tsx bench/self-rewarding-compare.ts --preset addition-self-rewarding-smoke --iterations 8 \
 *     --seeds 1,2,3 --variants none,sample --out self-rewarding.json
 *
 * A variant is a consistency mode (none = plain Self-Rewarding, sample = CREAM per prompt, set = CREAM per set);
 * everything else is the preset's. `--dump` prints every deterministic metric of each iteration at the first seed.
 */
import fs from 'node:fs';
import { RunConfig, type RunConfigInput } from '../src/shared/config';
import { findPreset } from '../src/shared/presets';
import { Session } from '../src/engine/session';
import { initBackend } from '../src/engine/tf';
import { arg, interval } from './cli';

const presetId = arg('preset', 'addition-self-rewarding-smoke');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const variants = arg('variants', 'none,sample').split(',');
const iterationsArg = arg('iterations', '');
const out = arg('out', '');
const dump = process.argv.includes('--dump');
const metrics = arg('metrics', 'heldout/acc_unseen,pref/kendall_tau,pref/self_agreement').split(',');

const preset = findPreset(presetId);
if (!preset) throw new Error(`no preset ${presetId}`);
if (preset.config.recipe.kind !== 'self-rewarding') throw new Error(`--preset must be a self-rewarding preset (got ${preset.config.recipe.kind})`);
const recipe = preset.config.recipe;

function variantConfig(consistency: string, seed: number): RunConfig {
  if (!['none', 'sample', 'set'].includes(consistency)) throw new Error(`unknown variant ${consistency} (none, sample, set)`);
  const input = { ...(preset!.config as RunConfigInput), seed, backend: 'wasm' as const, recipe: { ...recipe, consistency } } as RunConfigInput;
  if (iterationsArg) input.iterations = Number(iterationsArg);
  return RunConfig.parse(input);
}

async function runOne(config: RunConfig, onIteration: (i: number, m: Record<string, number>) => void): Promise<void> {
  const session = await Session.create(config);
  try {
    onIteration(0, await session.warmup());
    for (let i = 1; i <= config.iterations; i++) onIteration(i, (await session.iterate(i)).metrics);
  } finally {
    session.dispose();
  }
}

await initBackend('wasm');
if (dump) {
  await runOne(variantConfig(variants[0]!, seeds[0]!), (i, m) => {
    const kept = Object.entries(m).filter(([k]) => !k.startsWith('time/') && !k.startsWith('perf/') && !k.startsWith('mem/'));
    console.log(`${i} ${JSON.stringify(Object.fromEntries(kept.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, Number(v.toFixed(4))])))}`);
  });
} else {
  // curves[metric][variant][seed][iteration]
  const curves: Record<string, Record<string, number[][]>> = Object.fromEntries(metrics.map((m) => [m, {}]));
  const t00 = performance.now();
  for (const name of variants) {
    for (const m of metrics) curves[m]![name] = [];
    for (const seed of seeds) {
      const t0 = performance.now();
      const rows: Record<string, number[]> = Object.fromEntries(metrics.map((m) => [m, []]));
      await runOne(variantConfig(name, seed), (_, m) => metrics.forEach((k) => rows[k]!.push(m[k] ?? NaN)));
      for (const m of metrics) curves[m]![name]!.push(rows[m]!);
      console.error(`${name} seed ${seed}: ${rows[metrics[0]!]!.map((x) => x.toFixed(3)).join(' ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      if (out) fs.writeFileSync(out, JSON.stringify({ preset: presetId, seeds, curves }, null, 1));
    }
  }
  console.error(`total ${((performance.now() - t00) / 1000).toFixed(0)} s`);
  for (const m of metrics) {
    const iterations = Math.max(...Object.values(curves[m]!).flatMap((c) => c.map((x) => x.length)));
    console.log(`\n${m}\n\n| iteration | ${variants.join(' | ')} |`);
    console.log(`|---|${variants.map(() => '---').join('|')}|`);
    for (let i = 0; i < iterations; i++)
      console.log(
        `| ${i} | ${variants
          .map((v) =>
            interval(
              curves[m]![v]!.map((c) => c[i]!),
              { finiteOnly: true },
            ),
          )
          .join(' | ')} |`,
      );
  }
}
