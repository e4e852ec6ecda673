import fs from 'node:fs';
import path from 'node:path';
import { RunConfig } from '../../shared/config';
import { CodedError, parseOrThrow } from '../../shared/errors';
import { RunManifest } from '../../shared/manifest';
import type { Emit } from '../../engine/runner';
import { EngineService } from '../../engine/service';
import { MANIFEST_FILE, configHash, dataOf, evaluatorHash, evolabCheckout, sha256 } from '../../engine/manifest';
import { type MatchReport, matchMetrics } from '../reproduce/metric-match';
import { type Command, type CommandContext, formatNumber, stringOption, table, workspaceHelp, workspaceOption } from './common';
import { progressBar } from './monitor-view';

/** The manifest a path names, or the one of a run in the workspace; every problem names the file and the fix. */
export function readManifest(arg: string | undefined, workspace: string): { file: string; manifest: RunManifest } {
  if (!arg) {
    throw new CodedError('invalid_request', 'Give a manifest file (runs/<id>/manifest.json in a workspace) or a run id (see `evolab runs`).', [
      { path: 'manifest', message: 'required' },
    ]);
  }
  const byRun = path.join(workspace, 'runs', arg, MANIFEST_FILE);
  const file = fs.existsSync(arg) ? path.resolve(arg) : fs.existsSync(byRun) ? byRun : null;
  if (!file) {
    throw new CodedError('invalid_request', `No manifest at ${path.resolve(arg)}, and no run "${arg}" with a manifest in ${workspace}.`, [
      { path: 'manifest', message: 'not found' },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CodedError('invalid_request', `${file} is not a JSON manifest: ${(error as Error).message}`, [{ path: 'manifest', message: 'must be JSON' }]);
  }
  return { file, manifest: parseOrThrow(RunManifest, json, 'invalid_request', `The manifest ${file}`) };
}

export interface EnvironmentCheck {
  what: string;
  same: boolean;
  note: string;
}

/** What a rerun here has in common with the run: the checks that can explain a mismatch before it happens. */
export async function environmentChecks(m: RunManifest, config: RunConfig): Promise<EnvironmentCheck[]> {
  const checks: EnvironmentCheck[] = [];
  if (m.data.hash) {
    const file = m.data.file ?? '';
    let hash: string | null = null;
    try {
      hash = sha256(fs.readFileSync(file));
    } catch {
      hash = null;
    }
    checks.push({
      what: 'data',
      same: hash === m.data.hash,
      note: hash === null ? `${file} cannot be read` : hash === m.data.hash ? `${file}, same sha256` : `${file} changed`,
    });
  } else checks.push({ what: 'data', same: dataOf(config).hash === null, note: `generated from the config (task.kind ${m.data.kind})` });
  const evaluator = await evaluatorHash(config);
  checks.push({
    what: 'evaluator',
    same: evaluator.hash === m.evaluator.hash,
    note: `${evaluator.items} fixed evaluation items, ${evaluator.hash === m.evaluator.hash ? 'same' : 'different'} sha256`,
  });
  const here = evolabCheckout();
  const short = (c: string | null) => (c ? c.slice(0, 10) : 'unknown');
  checks.push({
    what: 'evolab',
    same: here.version === m.evolab.version && here.commit === m.evolab.commit,
    note: `run: ${m.evolab.version ?? '?'} at ${short(m.evolab.commit)}${m.evolab.dirty ? ' (uncommitted changes)' : ''}; here: ${here.version ?? '?'} at ${short(here.commit)}${here.dirty ? ' (uncommitted changes)' : ''}`,
  });
  checks.push({
    what: 'lockfile',
    same: here.lockfileHash === m.evolab.lockfileHash,
    note: here.lockfileHash === m.evolab.lockfileHash ? 'same dependencies' : 'different package-lock.json',
  });
  return checks;
}

function verdictCell(m: MatchReport['metrics'][number]): string {
  if (m.verdict === 'differs') return `differs from iteration ${m.firstDiff} (max |diff| ${formatNumber(m.maxAbsDiff, 6)})`;
  if (m.verdict === 'not compared') return 'not compared (measures the machine)';
  if (m.verdict === 'missing') return 'missing from the rerun';
  if (m.verdict === 'extra') return 'only in the rerun';
  return 'exact';
}

export function matchLines(report: MatchReport): string[] {
  const rows = report.metrics.map((m) => [m.metric, m.verdict === 'not compared' ? '-' : String(m.compared), verdictCell(m)]);
  const lines = table([['metric', 'iterations', 'result'], ...rows]);
  const compared = report.metrics.filter((m) => m.verdict !== 'not compared').length;
  if (!report.iterationsMatch) lines.push(`Iterations differ: the run has ${report.expectedIterations.length}, the rerun ${report.actualIterations.length}.`);
  const differing = report.metrics.filter((m) => m.verdict !== 'exact' && m.verdict !== 'not compared').length;
  lines.push(
    report.exact
      ? `Exact match: ${compared} metrics over ${report.expectedIterations.length} iterations.`
      : `No exact match: ${differing} of ${compared} metrics differ.`,
  );
  return lines;
}

async function rerun(ctx: CommandContext, config: RunConfig, backend: string): Promise<{ runId: string; status: string; service: EngineService }> {
  let barVisible = false;
  let runId: string | null = null;
  const emit: Emit = (name, payload) => {
    const p = payload as { runId?: string; iteration?: number; level?: string; message?: string };
    if (p.runId !== runId) return;
    if (name === 'run.iteration' && ctx.tty) {
      ctx.err(progressBar(`iteration ${p.iteration}`, (p.iteration ?? 0) + 1, config.iterations + 1));
      barVisible = true;
    } else if (name === 'run.log' && p.level !== 'info') {
      if (barVisible) ctx.err('\r\u001b[K');
      barVisible = false;
      ctx.err(`${p.level}: ${p.message}\n`);
    }
  };
  const service = new EngineService({ workspace: ctx.workspace, emit });
  runId = service.start({ config, backend });
  const status = await service.waitForRun(runId);
  if (barVisible) ctx.err('\r\u001b[K');
  return { runId, status, service };
}

export const reproduceCommand: Command = {
  name: 'reproduce',
  positionals: 1,
  summary: 'rerun a run from its manifest and report, metric by metric, whether it matches',
  usage: 'evolab reproduce <manifest.json | run-id> [--backend B] [--json]',
  help: [
    "  <manifest.json>   a run's manifest (runs/<id>/manifest.json in its workspace), or the id of a run in this one",
    '  --backend B       the backend of the rerun (default: the one the run used; another one rarely matches exactly)',
    "  --json            one JSON object on stdout: the checks, the rerun and every metric's verdict",
    workspaceHelp,
    '  The rerun is a new run in the workspace. Exit 0 on an exact match of every metric (those that measure the',
    '  machine, perf/ time/ mem/, are not compared), 1 otherwise.',
  ],
  options: { ...workspaceOption, backend: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    const { file, manifest } = readManifest(ctx.positionals[0], ctx.workspace);
    if (configHash(manifest.config) !== manifest.configHash) {
      throw new CodedError(
        'invalid_request',
        `The config in ${file} does not match its configHash: the manifest was edited. Restore it, or start a new run with that config.`,
        [{ path: 'configHash', message: 'does not match the config' }],
      );
    }
    if (!manifest.results) {
      throw new CodedError('invalid_request', `${file} has no results yet: run ${manifest.runId} has not ended. Reproduce it once it has.`, [
        { path: 'results', message: 'null' },
      ]);
    }
    const parsed = parseOrThrow(RunConfig, manifest.config, 'invalid_request', `The config in ${file}`);
    // Metrics depend on the worker count: "auto" (0) is rerun with the count it gave on the run's machine.
    const config = parsed.workers === 0 ? { ...parsed, workers: manifest.workers } : parsed;
    const backend = stringOption(ctx.values, 'backend') ?? manifest.backend.active;
    const checks = await environmentChecks(manifest, config);
    const json = ctx.values.json === true;
    if (!json) {
      ctx.out(
        `Reproducing run ${manifest.runId} (config sha256 ${manifest.configHash.slice(0, 12)}, seed ${manifest.seed}) on ${backend}; the run used ${manifest.backend.active}${manifest.backend.device ? ` (${manifest.backend.device})` : ''}, ${manifest.workers} worker${manifest.workers === 1 ? '' : 's'}.`,
      );
      for (const line of table(checks.map((c) => [`  ${c.what}`, c.same ? 'same' : 'DIFFERS', c.note]))) ctx.out(line);
    }
    // A run rated by a person is rerun with the choices that person made (replayed from the run), not by asking again.
    const replay =
      config.rater.kind === 'person' && !config.rater.replayChoicesFrom ? { ...config, rater: { ...config.rater, replayChoicesFrom: manifest.runId } } : config;
    const { runId, status, service } = await rerun(ctx, replay, backend);
    try {
      const report = matchMetrics(manifest.results.metrics, service.store.metricSeries(runId));
      if (json) ctx.out(JSON.stringify({ manifest: file, runId: manifest.runId, rerun: runId, status, backend, checks, ...report }));
      else {
        ctx.out(`Rerun ${runId}: ${status}.`);
        for (const line of matchLines(report)) ctx.out(line);
      }
      return report.exact && status === manifest.results.status ? 0 : 1;
    } finally {
      await service.close();
    }
  },
};
