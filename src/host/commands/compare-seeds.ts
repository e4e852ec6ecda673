/**
 * `evolab compare --seeds S`: one comparison per seed (each as `evolab compare --seed N` runs it), then per
 * strategy each metric's final value over the seeds, with its mean and bootstrap 95% interval, as `evolab sweep`
 * reports a group.
 */
import { CodedError } from '../../shared/errors';
import { Store } from '../../engine/store/store';
import { groupLines, summarise, type GroupReport } from '../sweep/summary';
import type { CommandContext } from './common';
import type { ComparisonReport } from './compare-report';

/** What this needs of `evolab compare`'s options (compare.ts's CompareOptions, which passes its own runner in). */
export interface SeededComparison {
  preset: { id: string };
  strategies: readonly string[];
  seed: number;
  policyLabel: string;
  json: boolean;
  onReport?: (report: ComparisonReport) => void;
  print?: boolean;
}

/** Runs the comparisons of these seeds, handing each report over; resolves with the worst exit code. */
export type SeedsRunner<O> = (ctx: CommandContext, o: O, seeds: number[], onReport: (report: ComparisonReport) => void) => Promise<number>;

/** One comparison after another, as `evolab compare --seed N` runs each; an interrupted one (130) ends the series. */
export function oneAtATime<O extends SeededComparison>(runComparison: (ctx: CommandContext, o: O) => Promise<number>): SeedsRunner<O> {
  return async (ctx, o, seeds, onReport) => {
    let code = 0;
    for (const seed of seeds) {
      const c = await runComparison(ctx, { ...o, seed, print: false, onReport });
      code = Math.max(code, c);
      if (c === 130) break;
    }
    return code;
  };
}

export async function compareSeeds<O extends SeededComparison>(ctx: CommandContext, o: O, seeds: number[], runSeeds: SeedsRunner<O>): Promise<number> {
  if (ctx.values.seed !== undefined) {
    throw new CodedError('invalid_request', 'Give --seed N or --seeds S, not both.', [{ path: 'seeds', message: 'with --seed' }]);
  }
  const reports: ComparisonReport[] = [];
  const code = await runSeeds(ctx, o, seeds, (r) => reports.push(r));
  reports.sort((a, b) => seeds.indexOf(a.seed) - seeds.indexOf(b.seed));
  const store = Store.open(ctx.workspace);
  let groups: GroupReport[];
  try {
    groups = o.strategies.map((strategy) => {
      const runs = reports.flatMap((r) => r.runs.filter((x) => x.strategy === strategy).map((x) => ({ seed: r.seed, run: x })));
      const completed = runs.filter((x) => x.run.status === 'completed');
      return {
        label: strategy,
        runs: runs.map((x) => ({ seed: x.seed, runId: x.run.runId, status: x.run.status })),
        metrics: summarise(completed.map((x) => store.metricSeries(x.run.runId))),
      };
    });
  } finally {
    store.close();
  }
  if (o.json) ctx.out(JSON.stringify({ preset: o.preset.id, seeds, policy: o.policyLabel, comparisons: reports, groups }));
  else {
    ctx.out(`${o.preset.id} over seeds ${seeds.join(', ')}: final values, mean and bootstrap 95% interval of the mean, per strategy.`);
    for (const line of groupLines(groups)) ctx.out(line);
  }
  return code;
}
