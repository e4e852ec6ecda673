import path from 'node:path';
import { CodedError } from '../../shared/errors';
import { exportRunFile, type RunExportFormat } from '../../engine/run-export';
import { Store } from '../../engine/store/store';
import { type Command, stringOption, workspaceHelp, workspaceOption, writeFileAtomic, runIdArgument } from './common';

/** --format, else the --out file's extension (.csv), else JSON. */
function formatOf(format: string | undefined, out: string): RunExportFormat {
  if (format === undefined) return path.extname(out).toLowerCase() === '.csv' ? 'csv' : 'json';
  if (format === 'json' || format === 'csv') return format;
  throw new CodedError('invalid_request', `--format must be json or csv, got "${format}".`, [{ path: 'format', message: 'must be "json" or "csv"' }]);
}

export const exportCommand: Command = {
  name: 'export',
  positionals: 1,
  summary: 'write a run (config, status, metrics per iteration, trajectory counts) to a JSON or CSV file',
  usage: 'evolab export <run-id> --out FILE [--format json|csv]',
  help: [
    '  --out FILE        where to write it (written whole or not at all)',
    '  --format F        json (the default) or csv (one row per iteration, one column per metric); a .csv FILE means csv',
    workspaceHelp,
  ],
  options: { ...workspaceOption, out: { type: 'string' }, format: { type: 'string' } },
  async run(ctx) {
    const runId = runIdArgument(ctx, 'export');
    const out = stringOption(ctx.values, 'out');
    if (!out) throw new CodedError('invalid_request', 'Give the output file with --out FILE.', [{ path: 'out', message: 'required' }]);
    const format = formatOf(stringOption(ctx.values, 'format'), out);
    const store = Store.open(ctx.workspace);
    try {
      writeFileAtomic(out, exportRunFile(store, runId, format).content);
    } finally {
      store.close();
    }
    ctx.err(`Wrote ${path.resolve(out)} (${format})\n`);
    return 0;
  },
};
