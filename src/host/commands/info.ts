import os from 'node:os';
import { BackendName } from '../../shared/config';
import { parseOrThrow } from '../../shared/errors';
import { presets } from '../../shared/presets';
import type { BackendReport } from '../../shared/run';
import { Store } from '../../engine/store/store';
import { AUTO_WORKERS, POOL_BACKENDS, resolveWorkers } from '../../engine/pool/workers';
import { type Command, stringOption, table, workspaceHelp, workspaceOption } from './common';

export const presetsCommand: Command = {
  name: 'presets',
  positionals: 0,
  summary: 'list the preset recipes',
  usage: 'evolab presets [--json]',
  help: ['  --json            the presets with their full configs, as JSON'],
  options: { ...workspaceOption, json: { type: 'boolean' } },
  async run(ctx) {
    if (ctx.values.json) {
      ctx.out(JSON.stringify(presets, null, 2));
      return 0;
    }
    const width = Math.max(...presets.map((p) => p.id.length));
    for (const p of presets) ctx.out(`${p.id.padEnd(width)}  ${p.recipe.padEnd(4)}  ${p.summary}`);
    return 0;
  },
};

export const runsCommand: Command = {
  name: 'runs',
  positionals: 0,
  summary: 'list the runs of the workspace',
  usage: 'evolab runs [--json]',
  help: ['  --json            the run summaries as JSON', workspaceHelp],
  options: { ...workspaceOption, json: { type: 'boolean' } },
  async run(ctx) {
    const store = Store.open(ctx.workspace);
    try {
      const runs = store.listRuns();
      if (ctx.values.json) {
        ctx.out(JSON.stringify(runs, null, 2));
        return 0;
      }
      if (runs.length === 0) {
        ctx.out(`No runs in ${store.workspace} yet. Start one with: evolab run --preset addition-star-smoke`);
        return 0;
      }
      const rows = [['ID', 'STATUS', 'PRESET', 'ITER', 'BEST', 'CREATED']];
      for (const r of runs) {
        rows.push([
          r.id,
          r.status,
          r.preset ?? r.recipe,
          `${r.iterationsDone}/${r.iterationsTotal}`,
          r.bestScore === null ? '-' : r.bestScore.toFixed(3),
          r.createdAt.slice(0, 19).replace('T', ' '),
        ]);
      }
      for (const line of table(rows)) ctx.out(line);
      return 0;
    } finally {
      store.close();
    }
  },
};

/** What `evolab doctor` prints about the backend: the one in use, how it was proved, and why each other was skipped. */
export function backendLines(report: BackendReport): string[] {
  return [
    `backend    ${report.active}${report.details ? ` (${report.details})` : ''}`,
    `requested  ${report.requested}`,
    ...(report.proof ? [`proof      ${report.proof}`] : []),
    ...report.skipped.map((s) => `skipped    ${s.name}: ${s.reason}`),
  ];
}

export const doctorCommand: Command = {
  name: 'doctor',
  positionals: 0,
  summary: 'say which compute backend is used, how it was proved against cpu, why each other was skipped, and the workers a run gets',
  usage: 'evolab doctor [--backend B] [--json]',
  help: ['  --backend B       check this backend instead of auto', '  --json            the backend report as JSON', workspaceHelp],
  options: { ...workspaceOption, backend: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    const requested = parseOrThrow(BackendName, stringOption(ctx.values, 'backend') ?? 'auto', 'invalid_request', '--backend');
    const { initProvenBackend } = await import('../../engine/backend-proof');
    const report = await initProvenBackend(requested);
    const cores = os.availableParallelism();
    const auto = resolveWorkers(AUTO_WORKERS, report.active, cores);
    if (ctx.values.json) {
      ctx.out(JSON.stringify({ ...report, cores, workers: { auto }, node: process.versions.node, workspace: ctx.workspace }, null, 2));
      return 0;
    }
    for (const line of backendLines(report)) ctx.out(line);
    ctx.out(`cores      ${cores}`);
    ctx.out(
      `workers    a run's workers field: 1 (default) runs in the engine alone; 0 (auto) gives ${auto} here${POOL_BACKENDS.includes(report.active) ? '' : ` (worker threads need ${POOL_BACKENDS.join(' or ')})`}`,
    );
    ctx.out(`node       ${process.versions.node}`);
    ctx.out(`workspace  ${ctx.workspace}`);
    return 0;
  },
};
