import path from 'node:path';
import { CodedError } from '../../shared/errors';
import { Store } from '../../engine/store/store';
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
  summary: 'write a run (config, status, metrics per iteration, trajectory counts) to a JSON file',
  usage: 'evolab export <run-id> --out FILE',
  help: ['  --out FILE        where to write the JSON (written whole or not at all)', workspaceHelp],
  options: { ...workspaceOption, out: { type: 'string' } },
  async run(ctx) {
    const runId = runIdArgument(ctx, 'export');
    const out = stringOption(ctx.values, 'out');
    if (!out) throw new CodedError('invalid_request', 'Give the output file with --out FILE.', [{ path: 'out', message: 'required' }]);
    const store = Store.open(ctx.workspace);
    try {
      writeFileAtomic(out, `${JSON.stringify(exportRun(store, runId), null, 2)}\n`);
    } finally {
      store.close();
    }
    ctx.err(`Wrote ${path.resolve(out)}\n`);
    return 0;
  },
};
