/**
 * An archive run's archive as it is checkpointed and stored: the tree (structure, status, own evaluation counts),
 * a record per node (what made it, its genome, its per-task outcomes, its checkpoint, the proposal that admitted
 * it), the strategy's state, the search's random stream and the budget spent. `archiveView` turns it into the
 * contract's ArchiveView, with each node's clade metaproductivity (from its descendants only).
 */
import { z } from 'zod';
import { ArchiveNodeKind, type ArchiveNode as ArchiveNodeView, type ArchiveView } from '../../shared/archive';
import type { ArchiveConfig } from '../../shared/config';
import { parseOrThrow } from '../../shared/errors';
import { Genome, GenomeChange } from '../../shared/genome';
import type { FlagKind, Proposal } from '../../shared/oversight';
import { Metrics } from '../../shared/run';
import {
  ARCHIVE_BEST_ESTIMATE,
  ARCHIVE_BEST_SCORE,
  ARCHIVE_BUDGET_USED,
  ARCHIVE_EVALUATIONS,
  ARCHIVE_EXPANSIONS,
  ARCHIVE_KEPT,
  ARCHIVE_MAX_GENERATION,
  ARCHIVE_PENDING,
  ARCHIVE_SIZE,
} from '../../shared/metrics';
import { ArchiveTree, type ArchiveTreeJson } from './archive-tree';
import { cladeCounts, cmpEstimate } from './cmp';

export const NodeRecord = z.strictObject({
  step: z.number().int().min(0),
  kind: ArchiveNodeKind,
  rationale: z.string(),
  changes: z.array(GenomeChange),
  genome: Genome,
  /** Relative to the workspace. */
  checkpoint: z.string(),
  /** One character per search-set task evaluated, in the set's order (see search-set.ts). */
  outcomes: z.string().regex(/^[01x]*$/),
  cheapScore: z.number().nullable(),
  rejectedBy: z.enum(['staged', 'gate', 'person']).nullable(),
  proposalId: z.string().nullable(),
  /** Training monitors of the round that made it (null for the root): the proposer's "previous" for its children. */
  training: Metrics.nullable(),
  createdAt: z.string(),
});
export type NodeRecord = z.infer<typeof NodeRecord>;

export const ArchiveStateSchema = z.strictObject({
  version: z.literal(1),
  strategy: z.enum(['dgm', 'hgm', 'no-darwin', 'no-selfimprove']),
  strategyState: z.unknown(),
  rng: z.array(z.number()),
  budgetUsed: z.number().min(0),
  steps: z.number().int().min(0),
  tree: z.unknown(),
  records: z.record(z.string(), NodeRecord),
});
export interface ArchiveState {
  version: 1;
  strategy: ArchiveConfig['strategy'];
  strategyState: unknown;
  rng: number[];
  budgetUsed: number;
  steps: number;
  tree: ArchiveTreeJson;
  records: Record<string, NodeRecord>;
}

export function parseArchiveState(value: unknown): ArchiveState {
  const s = parseOrThrow(ArchiveStateSchema, value, 'invalid_request', 'the stored archive');
  // Validates the tree too (structure, generations, children lists).
  const tree = ArchiveTree.fromJSON(s.tree);
  return { ...s, tree: tree.toJSON() };
}

/** The best agent: kept, evaluated, highest posterior mean of its own results (ties: more evaluations, then older). */
export function bestNode(tree: ArchiveTree): string | null {
  let best: { id: string; mean: number; n: number } | null = null;
  for (const node of tree.nodes()) {
    const n = node.evaluations.successes + node.evaluations.failures;
    if (node.status !== 'kept' || n === 0) continue;
    const mean = (1 + node.evaluations.successes) / (2 + n);
    if (!best || mean > best.mean || (mean === best.mean && n > best.n)) best = { id: node.id, mean, n };
  }
  return best?.id ?? null;
}

export type ProposalLookup = (id: string) => Pick<Proposal, 'status' | 'decidedBy' | 'reason' | 'gate' | 'evidence'> | undefined;

/** One node as the contract shows it. */
export function nodeView(runId: string, tree: ArchiveTree, records: Record<string, NodeRecord>, id: string, lookup: ProposalLookup): ArchiveNodeView {
  const node = tree.require(id);
  const record = records[id]!;
  const counts = cladeCounts(tree, id);
  const cmp = cmpEstimate(counts);
  const n = node.evaluations.successes + node.evaluations.failures;
  const score = n > 0 ? node.evaluations.successes / n : null;
  const proposal = record.proposalId ? lookup(record.proposalId) : undefined;
  const descendantEvaluations = counts.successes + counts.failures;
  return {
    id,
    runId,
    parentId: node.parentId,
    generation: node.generation,
    createdOrder: node.createdOrder,
    step: record.step,
    status: node.status,
    rejectedBy: record.rejectedBy,
    score,
    successes: node.evaluations.successes,
    failures: node.evaluations.failures,
    cheapScore: record.cheapScore,
    fullyEvaluated: node.score !== null,
    cmp: { ...cmp, n: descendantEvaluations },
    mismatch: score !== null && descendantEvaluations > 0 && (score < cmp.lo || score > cmp.hi),
    kind: record.kind,
    rationale: record.rationale,
    changes: record.changes,
    genome: record.genome,
    proposalId: record.proposalId,
    verdict: proposal ? { status: proposal.status, actor: proposal.decidedBy ?? 'gate', reason: proposal.reason ?? proposal.gate.reason } : null,
    createdAt: record.createdAt,
    flags: proposal ? [...new Set(proposal.evidence.flags.map((f) => f.kind))] : [],
    rewardedWrong: proposal?.evidence.rewardedWrong ?? null,
    carried: carriedFlags(tree, records, node.parentId, lookup),
  };
}

/**
 * The flags raised on a node's ancestors (the root excluded): a descendant inherits what a flagged ancestor changed
 * (a reward-hacking tool stays in every genome below it, unless a later change drops it), so the lineage shows them.
 */
function carriedFlags(
  tree: ArchiveTree,
  records: Record<string, NodeRecord>,
  from: string | null,
  lookup: ProposalLookup,
): Array<{ kind: FlagKind; from: string }> {
  const out: Array<{ kind: FlagKind; from: string }> = [];
  for (let id = from; id !== null; id = tree.require(id).parentId) {
    const pid = records[id]?.proposalId;
    const p = pid ? lookup(pid) : undefined;
    for (const kind of new Set(p?.evidence.flags.map((f) => f.kind) ?? [])) out.push({ kind, from: id });
  }
  return out;
}

export function archiveView(runId: string, config: ArchiveConfig, state: ArchiveState, lookup: ProposalLookup): ArchiveView {
  const tree = ArchiveTree.fromJSON(state.tree);
  const generations = new Map<number, { made: number; kept: number }>();
  for (const node of tree.nodes()) {
    const g = generations.get(node.generation) ?? { made: 0, kept: 0 };
    g.made++;
    if (node.status === 'kept') g.kept++;
    generations.set(node.generation, g);
  }
  return {
    runId,
    strategy: state.strategy,
    selection: config.selection,
    budget: { used: state.budgetUsed, total: config.budget },
    steps: state.steps,
    nodes: tree.nodes().map((n) => nodeView(runId, tree, state.records, n.id, lookup)),
    bestNodeId: bestNode(tree),
    generations: [...generations.entries()].sort((a, b) => a[0] - b[0]).map(([generation, g]) => ({ generation, ...g })),
  };
}

/** The archive's own metrics after a step: its size, what is kept and pending, the budget spent, the best node's score. */
export function archiveMetrics(tree: ArchiveTree, budgetUsed: number): Metrics {
  const nodes = tree.nodes();
  const best = bestNode(tree);
  const bestNodeRef = best ? tree.require(best) : null;
  const n = bestNodeRef ? bestNodeRef.evaluations.successes + bestNodeRef.evaluations.failures : 0;
  return {
    [ARCHIVE_BUDGET_USED]: budgetUsed,
    [ARCHIVE_SIZE]: nodes.length,
    [ARCHIVE_KEPT]: nodes.filter((x) => x.status === 'kept').length,
    [ARCHIVE_PENDING]: nodes.filter((x) => x.status === 'pending').length,
    [ARCHIVE_EXPANSIONS]: nodes.length - 1,
    [ARCHIVE_EVALUATIONS]: nodes.reduce((sum, x) => sum + x.evaluations.successes + x.evaluations.failures, 0),
    [ARCHIVE_MAX_GENERATION]: Math.max(0, ...nodes.map((x) => x.generation)),
    [ARCHIVE_BEST_ESTIMATE]: bestNodeRef ? (1 + bestNodeRef.evaluations.successes) / (2 + n) : 0,
    [ARCHIVE_BEST_SCORE]: bestNodeRef && n > 0 ? bestNodeRef.evaluations.successes / n : 0,
  };
}
