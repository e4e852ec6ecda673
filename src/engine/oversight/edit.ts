/**
 * Edit-and-approve of a pending governed proposal: the person's edited change is applied to the current genome, the
 * edited child trains one round from the current agent (forked on the device, on a random stream of its own, then
 * rolled back), its evidence is re-run against the current agent, its checkpoint written, and the proposal approved
 * with the new evidence. The loop (round.ts) queues edits and announces the result.
 */
import { applyChanges, GenomeChangeError, type Genome, type GenomeChange, type MemoryEntry } from '../../shared/genome';
import { CodedError } from '../../shared/errors';
import type { AgentState } from '../core/agent';
import type { Scorecard } from '../environments/text-task';
import { writeCheckpoint } from '../store/checkpoint';
import type { StoredProposal } from '../store/oversight-store';
import type { IterationResult, Rng } from '../types';
import { tokensOf } from './drafts';
import { buildEvidence } from './evidence';
import type { GovernedSession, LoopContext } from '../core/ports';
import { changeSize } from './size';

export interface EditRequest {
  id: string;
  changes: GenomeChange[];
  actor: string;
  reason: string | null;
  lastIteration: number;
  /** The parent's assessment from the last round, when the loop still has it. */
  before: Scorecard | null;
  /** The edit's own random stream (derived from the seed and the proposal id). */
  stream: Rng;
}

export async function rerunEdit(o: LoopContext & { session: GovernedSession }, e: EditRequest): Promise<StoredProposal> {
  const { id, changes, actor, reason, lastIteration } = e;
  const { store, runId } = o;
  const p = store.oversight.requireProposal(id);
  if (p.runId !== runId) throw new CodedError('invalid_request', `Proposal ${id} belongs to run ${p.runId}, not the active run.`);
  if (p.status !== 'pending') throw new CodedError('already_decided', `Proposal ${id} is already ${p.status}; only pending proposals can be edited.`);
  if (p.pathway === 'model')
    throw new CodedError('invalid_request', 'A model promotion has no values to edit: approve or reject it.', [
      { path: 'changes', message: 'not editable for model proposals' },
    ]);
  const s = o.session;
  let next: Genome;
  try {
    next = applyChanges(s.genome, changes);
  } catch (error) {
    if (error instanceof GenomeChangeError) {
      throw new CodedError('invalid_request', `The edited change cannot be applied: ${error.message}.`, [
        { path: `changes.${error.path}`, message: error.protectedRoot ? 'protected invariant: no change may touch it' : error.message },
      ]);
    }
    throw error;
  }
  const outOfBounds = s.knobIssues(next);
  if (outOfBounds.length > 0)
    throw new CodedError(
      'invalid_request',
      `The edited change is out of bounds: ${outOfBounds.map((i) => `${i.path} ${i.message}`).join('; ')}.`,
      outOfBounds.map((i) => ({ path: `changes.${i.path}`, message: i.message })),
    );
  const before = e.before ?? s.assess();
  const metricsBefore = store.iterationMetrics(runId, lastIteration);
  const added = changes.filter((ch) => ch.path.startsWith('memory.entries.') && ch.after !== undefined).map((ch) => ch.after as MemoryEntry);
  const memory = added.length > 0 ? s.memoryConsensus(added) : undefined;
  // The edited child trains one round from the current agent on its own random stream, then is rolled back.
  const current = s.snapshot();
  let result: IterationResult, after: Scorecard, seconds: number, childState: AgentState;
  try {
    s.setRandomState(e.stream.state());
    s.setGenome(next);
    const t0 = performance.now();
    result = await s.iterate(lastIteration + 1, { evaluate: false });
    after = s.assess();
    seconds = (performance.now() - t0) / 1000;
    childState = s.getState();
  } finally {
    s.restore(current);
    current.dispose();
  }
  const evidence = buildEvidence({
    before,
    after,
    baseline: 'the current agent (the edit was re-run from it)',
    trainingBefore: metricsBefore,
    trainingAfter: { ...result.metrics, ...s.scorecardMetrics(after) },
    cost: { seconds, tokens: tokensOf(result.metrics) },
    trajectories: result.trajectories,
    noComparison: 'the round before the edit left no training monitors',
    maxRewardedWrong: store.oversight.runPolicy(runId).maxRewardedWrong,
    ...(memory ? { memory } : {}),
    ...s.evidenceOf(metricsBefore, { ...result.metrics, ...s.scorecardMetrics(after) }, { before, after }),
  });
  const file = store.childCheckpointPath(runId, p.iteration, `edit-${id.split('-').pop()}`);
  writeCheckpoint(file, { runId, iteration: p.iteration, config: o.config, state: childState });
  const updated = store.oversight.editAndApprove(id, actor, reason, changes, evidence, changeSize(p.pathway, changes), store.relative(file));
  return updated;
}
