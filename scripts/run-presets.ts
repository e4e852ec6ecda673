/**
 * Runs presets end to end in memory (warm-up + every iteration) and prints the held-out accuracy per iteration.
 * Usage: jiti scripts/run-presets.ts [--seed N] [--backend wasm] [--override '{"warmup":{"steps":800}}'] preset-id...
 * Used to compare addition-bstar with addition-star at the same seed.
 */
import { findPreset } from '../src/shared/presets';
import { RunConfig } from '../src/shared/config';
import { Session } from '../src/engine/session';
import { initBackend } from '../src/engine/tf';

const args = process.argv.slice(2);
let seed: number | null = null;
let backend: 'wasm' | 'cpu' | 'auto' = 'wasm';
let override: Record<string, unknown> = {};
const ids: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--seed') seed = Number(args[++i]);
  else if (args[i] === '--backend') backend = args[++i] as typeof backend;
  else if (args[i] === '--override') override = JSON.parse(args[++i]!) as Record<string, unknown>;
  else ids.push(args[i]!);
}
await initBackend(backend);
const fmt = (x: number | undefined): string => (x === undefined ? '  -  ' : x.toFixed(3));
for (const id of ids) {
  const preset = findPreset(id);
  if (!preset) throw new Error(`unknown preset ${id}`);
  const config = RunConfig.parse(merge({ ...preset.config, seed: seed ?? preset.config.seed, backend }, override));
  const t0 = performance.now();
  const session = await Session.create(config);
  const w = await session.warmup();
  console.log(`${id} seed ${config.seed}: warm-up loss ${fmt(w['train/loss'])} hardest ${fmt(w['heldout/acc_hardest'])} unseen ${fmt(w['heldout/acc_unseen'])} mean ${fmt(w['heldout/acc_mean'])} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  for (let it = 1; it <= config.iterations; it++) {
    const { metrics: m } = await session.iterate(it);
    const levels = preset.config.task.kind === 'arithmetic' ? Array.from({ length: preset.config.task.maxDigits }, (_, i) => fmt(m[`heldout/acc_d${i + 1}`])).join(' ') : '';
    console.log(
      `  it ${it} lvl ${m['curriculum/level']} mastery ${fmt(m['curriculum/mastery'])} T ${fmt(m['balance/temperature'])} tau ${fmt(m['balance/threshold'])} bs ${fmt(m['balance/score'])} prec ${fmt(m['exploit/reward_precision'])} pass@k ${fmt(m['explore/pass_at_k'])} kept ${m['train/kept'] ?? '-'} loss ${fmt(m['train/loss'])} kl ${fmt(m['train/kl'])} | acc ${levels} | hardest ${fmt(m['heldout/acc_hardest'])} unseen ${fmt(m['heldout/acc_unseen'])} | ${fmt(m['time/iteration_s'])} s tensors ${m['mem/tensors']}`,
    );
  }
  console.log(`${id}: total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  session.dispose();
}

function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object' && !Array.isArray(current)
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
