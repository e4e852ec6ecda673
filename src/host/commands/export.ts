import path from 'node:path';
import { CodedError } from '../../shared/errors';
import { exportRunFile } from '../../engine/run-export';
import { Store } from '../../engine/store/store';
import { exportFormat, type ExportFormat, writeExport, writesFolder } from '../export/formats';
import { type Command, stringOption, workspaceHelp, workspaceOption, writeFileAtomic, runIdArgument } from './common';

export const exportCommand: Command = {
  name: 'export',
  positionals: 1,
  summary: 'write a run to JSON, CSV, TensorBoard event files or an MLflow store',
  usage: 'evolab export <run-id> --out PATH [--format json|csv|tensorboard|mlflow] [--experiment NAME]',
  help: [
    '  --format F        json (config, status, metrics per iteration, trajectory counts; the default, or csv for an',
    '                    --out FILE ending .csv) | csv (a row per iteration, a column per metric) | tensorboard | mlflow',
    '  --out PATH        json, csv: the file (written whole or not at all); tensorboard: a logdir, the run goes to',
    '                    PATH/<run-id>/; mlflow: an mlruns folder (made if missing)',
    '  --experiment NAME the MLflow experiment to put the run in (default: evolab)',
    workspaceHelp,
  ],
  options: { ...workspaceOption, out: { type: 'string' }, format: { type: 'string' }, experiment: { type: 'string' } },
  async run(ctx) {
    const runId = runIdArgument(ctx, 'export');
    const raw = stringOption(ctx.values, 'format');
    const format = raw === undefined ? undefined : exportFormat(raw);
    const out = stringOption(ctx.values, 'out');
    if (!out) {
      const what = format !== undefined && writesFolder(format) ? 'folder with --out DIR' : 'output file with --out FILE';
      throw new CodedError('invalid_request', `Give the ${what}.`, [{ path: 'out', message: 'required' }]);
    }
    const chosen: ExportFormat = format ?? (path.extname(out).toLowerCase() === '.csv' ? 'csv' : 'json');
    const store = Store.open(ctx.workspace);
    try {
      if (chosen === 'json' || chosen === 'csv') {
        // The same file the app's Export buttons save.
        writeFileAtomic(out, exportRunFile(store, runId, chosen).content);
        ctx.err(`Wrote ${path.resolve(out)} (${chosen})\n`);
        return 0;
      }
      const json = () => exportRunFile(store, runId, 'json').content;
      const experiment = stringOption(ctx.values, 'experiment') ?? 'evolab';
      for (const line of writeExport({ store, runId, format: chosen, out, json, experiment, write: (file, text) => writeFileAtomic(file, text) }))
        ctx.err(`${line}\n`);
    } finally {
      store.close();
    }
    return 0;
  },
};
