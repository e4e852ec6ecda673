import path from 'node:path';
import { CodedError } from '../../shared/errors';
import { Store } from '../../engine/store/store';
import { exportFormat, writeExport, writesFolder } from '../export/formats';
import { type Command, stringOption, workspaceHelp, workspaceOption, writeFileAtomic, runIdArgument } from './common';

/** Everything needed to compare or re-run a run elsewhere, without the checkpoints. */
export function exportRun(store: Store, runId: string) {
  const detail = store.runDetail(runId);
  const summary = new Map(store.trajectorySummary(runId).map((s) => [s.iteration, s]));
  return {
    format: 'evolab-run/1',
    run: {
      id: detail.id,
      name: detail.name,
      preset: detail.preset,
      recipe: detail.recipe,
      seed: detail.seed,
      backend: detail.backend,
      createdAt: detail.createdAt,
      updatedAt: detail.updatedAt,
      error: detail.error,
    },
    config: detail.config,
    status: detail.status,
    bestScore: detail.bestScore,
    iterations: store.iterationNumbers(runId).map((iteration) => {
      const t = summary.get(iteration);
      return {
        iteration,
        metrics: store.iterationMetrics(runId, iteration),
        trajectories: { count: t?.count ?? 0, kept: t?.kept ?? 0, correct: t?.correct ?? 0 },
      };
    }),
  };
}

export const exportCommand: Command = {
  name: 'export',
  positionals: 1,
  summary: 'write a run to JSON, CSV, TensorBoard event files or an MLflow store',
  usage: 'evolab export <run-id> --out PATH [--format json|csv|tensorboard|mlflow] [--experiment NAME]',
  help: [
    '  --format F        json (default: config, status, metrics per iteration, trajectory counts) | csv (a row per',
    '                    iteration, a column per metric) | tensorboard | mlflow',
    '  --out PATH        json, csv: the file (written whole or not at all); tensorboard: a logdir, the run goes to',
    '                    PATH/<run-id>/; mlflow: an mlruns folder (made if missing)',
    '  --experiment NAME the MLflow experiment to put the run in (default: evolab)',
    workspaceHelp,
  ],
  options: { ...workspaceOption, out: { type: 'string' }, format: { type: 'string' }, experiment: { type: 'string' } },
  async run(ctx) {
    const runId = runIdArgument(ctx, 'export');
    const format = exportFormat(stringOption(ctx.values, 'format'));
    const out = stringOption(ctx.values, 'out');
    if (!out) {
      const what = writesFolder(format) ? 'folder with --out DIR' : 'output file with --out FILE';
      throw new CodedError('invalid_request', `Give the ${what}.`, [{ path: 'out', message: 'required' }]);
    }
    const store = Store.open(ctx.workspace);
    try {
      const json = () => `${JSON.stringify(exportRun(store, runId), null, 2)}\n`;
      if (format === 'json') {
        writeFileAtomic(out, json());
        ctx.err(`Wrote ${path.resolve(out)}\n`);
        return 0;
      }
      const experiment = stringOption(ctx.values, 'experiment') ?? 'evolab';
      for (const line of writeExport({ store, runId, format, out, json, experiment, write: (file, text) => writeFileAtomic(file, text) })) ctx.err(`${line}\n`);
    } finally {
      store.close();
    }
    return 0;
  },
};
