import type { RequestOutput } from '../../shared/contract';
import { CodedError } from '../../shared/errors';
import type { Store } from '../store/store';
import { archiveView, parseArchiveState } from './archive-state';

/** `archive.get`: the stored archive of an archive run (as of its last committed step or decision). */
export function archiveGet(store: Store, runId: string): RequestOutput<'archive.get'> {
  const config = store.runConfig(runId);
  if (!config.archive.enabled) {
    throw new CodedError(
      'invalid_request',
      `Run ${runId} is not an archive run (its config.archive.enabled is false); start one with config.archive.enabled or the addition-archive preset.`,
      [{ path: 'runId', message: 'must name an archive run' }],
    );
  }
  const stored = store.archive.load(runId);
  const lookup = (id: string) => store.oversight.getProposal(id);
  if (!stored) {
    return {
      runId,
      strategy: config.archive.strategy,
      selection: config.archive.selection,
      budget: { used: 0, total: config.archive.budget },
      steps: 0,
      nodes: [],
      bestNodeId: null,
      generations: [],
    };
  }
  return archiveView(runId, config.archive, parseArchiveState(JSON.parse(stored.state)), lookup);
}
