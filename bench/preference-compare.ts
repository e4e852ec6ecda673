/**
 * Does the DPO term help? Runs a preset as configured and as named variants at several seeds, one after another,
 * and prints held-out accuracy per iteration as mean and 95% interval across seeds (Student t), as a Markdown table.
 *
 *   node --import tsx bench/preference-compare.ts --preset addition-dpo-smoke --iterations 10 --seeds 1,2,3 \
 *     --out dpo-compare.json
 *
 * Variants: `dpo` (the preset as configured), `beta0` (the same with beta 1e-6: the DPO term carries no gradient
 * worth the name, leaving its NLL term and the replay steps), `star` (STaR with the verifier reward at the same
 * sampling budget: the same prompts per iteration, samples per prompt and temperature, and as many optimiser
 * steps per iteration as the DPO run takes). `--dump` instead prints every deterministic metric of every
 * iteration of the preset at the first seed, one line each (for before/after comparisons of a refactor).
 */
import fs from 'node:fs';
import { RunConfig, type RunConfigInput } from '../src/shared/config';
import { findPreset } from '../src/shared/presets';
import { Session } from '../src/engine/session';
import { initBackend } from '../src/engine/tf';
import { stepsPerIteration } from '../src/engine/recipes/registry';
import { arg, interval } from './cli';

const presetId = arg('preset', 'addition-dpo-smoke');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const variants = arg('variants', 'dpo,beta0,star').split(',');
const iterationsArg = arg('iterations', '');
const out = arg('out', '');
const dump = process.argv.includes('--dump');
const metric = arg('metric', 'heldout/acc_unseen');

const preset = findPreset(presetId);
if (!preset) throw new Error(`no preset ${presetId}`);
const base = RunConfig.parse(preset.config);
if (base.recipe.kind !== 'dpo') throw new Error(`--preset must be a DPO preset (got ${base.recipe.kind})`);
const dpo = base.recipe;

function variantConfig(name: string, seed: number): RunConfig {
  const input = { ...(preset!.config as RunConfigInput), seed, backend: 'wasm' as const };
  if (iterationsArg) input.iterations = Number(iterationsArg);
  if (name === 'dpo') return RunConfig.parse(input);
  if (name === 'beta0') return RunConfig.parse({ ...input, recipe: { ...dpo, beta: 1e-6 } });
  if (name === 'star')
    return RunConfig.parse({
      ...input,
      recipe: {
        kind: 'star',
        promptsPerIteration: dpo.promptsPerIteration,
        samplesPerPrompt: dpo.samplesPerPrompt,
        temperature: dpo.temperature,
        topK: dpo.topK,
        curriculum: dpo.curriculum,
        reward: 'verifier',
        balance: { enabled: false },
        trainStepsPerIteration: stepsPerIteration(dpo),
      },
    });
  throw new Error(`unknown variant ${name} (dpo, beta0, star)`);
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
  await runOne(variantConfig('dpo', seeds[0]!), (i, m) => {
    const kept = Object.entries(m).filter(([k]) => !k.startsWith('time/') && !k.startsWith('perf/') && !k.startsWith('mem/'));
    console.log(`${i} ${JSON.stringify(Object.fromEntries(kept.sort(([a], [b]) => a.localeCompare(b))))}`);
  });
} else {
  const curves: Record<string, number[][]> = {};
  for (const name of variants) {
    curves[name] = [];
    for (const seed of seeds) {
      const t0 = performance.now();
      const curve: number[] = [];
      await runOne(variantConfig(name, seed), (_, m) => curve.push(m[metric] ?? NaN));
      curves[name].push(curve);
      console.error(`${name} seed ${seed}: ${curve.map((x) => x.toFixed(3)).join(' ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      if (out) fs.writeFileSync(out, JSON.stringify({ preset: presetId, metric, seeds, curves }, null, 1));
    }
  }
  const iterations = Math.max(...Object.values(curves).flatMap((c) => c.map((x) => x.length)));
  console.log(`| iteration | ${variants.join(' | ')} |`);
  console.log(`|---|${variants.map(() => '---').join('|')}|`);
  for (let i = 0; i < iterations; i++) {
    console.log(
      `| ${i} | ${variants
        .map((v) =>
          interval(
            curves[v]!.map((c) => c[i]!),
            { clamp: true },
          ),
        )
        .join(' | ')} |`,
    );
  }
}
