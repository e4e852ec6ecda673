/**
 * An open-ended run (config.archive.enabled), between the runner and the session. The runner calls:
 *
 *  - root(metrics) after iteration 0 (the warm-up, or the agent a branch starts from): the initial agent becomes the
 *    archive's root, evaluated on the whole search set;
 *  - step(i) for each later iteration: the strategy chooses to expand a parent or (HGM) to evaluate a node, and the
 *    loop does it. Expanding = the parent's agent trains one round with the modifier's workflow (its own genome; the
 *    initial agent's for no-selfimprove), and its proposer proposes one change to its genome. The child (the round's
 *    weights with the changed genome) is evaluated (staged for the DGM family: a cheap check first, the rest of the
 *    search set only if it passes; a first batch for HGM) and becomes a proposal: the gate and the run's policy decide
 *    whether it joins the archive as a possible parent, or a person does. A child that failed the staged check is a
 *    proposal like any other, judged on the small set; admitted, it joins with its small-set score, as in the DGM
 *    code, and the proposal and the audit trail say so;
 *  - settle() after each commit: picks up decisions (from the app or `evolab decide`) and, while the policy says
 *    pause and a child waits, waits;
 *  - after the last step, the best kept agent is loaded and judged on the protected held-out sets.
 *
 * Everything the search decides with (tree, records, strategy state, its random stream, the budget) is in
 * getState(), checkpointed with the session, so a killed run resumes exactly.
 */
import type { Genome, GenomeChange } from '../../shared/genome';
import type { Metrics } from '../../shared/run';
import { createRng, fork } from '../rng';
import type { AgentState } from '../core/agent';
import type { ArchiveSession, LoopContext, SearchItem } from '../core/ports';
import { readCheckpoint, writeCheckpoint } from '../store/checkpoint';
import type { StoredProposal } from '../store/oversight-store';
import type { IterationResult, Rng } from '../types';
import { publicProposal } from '../oversight/protocol';
import { changeSize } from '../oversight/size';
import { POLL_MS, Waker } from '../oversight/waker';
import * as child from './archive-child';
import type { ChildProposal } from './archive-child';
import { ArchiveTree } from './archive-tree';
import { archiveMetrics, archiveView, bestNode, nodeView, parseArchiveState, type ArchiveState, type NodeRecord } from './archive-state';
import { createStrategy } from './index';
import { countOutcomes, encodeOutcomes } from './search-set';
import { keptReason } from './staged';
import type { SearchStrategy } from './types';
import {
  ARCHIVE_EVALUATED,
  ARCHIVE_EXPANDED,
  ARCHIVE_FINAL_GENERATION,
  ARCHIVE_FINAL_HELDOUT,
  ARCHIVE_NODE_GENERATION,
  ARCHIVE_NODE_REWARDED_WRONG,
  ARCHIVE_NODE_SCORE,
  ARCHIVE_ROOT_HELDOUT,
} from '../../shared/metrics';

/** What the loop needs of a session (the engine's Session). */
export type { ArchiveSession } from '../core/ports';

export interface ArchiveLoopOptions extends LoopContext {
  session: ArchiveSession;
}

export class ArchiveLoop {
  private readonly strategy: SearchStrategy;
  private readonly pool: readonly SearchItem[];
  private tree = new ArchiveTree();
  private records: Record<string, NodeRecord> = {};
  private rng: Rng;
  private budgetUsed = 0;
  private steps = 0;
  private rootGenome: Genome | null = null;
  private readonly waker = new Waker();

  constructor(private readonly o: ArchiveLoopOptions) {
    const a = o.config.archive;
    this.strategy = createStrategy(a.strategy, child.strategyOptions(o.config));
    this.pool = o.session.searchSet(o.config.seed, a);
    this.rng = fork(createRng(o.config.seed), 'archive-search');
  }

  /** True once the budget is spent: the runner stops stepping. */
  get spent(): boolean {
    return this.budgetUsed >= this.o.config.archive.budget;
  }

  /** The initial agent (iteration 0's) becomes the root; adds the archive's metrics to iteration 0's. */
  root(metrics: Metrics, kind: 'root' | 'branch'): Metrics {
    const s = this.o.session;
    // The search draws from a stream of its own, so every strategy of a seed starts from the same one whether its root
    // was warmed up here or branched from another run (as `evolab compare` does).
    s.setRandomState(fork(createRng(this.o.config.seed), 'archive-rounds').state());
    const outcomes = encodeOutcomes(s.solve(this.pool));
    const counts = countOutcomes(outcomes);
    const file = this.writeNode('n0', 0);
    this.tree = new ArchiveTree();
    this.tree.add({
      id: 'n0',
      parentId: null,
      generation: 0,
      createdOrder: 0,
      score: counts.successes / Math.max(1, outcomes.length),
      evaluations: counts,
      children: [],
      status: 'kept',
    });
    const rationale =
      kind === 'branch' && this.o.config.startFrom
        ? `the agent of node ${this.o.config.startFrom.nodeId} of run ${this.o.config.startFrom.runId}`
        : 'the warmed-up initial agent';
    this.records = {
      n0: {
        step: 0,
        kind,
        rationale,
        changes: [],
        genome: structuredClone(s.genome),
        checkpoint: file,
        outcomes,
        cheapScore: null,
        rejectedBy: null,
        proposalId: null,
        training: null,
        createdAt: new Date().toISOString(),
      },
    };
    this.rootGenome = structuredClone(s.genome);
    const assessment = s.assess();
    const heldout = assessment.score.n > 0 ? assessment.score.correct / assessment.score.n : 0;
    this.emitNode('n0');
    return { ...metrics, ...this.metrics(), [ARCHIVE_ROOT_HELDOUT]: heldout, [ARCHIVE_NODE_SCORE]: this.tree.require('n0').score ?? 0 };
  }

  /** One search step: expand a parent or evaluate a node. The session ends holding the agent the step touched. */
  async step(iteration: number): Promise<IterationResult> {
    this.sync();
    const budget = { used: this.budgetUsed, total: this.o.config.archive.budget };
    const choice = this.strategy.next(this.tree, budget, this.rng);
    this.steps++;
    const result = choice.kind === 'expand' ? await this.expand(iteration, choice.parentId) : this.evaluate(choice.nodeId);
    const metrics = { ...result.metrics, ...this.metrics() };
    if (this.spent || iteration >= this.o.config.iterations) Object.assign(metrics, this.final());
    return { metrics, trajectories: result.trajectories };
  }

  private async expand(iteration: number, parentId: string): Promise<IterationResult> {
    const s = this.o.session;
    const a = this.o.config.archive;
    const parent = this.tree.require(parentId);
    const parentRecord = this.records[parentId]!;
    const selfImprove = !this.strategy.fixedProposer;
    this.loadNode(parentId);
    // The modifier: the parent itself, or (no-selfimprove) the initial agent's workflow, tools and memory.
    if (!selfImprove) s.setGenome(this.rootGenome ?? parentRecord.genome);
    const t0 = performance.now();
    const { round, weightChange } = await child.trainRound(s, iteration);

    const { kind, pathway, rationale, genomeChanges, genome, flags } = child.proposeChildChange(
      this.o,
      parentRecord,
      round,
      iteration,
      selfImprove,
      this.pool.length,
      child.waitingKinds(this.tree, this.records, parentId),
    );
    s.setGenome(genome);

    const id = `n${this.tree.size}`;
    const { outcomes, cheapScore, staged } = child.evaluateChild(s, this.pool, a, this.strategy.name, parentRecord);
    const encoded = encodeOutcomes(outcomes);
    const counts = countOutcomes(encoded);
    this.budgetUsed += a.expansionCost + outcomes.length;
    const fully = encoded.length >= this.pool.length;
    this.tree.add({
      id,
      parentId,
      generation: parent.generation + 1,
      createdOrder: this.tree.size,
      score: fully ? counts.successes / encoded.length : null,
      evaluations: counts,
      children: [],
      status: 'evaluating',
    });
    const file = this.writeNode(id, iteration);
    const seconds = (performance.now() - t0) / 1000;
    const evidence = child.childEvidence({
      pool: this.pool,
      parentId,
      parentRecord,
      encoded,
      training: round.metrics,
      trajectories: s.rescore(genome, round.trajectories),
      seconds,
      flags,
      maxRewardedWrong: this.o.store.oversight.runPolicy(this.o.runId).maxRewardedWrong,
      family: (before, cards) => s.evidenceOf(before, round.metrics, cards),
      unit: s.searchUnit,
    });
    const changes: GenomeChange[] = [
      ...genomeChanges,
      { path: 'model.weights', before: `${parentId}'s weights`, after: `round ${iteration}'s weights (moved ${(weightChange * 100).toFixed(1)}%)` },
    ];
    const size = pathway === 'model' ? changeSize('model', [], weightChange) : changeSize(pathway, genomeChanges);
    this.records[id] = {
      step: iteration,
      kind,
      rationale,
      changes,
      genome: structuredClone(genome),
      checkpoint: file,
      outcomes: encoded,
      cheapScore,
      rejectedBy: null,
      proposalId: null,
      training: round.metrics,
      createdAt: new Date().toISOString(),
    };
    this.propose(id, iteration, { pathway, kind, rationale, changes, size, evidence, staged });
    return {
      metrics: {
        ...round.metrics,
        [ARCHIVE_EXPANDED]: 1,
        [ARCHIVE_NODE_SCORE]: counts.successes / Math.max(1, encoded.length),
        [ARCHIVE_NODE_GENERATION]: parent.generation + 1,
        ...(evidence.rewardedWrong && evidence.rewardedWrong.n > 0 ? { [ARCHIVE_NODE_REWARDED_WRONG]: evidence.rewardedWrong.value } : {}),
      },
      trajectories: round.trajectories,
    };
  }

  /** HGM's other move: the next batch of the search set for an existing node. */
  private evaluate(nodeId: string): IterationResult {
    const a = this.o.config.archive;
    const record = this.records[nodeId]!;
    const from = record.outcomes.length;
    this.loadNode(nodeId);
    const outcomes = this.o.session.solve(this.pool.slice(from, from + a.evalBatch));
    this.budgetUsed += outcomes.length;
    record.outcomes += encodeOutcomes(outcomes);
    const counts = countOutcomes(record.outcomes);
    const fully = record.outcomes.length >= this.pool.length;
    this.tree.update(nodeId, { evaluations: counts, score: fully ? counts.successes / record.outcomes.length : null });
    this.emitNode(nodeId);
    return {
      metrics: {
        [ARCHIVE_EVALUATED]: 1,
        [ARCHIVE_NODE_SCORE]: counts.successes / Math.max(1, record.outcomes.length),
        [ARCHIVE_NODE_GENERATION]: this.tree.require(nodeId).generation,
      },
      trajectories: [],
    };
  }

  /** The child as a proposal for the gate (or the ungated ablation), whether or not it passed the staged check. */
  private propose(id: string, iteration: number, d: ChildProposal): void {
    const { store, runId } = this.o;
    const record = this.records[id]!;
    // A resumed step remakes the same child (same seed, same node id): it keeps the proposal and any decision made on it.
    let proposal = store.oversight.proposalByCheckpoint(runId, record.checkpoint);
    if (!proposal) {
      proposal = child.recordChild(this.o, id, this.tree.require(id).parentId, record, iteration, d);
      this.o.emit('proposal.created', publicProposal(proposal));
    }
    record.proposalId = proposal.id;
    this.applyVerdict(id, proposal);
    // The new node (applyVerdict only announces changes of status).
    this.emitNode(id);
  }

  /** Mirrors a proposal's status onto its node; an approval is settled as "kept in the archive". */
  private applyVerdict(id: string, p: StoredProposal): void {
    const record = this.records[id]!;
    const node = this.tree.require(id);
    let status = node.status;
    if (p.status === 'approved') {
      this.o.store.oversight.settle(this.o.runId, [{ id: p.id, status: 'applied', reason: keptReason(id, child.smallSetScore(node, record)) }]);
      this.o.emit('proposal.decided', publicProposal(this.o.store.oversight.requireProposal(p.id)));
      status = 'kept';
    } else if (p.status === 'applied') status = 'kept';
    else if (p.status === 'pending') status = 'pending';
    else {
      status = 'rejected';
      record.rejectedBy ??= p.decidedBy?.startsWith('person') ? 'person' : 'gate';
    }
    if (status !== node.status) {
      this.tree.update(id, { status });
      this.emitNode(id);
    }
  }

  /** Picks up decisions made since (here, in the app or in another process). Returns true if any node changed. */
  private sync(): boolean {
    let changed = false;
    for (const node of this.tree.nodes()) {
      const record = this.records[node.id]!;
      if (!record.proposalId || node.status === 'rejected' || node.status === 'kept') continue;
      const p = this.o.store.oversight.requireProposal(record.proposalId);
      const before = node.status;
      this.applyVerdict(node.id, p);
      if (this.tree.require(node.id).status !== before) changed = true;
    }
    return changed;
  }

  /** After a commit: applies decisions and, while the policy says pause and a child waits, waits for a person. */
  async settle(step: number): Promise<void> {
    const { store, runId } = this.o;
    let waiting = false;
    for (;;) {
      this.o.checkStop();
      if (this.sync()) store.archive.save(runId, step, JSON.stringify(this.getState()));
      const pending = this.tree.nodes().filter((n) => n.status === 'pending');
      if (pending.length === 0 || store.oversight.runPolicy(runId).whileWaiting !== 'pause') break;
      if (!waiting) {
        waiting = true;
        this.o.setStatus('waiting', `waiting for a decision on child ${pending.map((n) => `${n.id} (${this.records[n.id]!.proposalId})`).join(', ')}`);
      }
      await this.waker.sleep(POLL_MS);
    }
    if (waiting) this.o.setStatus('running', 'decisions made; the search continues');
  }

  poke(): void {
    this.waker.poke();
  }

  /** The final agent: the best kept node, judged on the protected held-out sets; the session keeps it. */
  private final(): Metrics {
    const id = bestNode(this.tree) ?? 'n0';
    this.loadNode(id);
    const s = this.o.session;
    const assessment = s.assess();
    this.o.log(
      'info',
      `Budget spent: the best agent is ${id} (generation ${this.tree.require(id).generation}); held-out score ${assessment.score.correct}/${assessment.score.n}.`,
    );
    return {
      ...s.scorecardMetrics(assessment),
      [ARCHIVE_FINAL_HELDOUT]: assessment.score.n > 0 ? assessment.score.correct / assessment.score.n : 0,
      [ARCHIVE_FINAL_GENERATION]: this.tree.require(id).generation,
    };
  }

  private metrics(): Metrics {
    return archiveMetrics(this.tree, this.budgetUsed);
  }

  /** Loads a node's agent into the session, keeping the run's random stream. */
  private loadNode(id: string): void {
    const s = this.o.session;
    const rng = s.randomState();
    const state = readCheckpoint<AgentState>(this.o.store.absolute(this.records[id]!.checkpoint)).state;
    s.setState({ ...state, rng });
  }

  private writeNode(id: string, iteration: number): string {
    const { store, runId, config } = this.o;
    const file = store.nodeCheckpointPath(runId, id);
    writeCheckpoint(file, { runId, iteration, config, state: this.o.session.getState() });
    return store.relative(file);
  }

  private emitNode(id: string): void {
    const lookup = (pid: string) => this.o.store.oversight.getProposal(pid);
    this.o.emit('archive.node', nodeView(this.o.runId, this.tree, this.records, id, lookup));
  }

  getState(): ArchiveState {
    return {
      version: 1,
      strategy: this.strategy.name,
      strategyState: this.strategy.getState(),
      rng: this.rng.state(),
      budgetUsed: this.budgetUsed,
      steps: this.steps,
      tree: this.tree.toJSON(),
      records: structuredClone(this.records),
    };
  }

  setState(value: unknown): void {
    const state = parseArchiveState(value);
    if (state.strategy !== this.strategy.name) throw new Error(`The checkpoint's archive was searched by ${state.strategy}, not ${this.strategy.name}.`);
    this.strategy.setState(state.strategyState);
    this.rng.setState(state.rng);
    this.budgetUsed = state.budgetUsed;
    this.steps = state.steps;
    this.tree = ArchiveTree.fromJSON(state.tree);
    this.records = state.records;
    this.rootGenome = structuredClone(state.records.n0?.genome ?? null);
  }

  /** The archive as the contract shows it. */
  view(): ReturnType<typeof archiveView> {
    return archiveView(this.o.runId, this.o.config.archive, this.getState(), (pid) => this.o.store.oversight.getProposal(pid));
  }
}
