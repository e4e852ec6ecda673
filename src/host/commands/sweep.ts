import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodedError } from '../../shared/errors';
import { findPreset, presets } from '../../shared/presets';
import { didYouMean } from '../../shared/suggest';
import { Store } from '../../engine/store/store';
import { resolveRunConfig } from '../../engine/run-setup';
import { writeJsonAtomic } from '../../engine/manifest';
import { checkSize, combinations, parseSeeds, parseSet } from '../sweep/plan';
import { runPool, type Job } from '../sweep/pool';
import { groupLines, summarise, type GroupReport } from '../sweep/summary';
import { type Command, intOption, stringOption, workspaceHelp, workspaceOption } from './common';
import { onStopSignals } from './stop-signals';

/** `swp-<yyyymmdd-hhmmss>-<4 hex>`, in UTC, so ids sort by start time. */
function sweepId(now = new Date()): string {
  return `swp-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
}

function setValues(raw: unknown): string[] {
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
}

export const sweepCommand: Command = {
  name: 'sweep',
  positionals: 0,
  summary: 'run a preset over seeds and config values, in parallel processes, and report means with 95% intervals',
  usage: 'evolab sweep --preset NAME --seeds 1-5 [--set key=v1,v2 ...] [--parallel N] [--backend B] [--json]',
  help: [
    '  --preset NAME     the preset every run starts from (see `evolab presets`)',
    '  --seeds S         seeds: 1-5, 1,2,7 or 1-3,9; every combination runs once per seed',
    '  --set key=v1,v2   a config value to try (dotted path, JSON values); repeat it: every combination runs',
    `  --parallel N      runs at a time, each its own process (default: the cores, ${os.availableParallelism()} here)`,
    "  --backend B       backend of every run (default: the preset's)",
    "  --json            one JSON object on stdout at the end: the sweep, its groups, each metric's mean and interval",
    workspaceHelp,
    "  Reports, per combination, each metric's final value averaged over the seeds with a bootstrap 95% interval;",
    '  the sweep is kept in <workspace>/sweeps/<id>.json. Ctrl-C stops the running runs (their checkpoints are kept).',
  ],
  options: {
    ...workspaceOption,
    preset: { type: 'string' },
    seeds: { type: 'string' },
    set: { type: 'string', multiple: true },
    parallel: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const presetId = stringOption(ctx.values, 'preset');
    const preset = presetId === undefined ? undefined : findPreset(presetId);
    if (!preset) {
      const ids = presets.map((p) => p.id);
      const hint = presetId === undefined ? '' : didYouMean(presetId, ids, (s) => `"${s}"`);
      throw new CodedError(
        'invalid_request',
        `${presetId === undefined ? 'Give --preset NAME' : `Unknown preset "${presetId}" in --preset${hint}`}; the presets are ${ids.join(', ')}.`,
        [{ path: 'preset', message: presetId === undefined ? 'required' : 'unknown preset' }],
      );
    }
    const seeds = parseSeeds(stringOption(ctx.values, 'seeds'));
    const combos = combinations(setValues(ctx.values.set).map(parseSet));
    checkSize(combos.length, seeds.length);
    const backend = stringOption(ctx.values, 'backend');
    // Every combination is checked before any run starts, so a typo in --set fails now, naming the field.
    for (const c of combos) resolveRunConfig({ preset: preset.id, config: c.overrides, seed: seeds[0], backend });
    const parallel = intOption(ctx.values, 'parallel', 1) ?? os.availableParallelism();
    const id = sweepId();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-sweep-'));
    const jobs: Array<Job & { group: number; seed: number }> = [];
    combos.forEach((c, group) => {
      const file = path.join(tmp, `${group}.json`);
      fs.writeFileSync(file, JSON.stringify({ ...c.overrides, name: `${preset.title} · ${c.label}` }));
      for (const seed of seeds) {
        const args = [
          'run',
          '--preset',
          preset.id,
          '--config',
          file,
          '--seed',
          String(seed),
          '--workspace',
          ctx.workspace,
          ...(backend ? ['--backend', backend] : []),
        ];
        jobs.push({ args, group, seed });
      }
    });
    ctx.err(
      `Sweep ${id}: ${preset.id}, ${combos.length} combination${combos.length === 1 ? '' : 's'} x ${seeds.length} seeds = ${jobs.length} runs, ${Math.min(parallel, jobs.length)} at a time, in ${ctx.workspace}\n`,
    );
    let finished = 0;
    const pool = runPool(jobs, parallel, (i, r) => {
      finished++;
      const j = jobs[i];
      ctx.err(`[${finished}/${jobs.length}] ${combos[j.group].label} seed ${j.seed}: run ${r.runId ?? '-'} ${r.status} in ${r.seconds.toFixed(1)} s\n`);
      if (r.status !== 'completed' && r.stderrTail) ctx.err(`${r.stderrTail.replace(/^/gm, '  ')}\n`);
    });
    let interrupted = false;
    const detach = onStopSignals(
      () => {
        interrupted = true;
        ctx.err('\nStopping the running runs at their next step (their checkpoints are kept); no more start. Send it again to exit at once.\n');
        pool.stop();
      },
      () => ctx.err('\nExiting now.\n'),
    );
    let results;
    try {
      results = await pool.done;
    } finally {
      detach();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    const store = Store.open(ctx.workspace);
    let groups: GroupReport[];
    try {
      groups = combos.map((c, g) => {
        const members = jobs.map((j, i) => ({ j, r: results[i] })).filter((x) => x.j.group === g);
        const series = members.filter((m) => m.r.status === 'completed' && m.r.runId).map((m) => store.metricSeries(m.r.runId!));
        return {
          label: c.label,
          overrides: c.overrides,
          runs: members.map((m) => ({ seed: m.j.seed, runId: m.r.runId, status: m.r.status })),
          metrics: summarise(series),
        };
      });
    } finally {
      store.close();
    }
    const report = { format: 'evolab-sweep/1', id, preset: preset.id, seeds, createdAt: new Date().toISOString(), groups };
    const file = path.join(ctx.workspace, 'sweeps', `${id}.json`);
    writeJsonAtomic(file, report);
    if (ctx.values.json === true) ctx.out(JSON.stringify(report));
    else {
      ctx.out(`Sweep ${id} (${preset.id}): final values over seeds, mean and bootstrap 95% interval of the mean; only completed runs count.`);
      for (const line of groupLines(groups)) ctx.out(line);
    }
    ctx.err(`Kept in ${file}\n`);
    if (interrupted) return 130;
    return results.every((r) => r.status === 'completed') ? 0 : 1;
  },
};
