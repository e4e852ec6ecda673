/**
 * Which approved children of a governed run are merged into the agent, and how: pure, so the rule is stated and
 * tested in one place. Approvals are taken in the order they were made; one of a round older than the newest round
 * already applied is superseded, and so is one whose diff no longer applies to the agent's genome.
 *
 * The rule of a split decision: approving a proposal applies exactly its own diff. Only a model proposal brings
 * weights; approving a memory, tool or workflow change adopts that change of the genome and never the weights its
 * sandboxed trial trained, so rejecting a round's `model:promote` keeps the agent's weights whatever else of that
 * round is approved. (The trial's weights are the evidence for the change, not part of it.)
 */
import { applyChanges, type Genome } from '../../shared/genome';
import type { StoredProposal } from '../store/oversight-store';

export interface MergePlan {
  genome: Genome;
  applied: StoredProposal[];
  /** The approved child whose weights the agent takes, if any. */
  weights: StoredProposal | undefined;
  superseded: Array<{ id: string; status: 'superseded'; reason: string }>;
}

/** `newestApplied`: the newest round of which a child with weights was applied (-1: none). */
export function planMerge(genome: Genome, approved: StoredProposal[], newestApplied: number): MergePlan {
  const ordered = [...approved].sort((a, b) => (a.decidedAt ?? '').localeCompare(b.decidedAt ?? ''));
  const applied: StoredProposal[] = [];
  const superseded: MergePlan['superseded'] = [];
  for (const p of ordered) {
    if (p.iteration < newestApplied) {
      superseded.push({ id: p.id, status: 'superseded', reason: `a child of a later round (${newestApplied}) was applied since` });
      continue;
    }
    try {
      genome = applyChanges(genome, p.changes);
      applied.push(p);
    } catch (error) {
      superseded.push({ id: p.id, status: 'superseded', reason: `no longer applies to the agent: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const withWeights = applied.filter((p) => p.pathway === 'model' && p.checkpoint !== null);
  const weights = withWeights.sort((a, b) => b.evidence.heldout.after.value - a.evidence.heldout.after.value)[0];
  return { genome, applied, weights, superseded };
}
