/**
 * `evolab compare` on a class-stream preset: the learners (homeostatic, constant, random learning rate) swept across
 * shift rates and seeds, one run each, in sequence, in this process; every run is the preset with its learner and
 * `task.swapsPerEpoch` replaced (its schedule cleared). The table gives, per rate and learner, the mean over seeds
 * and the 95% t-interval of the final and the mean validation accuracy and of the minibatches to recover from a shift.
 * A governed preset (shift-governed) sweeps governed runs: each starts under the sweep's approval policy (`--policy`,
 * default batch: nobody answers, so what would wait for a person is rejected and no run waits), and the summary
 * counts the knob proposals each run applied.
 */
import { CodedError } from '../../shared/errors';
import { EVAL_ACCURACY, SHIFT_RECOVERED, SHIFT_RECOVERY_STEPS, SHIFT_UNRECOVERED } from '../../shared/metrics';
import type { PresetInfo, RunStatus } from '../../shared/run';
import { isCompleted } from '../../shared/run';
import { EngineService } from '../../engine/service';
import type { Store } from '../../engine/store/store';
import type { ApprovalPolicy } from '../../shared/oversight';
import { type CommandContext, table } from './common';
import type { PolicyPreset } from './oversight';
import { onStopSignals } from './stop-signals';

export const STREAM_LEARNERS = ['homeostatic-lr', 'constant-lr', 'random-lr'] as const;
export type StreamLearner = (typeof STREAM_LEARNERS)[number];

export interface StreamSweepOptions {
  preset: PresetInfo;
  learners: StreamLearner[];
  rates: number[];
  seeds: number[];
  json: boolean;
  /** The approval policy of a governed preset's runs (default batch). */
  policy?: PolicyPreset | ApprovalPolicy;
}

export interface StreamRunSummary {
  learner: string;
  rate: number;
  seed: number;
  runId: string;
  status: RunStatus;
  finalAccuracy: number | null;
  meanAccuracy: number | null;
  recoverySteps: number | null;
  unrecovered: number;
  seconds: number;
  /** A governed run's knob proposals (not the rounds' weights) that were applied; absent for an ungoverned run. */
  appliedKnobs?: number;
}

/** A comma-separated list of non-negative integers (`--shift-rates 0,1,5`, `--seeds 1,2,3`), each once. */
export function parseIntList(raw: string, flag: string): number[] {
  const out = raw.split(',').map((s) => s.trim());
  const numbers = out.map(Number);
  if (out.some((s) => !/^\d+$/.test(s)) || new Set(numbers).size !== numbers.length)
    throw new CodedError('invalid_request', `${flag} takes distinct non-negative integers separated by commas, e.g. ${flag} 0,1,5; got "${raw}".`, [
      { path: flag.replace(/^--/, ''), message: 'distinct integers >= 0, comma-separated' },
    ]);
  return numbers;
}

/** `--learners a,b`: known learner names, each once (default: all three). */
export function parseLearners(raw: string | undefined): StreamLearner[] {
  if (raw === undefined) return [...STREAM_LEARNERS];
  const names = raw.split(',').map((s) => s.trim());
  for (const n of names)
    if (!STREAM_LEARNERS.includes(n as StreamLearner) || names.indexOf(n) !== names.lastIndexOf(n))
      throw new CodedError('invalid_request', `--learners: "${n}" is not a learner or is named twice; the learners are ${STREAM_LEARNERS.join(', ')}.`, [
        { path: 'learners', message: `each once, of ${STREAM_LEARNERS.join(', ')}` },
      ]);
  return names as StreamLearner[];
}

function summarize(store: Store, learner: string, rate: number, seed: number, runId: string, status: RunStatus, seconds: number): StreamRunSummary {
  const s = store.metricSeries(runId).series;
  const present = (name: string) => (s[name] ?? []).filter((v): v is number => v !== null && !Number.isNaN(v));
  const accs = (s[EVAL_ACCURACY] ?? []).slice(1).filter((v): v is number => v !== null && !Number.isNaN(v));
  const steps = s[SHIFT_RECOVERY_STEPS] ?? [];
  const counts = s[SHIFT_RECOVERED] ?? [];
  let sum = 0;
  let recovered = 0;
  counts.forEach((c, i) => {
    if (c && steps[i] !== null && steps[i] !== undefined && !Number.isNaN(steps[i])) {
      sum += steps[i]! * c;
      recovered += c;
    }
  });
  return {
    learner,
    rate,
    seed,
    runId,
    status,
    finalAccuracy: accs.at(-1) ?? null,
    meanAccuracy: accs.length > 0 ? accs.reduce((a, b) => a + b, 0) / accs.length : null,
    recoverySteps: recovered > 0 ? sum / recovered : null,
    unrecovered: present(SHIFT_UNRECOVERED).reduce((a, b) => a + b, 0),
    seconds,
  };
}

/** Mean and the half-width of its 95% t-interval over seeds, as text. */
export function meanInterval(xs: number[], digits = 3): string {
  if (xs.length === 0) return '-';
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return mean.toFixed(digits);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  const t = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262][xs.length - 2] ?? 1.96;
  return `${mean.toFixed(digits)} ± ${((t * sd) / Math.sqrt(xs.length)).toFixed(digits)}`;
}

export function streamSweepTable(runs: StreamRunSummary[], o: Pick<StreamSweepOptions, 'learners' | 'rates'>): string[] {
  const rows = [['swaps/epoch', 'learner', 'final val acc', 'mean val acc', 'recovery (minibatches)', 'unrecovered', 'runs']];
  for (const rate of o.rates)
    for (const learner of o.learners) {
      const rs = runs.filter((r) => r.rate === rate && r.learner === learner);
      const pick = (f: (r: StreamRunSummary) => number | null) => rs.map(f).filter((v): v is number => v !== null);
      rows.push([
        String(rate),
        learner,
        meanInterval(pick((r) => r.finalAccuracy)),
        meanInterval(pick((r) => r.meanAccuracy)),
        rate === 0
          ? '-'
          : meanInterval(
              pick((r) => r.recoverySteps),
              1,
            ),
        rate === 0
          ? '-'
          : meanInterval(
              pick((r) => r.unrecovered),
              1,
            ),
        String(rs.length),
      ]);
    }
  return table(rows);
}

export async function runStreamSweep(ctx: CommandContext, o: StreamSweepOptions): Promise<number> {
  const service = new EngineService({ workspace: ctx.workspace, emit: () => {} });
  const runs: StreamRunSummary[] = [];
  let current: string | null = null;
  let interrupted = false;
  const detach = onStopSignals(
    () => {
      interrupted = true;
      ctx.err('\nStopping the current run at the next step and skipping the rest.\n');
      if (current) void service.handle('runs.stop', { runId: current }).catch(() => undefined);
    },
    () => ctx.err('\nExiting now.\n'),
  );
  const base = o.preset.config;
  const planned = o.rates.length * o.learners.length * o.seeds.length;
  try {
    ctx.err(`Sweep of ${o.learners.join(', ')} on ${o.preset.id} at ${o.rates.join(', ')} swaps per epoch, seeds ${o.seeds.join(', ')}: ${planned} runs\n`);
    for (const rate of o.rates)
      for (const learner of o.learners)
        for (const seed of o.seeds) {
          if (interrupted) break;
          const recipe = base.recipe as { batchSize: number; learningRate: number; batchesPerIteration: number };
          const config = {
            ...base,
            preset: undefined,
            name: `${o.preset.title}: ${learner}, ${rate} swaps/epoch, seed ${seed}`,
            task: { ...base.task, swapsPerEpoch: rate, schedule: [] },
            recipe: { kind: learner, batchSize: recipe.batchSize, learningRate: recipe.learningRate, batchesPerIteration: recipe.batchesPerIteration },
          };
          const started = performance.now();
          const governed = base.oversight.enabled;
          const runId = service.start({ config, seed, ...(governed ? { policy: o.policy ?? 'batch' } : {}) });
          current = runId;
          const status = await service.waitForRun(runId);
          const run = summarize(service.store, learner, rate, seed, runId, status, (performance.now() - started) / 1000);
          if (governed)
            run.appliedKnobs = service.store.oversight.listProposals({ runId, status: 'applied', limit: 10_000 }).filter((p) => p.pathway !== 'model').length;
          runs.push(run);
          ctx.err(
            `[${runs.length}/${planned}] ${learner} at ${rate} swaps/epoch, seed ${seed}: run ${runId} ${status}, final validation accuracy ${run.finalAccuracy?.toFixed(3) ?? '-'}\n`,
          );
        }
    current = null;
    if (o.json) ctx.out(JSON.stringify({ preset: o.preset.id, rates: o.rates, learners: o.learners, seeds: o.seeds, runs }));
    else for (const line of streamSweepTable(runs, o)) ctx.out(line);
    if (interrupted) return 130;
    return runs.length === planned && runs.every((r) => isCompleted(r.status)) ? 0 : 1;
  } finally {
    detach();
    await service.close();
  }
}
