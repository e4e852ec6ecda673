/**
 * How an archive run makes and judges one child, apart from moving agents in and out of the session: the change
 * the parent's proposer picks for its child (the workflow, memory or tools it would change, or none: the session's
 * own proposer says what its monitors call for), the child's evaluation on the search set (staged for the DGM
 * family, a first batch for HGM), and its evidence against the parent on the same tasks, with what the family adds.
 * Also the strategy's options, and the ablation without a gate. Nothing here knows which family the agent is of.
 */
import type { ArchiveConfig, RunConfig } from '../../shared/config';
import { applyChanges, protectedTarget, type Genome, type GenomeChange } from '../../shared/genome';
import type { Evidence, Flag, Proposal, ProposalKind } from '../../shared/oversight';
import type { Metrics } from '../../shared/run';
import { createRng, fork } from '../rng';
import type { ArchiveSession, FamilyEvidence, LoopContext, SearchItem } from '../core/ports';
import { memoryMetrics } from '../core/snapshot';
import type { Scorecard } from '../environments/text-task';
import type { IterationResult, Task, TrajectoryRecord } from '../types';
import { agentView } from '../oversight/agent-view';
import { buildEvidence } from '../oversight/evidence';
import { beliefs, choose } from '../oversight/proposer';
import { gate } from '../oversight/gate';
import { protectedRejection, recordProposal, type UngatedOutcome } from '../oversight/protocol';
import type { StoredProposal } from '../store/oversight-store';
import type { NodeRecord } from './archive-state';
import type { ArchiveTree } from './archive-tree';
import { searchAssessment, type Outcome } from './search-set';
import { stagedDecision, stagedNote } from './staged';

export interface ChildChange {
  kind: ProposalKind;
  pathway: Proposal['pathway'];
  rationale: string;
  genomeChanges: GenomeChange[];
  /** The child's genome: the parent's with the change applied (unchanged when the change names a protected invariant). */
  genome: Genome;
  flags: Flag[];
}

/**
 * What the parent's proposer changes in its child after the round (`round`, trained with the parent's genome).
 * Without self-improvement (a fixed proposer), or when nothing is triggered, the child is the round's weights alone.
 */
export function proposeChildChange(
  o: LoopContext & { session: ArchiveSession },
  parentRecord: NodeRecord,
  round: IterationResult,
  iteration: number,
  selfImprove: boolean,
  searchSetSize: number,
  /** Kinds of this parent's children that wait for a person: asking the same question again adds nothing. */
  waiting: readonly ProposalKind[] = [],
): ChildChange {
  const s = o.session;
  const change: ChildChange = {
    kind: 'model:promote',
    pathway: 'model',
    rationale: `the parent's weights after training round ${iteration}${selfImprove ? '' : " with the initial agent's fixed workflow"}.`,
    genomeChanges: [],
    genome: parentRecord.genome,
    flags: [],
  };
  if (!selfImprove) return change;
  const inconsistent =
    parentRecord.genome.memory.entries.length > 0
      ? s
          .memoryConsensus(parentRecord.genome.memory.entries)
          .filter((m) => !m.consistent)
          .map((m) => m.id)
      : [];
  const cands = s.proposeChild({
    iteration,
    genome: parentRecord.genome,
    metrics: round.metrics,
    previous: parentRecord.training,
    trajectories: round.trajectories,
    searchSetSize,
    inconsistentMemory: inconsistent,
  });
  const chosen = choose(
    cands.filter((c) => !waiting.includes(c.kind)),
    beliefs(o.store.oversight.estimates(o.runId)),
    fork(createRng(o.config.seed), `archive-proposer-${iteration}`),
    1,
    o.config.oversight.kinds,
  )[0];
  if (!chosen) return change;
  change.kind = chosen.kind;
  change.pathway = chosen.pathway;
  change.rationale = chosen.rationale;
  change.genomeChanges = chosen.changes;
  const touched = chosen.changes.map((c) => protectedTarget(c.path)).filter((t): t is string => t !== null);
  if (touched.length > 0) change.flags.push({ kind: 'protected-invariant', message: `changes ${chosen.changes.map((c) => c.path).join(', ')}: protected` });
  else change.genome = applyChanges(parentRecord.genome, chosen.changes);
  return change;
}

/** A child as the gate judges it. */
export interface ChildProposal {
  pathway: Proposal['pathway'];
  kind: ProposalKind;
  rationale: string;
  changes: GenomeChange[];
  size: 'small' | 'large';
  evidence: Evidence;
  staged: { passed: boolean; reason: string } | null;
}

/** Kinds of a parent's children that wait for a person: not proposed again from it until decided. */
export function waitingKinds(tree: ArchiveTree, records: Record<string, NodeRecord>, parentId: string): ProposalKind[] {
  return tree
    .childrenOf(parentId)
    .filter((n) => n.status === 'pending')
    .map((n) => records[n.id]!.kind)
    .filter((k): k is ProposalKind => k !== 'root' && k !== 'branch');
}

export interface ChildEvaluation {
  outcomes: Outcome[];
  cheapScore: number | null;
  staged: { passed: boolean; reason: string } | null;
}

/** Evaluates the agent in the session (the child) on the search set: staged for the DGM family, a first batch for HGM. */
export function evaluateChild(s: ArchiveSession, pool: readonly SearchItem[], a: ArchiveConfig, strategy: string, parentRecord: NodeRecord): ChildEvaluation {
  if (strategy === 'hgm') return { outcomes: s.solve(pool.slice(0, a.evalBatch)), cheapScore: null, staged: null };
  const cheap = s.solve(pool.slice(0, a.cheapTasks));
  const cheapScore = share(cheap);
  const parentCheap = share(decodeAll(parentRecord.outcomes.slice(0, a.cheapTasks)));
  const passed = stagedDecision(cheapScore, parentCheap, { floor: a.stagedFloor, parentFraction: a.stagedParentFraction }) === 'full';
  const staged = {
    passed,
    reason: `staged evaluation: the cheap check scored ${cheapScore.toFixed(2)} on ${cheap.length} tasks (floor ${a.stagedFloor}, or ${a.stagedParentFraction} x the parent's ${parentCheap.toFixed(2)}): ${passed ? 'passed' : 'failed'}`,
  };
  return { outcomes: passed ? [...cheap, ...s.solve(pool.slice(a.cheapTasks))] : cheap, cheapScore, staged };
}

/** The child's evidence: against its parent on the same search-set tasks, and the round's training monitors. */
export function childEvidence(input: {
  pool: readonly SearchItem[];
  parentId: string;
  parentRecord: NodeRecord;
  encoded: string;
  training: Metrics;
  /** The round's samples re-scored by the child's genome (rescored). */
  trajectories: Array<{ reward: number; correct: boolean }>;
  seconds: number;
  flags: Flag[];
  maxRewardedWrong: number;
  /** What one item of the search set is called (the session's searchUnit; default "tasks"). */
  unit?: string;
  /** What the agent's family adds (its own monitors, checks that do not apply to it); the text family adds nothing. */
  family?: (trainingBefore: Metrics | null, cards: { before: Scorecard; after: Scorecard }) => FamilyEvidence;
}): Evidence {
  const { pool, parentId, parentRecord, encoded } = input;
  const overlap = Math.min(encoded.length, parentRecord.outcomes.length);
  // Training monitors compare only rounds at the same curriculum level: after the parent moved up a level, its
  // child's round samples harder prompts, and a lower pass@k there is no collapse.
  const level = (m: Metrics | null) => m?.['curriculum/level'];
  const comparable = parentRecord.training !== null && level(parentRecord.training) === level(input.training);
  const before = searchAssessment(pool, parentRecord.outcomes, overlap);
  const after = searchAssessment(pool, encoded, overlap);
  const trainingBefore = comparable ? parentRecord.training : null;
  return buildEvidence({
    before,
    after,
    baseline: `the parent ${parentId}, on the same ${overlap} search-set ${input.unit ?? 'tasks'}${comparable ? '' : parentRecord.training === null ? ' (the parent made no training round to compare with)' : ' (training monitors not compared: the rounds trained at different levels)'}`,
    trainingBefore,
    trainingAfter: input.training,
    cost: { seconds: input.seconds, tokens: 0 },
    extraFlags: input.flags,
    trajectories: input.trajectories,
    noComparison: parentRecord.training === null ? `the parent ${parentId} made no training round to compare with` : 'the rounds trained at different levels',
    maxRewardedWrong: input.maxRewardedWrong,
    ...input.family?.(trainingBefore, { before, after }),
  });
}

/** Stores the child as a proposal, gated by the run's policy now (or by the ungated ablation), with its audit entries. */
export function recordChild(o: LoopContext, id: string, parentId: string | null, record: NodeRecord, iteration: number, d: ChildProposal): StoredProposal {
  const { store, runId, config } = o;
  const outcome = config.oversight.gate ? gate(d, store.oversight.runPolicy(runId)) : ungatedChild(d.evidence.flags);
  const failedStaged = d.staged !== null && !d.staged.passed;
  const rationale =
    failedStaged && record.cheapScore !== null
      ? `${d.rationale.replace(/\.?$/, '.')} It ${stagedNote(record.cheapScore, record.outcomes.length)}.`
      : d.rationale;
  return recordProposal(
    store,
    {
      runId,
      iteration,
      pathway: d.pathway,
      kind: d.kind,
      size: d.size,
      rationale: `child ${id}: ${rationale}`,
      changes: d.changes,
      evidence: d.evidence,
      checkpoint: record.checkpoint,
    },
    outcome,
    config.oversight.gate,
    rationale,
    { node: id, parent: parentId, staged: d.staged },
  );
}

/**
 * The round's samples as the child's own genome rewards them (the text family's ArchiveSession.rescore). The round trained with the parent's genome, and the
 * child's change (a reward-shaping tool, say) has trained nothing yet; re-scoring the same samples with the child's
 * tools shows what it would reward, so a tool that credits wrong answers is caught before it trains, whatever the
 * parent. The verifier's verdict of each sample stays as it was.
 */
export function rescored(task: Task, genome: Genome, trajectories: readonly TrajectoryRecord[]): Array<{ reward: number; correct: boolean }> {
  const agent = agentView(task, genome);
  return trajectories.map((t) => {
    const problem = { id: '', level: t.level ?? 0, prompt: t.prompt, answer: t.answer };
    const base = t.correct ? 1 : 0;
    return { correct: t.correct, reward: agent.accepts(problem, t.output) ? agent.shapeReward(problem, t.output, base) : 0 };
  });
}

/** The strategy's options from the run's archive config. */
export function strategyOptions(config: RunConfig): unknown {
  const a = config.archive;
  switch (a.strategy) {
    case 'hgm':
      return { alpha: a.hgmAlpha, coolDown: a.coolDown, maxEvaluationsPerNode: a.poolSize };
    case 'no-darwin':
      return { selection: a.selection };
    default:
      return { selection: a.selection };
  }
}

/** The ablation without a gate: every child joins the archive (a protected invariant still cannot be applied). */
export function ungatedChild(flags: Flag[]): UngatedOutcome {
  return protectedRejection(flags) ?? { action: 'ungated', status: 'approved', reason: 'no gate: every child joins the archive' };
}

/** A node that failed the staged check has no full score but a cheap one: the score it is kept with. */
export function smallSetScore(node: { score: number | null }, record: NodeRecord): number | null {
  return node.score === null && record.cheapScore !== null ? record.cheapScore : null;
}

function decodeAll(encoded: string): Outcome[] {
  return [...encoded].map((c) => ({ correct: c === '1', wellFormed: c !== 'x' }));
}

function share(outcomes: Outcome[]): number {
  return outcomes.length === 0 ? 0 : outcomes.filter((o) => o.correct).length / outcomes.length;
}

/**
 * The parent's training round, the child's weights: the parent is forked on the device only to size the child's
 * change (nothing is downloaded), and the memory metrics are read once the fork is freed.
 */
export async function trainRound(s: ArchiveSession, iteration: number): Promise<{ round: IterationResult; weightChange: number }> {
  const parentState = s.snapshot();
  let round: IterationResult, weightChange: number;
  try {
    round = await s.iterate(iteration, { evaluate: false });
    weightChange = s.weightChange(parentState);
  } finally {
    parentState.dispose();
  }
  return { round: { ...round, metrics: { ...round.metrics, ...memoryMetrics() } }, weightChange };
}
