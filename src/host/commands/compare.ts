import { randomBytes } from 'node:crypto';
import { isTextTask, StrategyNameConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { ApprovalPolicy, Proposal } from '../../shared/oversight';
import { presets } from '../../shared/presets';
import { isCompleted, type Metrics, type PresetInfo, type RunStatus } from '../../shared/run';
import { didYouMean } from '../../shared/suggest';
import type { Emit } from '../../engine/runner';
import { EngineService } from '../../engine/service';
import type { Store } from '../../engine/store/store';
import { type Command, type CommandContext, intOption, stringOption, workspaceHelp, workspaceOption } from './common';
import { type ComparedRun, type ComparisonReport, budgetCurve, comparisonJson, comparisonTable } from './compare-report';
import { parseIntList, parseLearners, runStreamSweep, STREAM_LEARNERS } from './compare-stream';
import { progressBar } from './monitor-view';
import { onStopSignals } from './stop-signals';
import { compareSeeds, oneAtATime } from './compare-seeds';
import { hasRoot, runComparisonsInParallel } from './compare-parallel';
import os from 'node:os';
import { parseSeeds } from '../sweep/plan';
import { type PolicyPreset, policyArgument, proposalLines, resolvePolicy, workspaceSuffix } from './oversight';
import { ARCHIVE_BEST_ESTIMATE, ARCHIVE_BUDGET_USED, ARCHIVE_ROOT_HELDOUT } from '../../shared/metrics';

export type StrategyName = (typeof StrategyNameConfig.options)[number];
export const STRATEGIES: readonly StrategyName[] = StrategyNameConfig.options;

/** The most a budget may be (config.archive.budget's bound), checked before any run starts. */
const MAX_BUDGET = 10_000_000;

/** `--strategies dgm,hgm,...`: known names, each once, in the order given. */
export function parseStrategies(raw: string | undefined): StrategyName[] {
  const list = STRATEGIES.join(',');
  if (raw === undefined || raw.trim() === '') {
    throw new CodedError('invalid_request', `Give the strategies to compare with --strategies, e.g. --strategies ${list}.`, [
      { path: 'strategies', message: `a comma-separated list of ${list}` },
    ]);
  }
  const names = raw.split(',').map((s) => s.trim());
  const out: StrategyName[] = [];
  for (const name of names) {
    const known = STRATEGIES.find((s) => s === name);
    if (!known) {
      throw new CodedError(
        'invalid_request',
        `Unknown strategy "${name}" in --strategies${didYouMean(name, STRATEGIES, (x) => `"${x}"`)}; the strategies are ${STRATEGIES.join(', ')}.`,
        [{ path: 'strategies', message: `each must be one of ${list}` }],
      );
    }
    if (out.includes(known))
      throw new CodedError('invalid_request', `--strategies names "${name}" twice; name each strategy once.`, [
        { path: 'strategies', message: 'each strategy once' },
      ]);
    out.push(known);
  }
  return out;
}

function archivePresetIds(): string {
  return presets
    .filter((p) => p.config.archive.enabled)
    .map((p) => p.id)
    .join(', ');
}

/** `--preset P`: a preset whose runs are archive (open-ended) runs. */
export function archivePreset(id: string | undefined): PresetInfo {
  if (id === undefined) {
    throw new CodedError('invalid_request', `Give --preset NAME, an archive preset: ${archivePresetIds()}.`, [{ path: 'preset', message: 'required' }]);
  }
  const preset = presets.find((p) => p.id === id);
  if (!preset) {
    const hint = didYouMean(
      id,
      presets.filter((p) => p.config.archive.enabled).map((p) => p.id),
      (s) => `"${s}"`,
    );
    throw new CodedError('invalid_request', `Unknown preset "${id}" in --preset${hint}; the archive presets are ${archivePresetIds()}.`, [
      { path: 'preset', message: 'must be an archive preset' },
    ]);
  }
  if (!preset.config.archive.enabled) {
    throw new CodedError(
      'invalid_request',
      `--preset ${id} is not an archive preset (its config.archive.enabled is false), so it has no strategies to compare; use one of ${archivePresetIds()}.`,
      [{ path: 'preset', message: 'must be an archive preset' }],
    );
  }
  return preset;
}

/** `cmp-<yyyymmdd-hhmmss>-<4 hex>`, in UTC, so ids sort by start time. */
export function comparisonId(now: Date = new Date(), suffix: string = randomBytes(2).toString('hex')): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `cmp-${stamp}-${suffix}`;
}

export interface CompareOptions {
  preset: PresetInfo;
  strategies: StrategyName[];
  seed: number;
  budget: number | undefined;
  /** Every run's workers field (default: the preset's). */
  workers?: number;
  /** Runs at a time, each its own process (compare-parallel.ts); 1: one after another in this process. */
  parallel?: number;
  policy: PolicyPreset | ApprovalPolicy;
  policyLabel: string;
  json: boolean;
  /** Receives the report; with `print: false` it is not printed (`--seeds` prints its own summary). */
  onReport?: (report: ComparisonReport) => void;
  print?: boolean;
}

/** The comparison's record of one finished run, read back from the store. */
export function collect(store: Store, strategy: string, runId: string, status: RunStatus, seconds: number): ComparedRun {
  const root: Metrics = store.iterationNumbers(runId).includes(0) ? store.iterationMetrics(runId, 0) : {};
  return {
    strategy,
    runId,
    status,
    metrics: store.lastMetrics(runId) ?? {},
    rootHeldout: root[ARCHIVE_ROOT_HELDOUT] ?? null,
    curve: budgetCurve(store.metricSeries(runId)),
    budgetTotal: store.runConfig(runId).archive.budget,
    seconds,
  };
}

function exitCode(runs: ComparedRun[], planned: number, interrupted: boolean): number {
  if (interrupted) return 130;
  return runs.length === planned && runs.every((r) => isCompleted(r.status)) ? 0 : 1;
}

/**
 * Runs one archive run per strategy, in sequence, in this process. The first warms up; every later one branches
 * from the first's root (n0), so all start from the same agent, with the same seed, budget and policy. A game run has
 * no warm-up to share (and no branches): every strategy starts from the seed's initial agent, which is the same one.
 */
export async function runComparison(ctx: CommandContext, o: CompareOptions): Promise<number> {
  if ((o.parallel ?? 1) > 1) return inParallel(ctx, o, [o.seed], (report) => printReport(ctx, o, report));
  const id = comparisonId();
  const n = o.strategies.length;
  const budgetTotal = o.budget ?? o.preset.config.archive.budget;
  const waits = resolvePolicy(o.policy).whileWaiting === 'pause';
  let current: { strategy: string; runId: string } | null = null;
  let barVisible = false;
  let hinted = false;
  const clearBar = () => {
    if (barVisible) ctx.err('\r\u001b[K');
    barVisible = false;
  };
  // Errors the engine has logged already, so a failed run's summary does not repeat them.
  const logged = new Set<string>();
  const emit: Emit = (name, payload) => {
    const runId = (payload as { runId?: string }).runId;
    if (!current || runId !== current.runId) return;
    if (name === 'run.iteration' && ctx.tty) {
      const p = payload as { iteration: number; metrics: Metrics };
      const used = p.metrics[ARCHIVE_BUDGET_USED] ?? 0;
      const best = p.metrics[ARCHIVE_BEST_ESTIMATE];
      ctx.err(
        progressBar(
          `${current.strategy} step ${p.iteration} best ${best === undefined ? '-' : best.toFixed(3)} budget ${Math.round(used)}/${budgetTotal}`,
          used,
          budgetTotal,
        ),
      );
      barVisible = true;
    } else if (name === 'run.progress' && ctx.tty) {
      const p = payload as { phase: string; done: number; total: number };
      if (p.phase !== 'warmup') return;
      ctx.err(progressBar(`${current.strategy} warm-up`, p.done, p.total));
      barVisible = true;
    } else if (name === 'proposal.created' && !hinted && (payload as Proposal).status === 'pending') {
      // Said once: a comparison under a pausing policy waits for a person, who needs to know how to answer.
      hinted = true;
      clearBar();
      for (const line of proposalLines('proposal.created', payload as Proposal, workspaceSuffix(ctx))) ctx.err(`${line}\n`);
      const meanwhile = waits ? 'this run waits until it is decided' : 'the search goes on meanwhile; a held child is never a parent until approved';
      ctx.err(`(${meanwhile}; held children are listed by \`evolab proposals --status pending${workspaceSuffix(ctx)}\`; said once per comparison)\n`);
    } else if (name === 'run.log') {
      const p = payload as { level: string; message: string };
      if (p.level === 'info') return;
      clearBar();
      ctx.err(`${p.level}: ${p.message}\n`);
      if (p.level === 'error') logged.add(p.message);
    }
  };
  const service = new EngineService({ workspace: ctx.workspace, emit });
  const runs: ComparedRun[] = [];
  let interrupts = 0;
  const detach = onStopSignals(
    (signal) => {
      interrupts++;
      clearBar();
      ctx.err(`\nStopping the current run at the next step on ${signal} (its checkpoint is kept) and skipping the rest. Send it again to exit at once.\n`);
      if (current) void service.handle('runs.stop', { runId: current.runId }).catch(() => undefined);
    },
    () => ctx.err('\nExiting now; the current run resumes from its last checkpoint with `evolab resume`.\n'),
  );
  try {
    ctx.err(
      `Comparison ${id}: ${o.strategies.join(', ')} on ${o.preset.id}, seed ${o.seed}, budget ${budgetTotal}, policy ${o.policyLabel}, in ${service.store.workspace}\n`,
    );
    let first: string | null = null;
    const branches = isTextTask(o.preset.config.task);
    for (const [i, strategy] of o.strategies.entries()) {
      if (interrupts > 0) break;
      if (branches && first !== null && !hasRoot(service.store, first)) {
        ctx.err(
          `Skipping ${o.strategies.slice(i).join(', ')}: run ${first} ended before its initial agent (n0) was stored, so there is nothing to branch from.\n`,
        );
        break;
      }
      const config = {
        archive: { strategy, comparison: id, ...(o.budget !== undefined ? { budget: o.budget } : {}) },
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
        ...(branches && first !== null ? { startFrom: { runId: first, nodeId: 'n0' } } : {}),
      };
      const started = performance.now();
      const runId = service.start({ preset: o.preset.id, config, seed: o.seed, policy: o.policy });
      current = { strategy, runId };
      const from = !branches ? "from the seed's initial agent" : first === null ? 'with a warm-up' : `from node n0 of ${first}`;
      ctx.err(`[${i + 1}/${n}] ${strategy}: run ${runId} started ${from}\n`);
      const status = await service.waitForRun(runId);
      const seconds = (performance.now() - started) / 1000;
      clearBar();
      const run = collect(service.store, strategy, runId, status, seconds);
      runs.push(run);
      const best = run.metrics[ARCHIVE_BEST_ESTIMATE];
      ctx.err(`[${i + 1}/${n}] ${strategy}: run ${runId} ${status} in ${seconds.toFixed(1)} s; best estimate ${best === undefined ? '-' : best.toFixed(3)}\n`);
      const error = service.store.requireRun(runId).error;
      // The engine logged the failure as it happened; say it again only if it did not.
      if (status === 'failed' && !logged.has(error ?? '')) ctx.err(`error: ${error ?? 'unknown failure'}\n`);
      if (status === 'stopped') ctx.err(`Continue it with: evolab resume ${runId}${workspaceSuffix(ctx)}\n`);
      first ??= runId;
    }
    current = null;
    printReport(ctx, o, { comparison: id, seed: o.seed, preset: o.preset.id, policy: o.policyLabel, runs });
    return exitCode(runs, n, interrupts > 0);
  } finally {
    detach();
    clearBar();
    await service.close();
  }
}

/** Hands the report to `onReport` and prints it (the table, or JSON), unless `print` is false. */
function printReport(ctx: CommandContext, o: CompareOptions, report: ComparisonReport): void {
  o.onReport?.(report);
  if (o.print === false) return;
  if (o.json) ctx.out(comparisonJson(report));
  else for (const line of comparisonTable(report)) ctx.out(line);
}

/** The comparisons of these seeds with `o.parallel` runs at a time, each its own process; each report to `onReport`. */
async function inParallel(ctx: CommandContext, o: CompareOptions, seeds: number[], onReport: (report: ComparisonReport) => void): Promise<number> {
  const ids = seeds.map(() => comparisonId());
  const parallel = o.parallel ?? 1;
  const budget = o.budget ?? o.preset.config.archive.budget;
  const list = seeds.length > 1 ? `seeds ${seeds.join(', ')}` : `seed ${seeds[0]}`;
  ctx.err(
    `Comparison ${ids.join(', ')}: ${o.strategies.join(', ')} on ${o.preset.id}, ${list}, budget ${budget}, policy ${o.policyLabel}, ${parallel} runs at a time, in ${ctx.workspace}\n`,
  );
  const outcome = await runComparisonsInParallel(ctx, o, seeds, ids, parallel, collect);
  for (const report of outcome.reports) onReport(report);
  return outcome.code;
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'run DGM, HGM and the baselines on one archive preset, same seed and budget, and compare them',
  usage:
    'evolab compare --preset NAME --strategies dgm,hgm,no-darwin,no-selfimprove [--seed N | --seeds S] [--budget N] [--parallel N] [--workers N] [--policy P] [--json]\n       evolab compare --preset SHIFT-PRESET --shift-rates 0,1,5,20,50 [--learners L] [--seeds S] [--policy P] [--json]',
  help: [
    `  --preset NAME     an archive preset (${archivePresetIds()})`,
    `  --strategies L    comma-separated, run in this order: ${STRATEGIES.join(', ')}`,
    "  --seed N          the seed of every run (default: the preset's)",
    "  --seeds S         one comparison per seed (1-5, 1,2,7), then each strategy's mean and bootstrap 95% interval",
    "  --budget N        search budget of every run, in evaluation units (default: the preset's)",
    `  --parallel N      runs at a time, each its own process (default: the cores, ${os.availableParallelism()} here); the metrics are`,
    '                    those of --parallel 1, which runs them one after another in this process',
    "  --workers N       every run's workers field: worker threads sharing training and evaluation, 0 = auto (default: the preset's)",
    '  --policy P        approval policy of every run: archive (default) | batch | default | auto | ask | FILE (JSON);',
    '                    with a pausing policy, a held child waits for `evolab decide` and so does the comparison',
    "  --json            one JSON object on stdout at the end: the comparison, each run's final metrics and curve",
    workspaceHelp,
    '  The first strategy warms up; the others start from its initial agent (node n0), so every run starts equal;',
    '  side by side, they start as soon as n0 is stored, and with --seeds every warm-up starts before any branching run.',
    "  A game preset (tictactoe-dgm, ...) has no warm-up: every strategy starts from the seed's initial agent.",
    '  Ctrl-C once stops the running runs (each keeps its checkpoint) and skips the rest; twice exits at once.',
    '  --shift-rates L   a class-stream preset (shift-*): sweep its learners across these swaps per epoch instead',
    `  --learners L      with --shift-rates: comma-separated, of ${STREAM_LEARNERS.join(', ')} (default: all)`,
    "  --seeds S         with --shift-rates: the seeds of each learner and rate (default: the preset's)",
    '  --policy P        with --shift-rates and a governed preset (shift-governed*): the policy of every run (default batch)',
  ],
  options: {
    ...workspaceOption,
    preset: { type: 'string' },
    strategies: { type: 'string' },
    seed: { type: 'string' },
    seeds: { type: 'string' },
    budget: { type: 'string' },
    workers: { type: 'string' },
    parallel: { type: 'string' },
    policy: { type: 'string' },
    json: { type: 'boolean' },
    'shift-rates': { type: 'string' },
    learners: { type: 'string' },
  },
  async run(ctx) {
    const shiftRates = stringOption(ctx.values, 'shift-rates');
    if (shiftRates !== undefined) return runStreamSweep(ctx, streamSweepOptions(ctx, shiftRates));
    const strategies = parseStrategies(stringOption(ctx.values, 'strategies'));
    const preset = archivePreset(stringOption(ctx.values, 'preset'));
    const budget = intOption(ctx.values, 'budget', 1);
    if (budget !== undefined && budget > MAX_BUDGET) {
      throw new CodedError('invalid_request', `--budget must be at most ${MAX_BUDGET}, got ${budget}.`, [
        { path: 'budget', message: `must be <= ${MAX_BUDGET}` },
      ]);
    }
    const seed = intOption(ctx.values, 'seed') ?? preset.config.seed;
    const workers = intOption(ctx.values, 'workers', 0);
    const parallel = intOption(ctx.values, 'parallel', 1) ?? os.availableParallelism();
    const policyLabel = stringOption(ctx.values, 'policy') ?? 'archive';
    const policy = policyArgument(policyLabel, '--policy');
    if (ctx.positionals.length > 0) {
      throw new CodedError('invalid_request', `compare takes no positional arguments, got "${ctx.positionals.join(' ')}".\nUsage: ${compareCommand.usage}`);
    }
    const options = { preset, strategies, seed, budget, workers, parallel, policy, policyLabel, json: ctx.values.json === true };
    if (ctx.values.seeds !== undefined) {
      const seeds = parseSeeds(stringOption(ctx.values, 'seeds'));
      return compareSeeds(ctx, options, seeds, parallel > 1 ? (c, o, s, onReport) => inParallel(c, o, s, onReport) : oneAtATime(runComparison));
    }
    return runComparison(ctx, options);
  },
};

/** The options of a sweep of class-stream learners across shift rates (`--shift-rates`). */
function streamSweepOptions(ctx: CommandContext, shiftRates: string): Parameters<typeof runStreamSweep>[1] {
  const id = stringOption(ctx.values, 'preset');
  const streams = presets.filter((p) => p.config.task.kind === 'class-stream');
  const preset = streams.find((p) => p.id === id);
  if (!preset)
    throw new CodedError(
      'invalid_request',
      `--shift-rates sweeps a class-stream preset; give --preset one of ${streams.map((p) => p.id).join(', ')}${id ? ` (not "${id}")` : ''}.`,
      [{ path: 'preset', message: 'must be a class-stream preset' }],
    );
  const seeds = stringOption(ctx.values, 'seeds');
  return {
    preset,
    learners: parseLearners(stringOption(ctx.values, 'learners')),
    rates: parseIntList(shiftRates, '--shift-rates'),
    seeds: seeds === undefined ? [preset.config.seed] : parseSeeds(seeds),
    json: ctx.values.json === true,
    policy: policyArgument(stringOption(ctx.values, 'policy') ?? 'batch', '--policy'),
  };
}
