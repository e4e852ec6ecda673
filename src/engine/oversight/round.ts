/**
 * One round of a governed run, between the runner and the session. Every self-modification goes through here:
 *
 *  1. The round trains with the current genome: its weights are the model pathway's child ("promote round i").
 *  2. The proposer reads the round's monitors and proposes changes to memory, tools or workflow. Each is tried in a
 *     sandbox: from the same start (weights, random stream) with the changed genome, so before/after is an A/B on
 *     the same prompts; a change to a protected invariant is never tried.
 *  3. Evidence for each child: held-out before/after with intervals, per level, probes, training monitors, memory
 *     consensus, cost, misevolution flags. Then the agent goes back to its parent state ("the parent continues").
 *  4. stage(): children are checkpointed before the runner commits the round; the gate decides or holds each one,
 *     and the proposals and their audit entries are written in the round's own transaction, so a kill can never
 *     keep a round and lose its proposals.
 *  5. settle(): while the policy says pause and a proposal waits, the run waits (status "waiting"), picking up
 *     decisions made here, in the app, or by `evolab decide` in another process (they meet in the workspace
 *     database). Approved children are merged: every approved genome diff is applied, and the agent takes the
 *     weights of the approved child with the best held-out score.
 *
 * The gate and the policy are not in the genome and nothing here lets a proposal reach them (see gate.ts).
 */
import { applyChanges, type Genome, type GenomeChange, type MemoryEntry } from '../../shared/genome';
import { effectOf, type Proposal } from '../../shared/oversight';
import type { Metrics } from '../../shared/run';
import { createRng, fork } from '../rng';
import type { AgentFork, AgentState } from '../core/agent';
import type { GovernedSession, LoopContext, Candidate } from '../core/ports';
import { memoryMetrics } from '../core/snapshot';
import { readCheckpoint, writeCheckpoint } from '../store/checkpoint';
import type { StoredProposal } from '../store/oversight-store';
import type { IterationResult, Rng } from '../types';
import type { Scorecard } from '../environments/text-task';
import { buildEvidence } from './evidence';
import { gate } from './gate';
import { protectedDraft, tokensOf, ungated, type Draft } from './drafts';
import { planMerge } from './merge';
import { publicProposal, recordProposal } from './protocol';
import { beliefs, choose } from './proposer';
import { changeSize } from './size';
import { rerunEdit } from './edit';
import { POLL_MS, Waker } from './waker';
import { faultPoint } from '../fault';
import { OVERSIGHT_REWARDED_WRONG } from '../../shared/metrics';

export type { GovernedSession, LoopContext, OversightSession } from '../core/ports';
export { POLL_MS } from './waker';

export interface OversightLoopOptions extends LoopContext {
  session: GovernedSession;
}

export class OversightLoop {
  private drafts: Draft[] = [];
  private parentAssessment: Scorecard | null = null;
  private readonly waker = new Waker();
  private edits: Array<{ id: string; changes: GenomeChange[]; actor: string; reason: string | null; done: (result: StoredProposal | Error) => void }> = [];
  private readonly known = new Map<string, Proposal['status']>();

  constructor(private readonly o: OversightLoopOptions) {}

  get genome(): Genome {
    return this.o.session.genome;
  }

  /** A random stream of its own for `label`, derived from the run's seed only: the same after a resume. */
  private stream(label: string): Rng {
    return fork(createRng(this.o.config.seed), label);
  }

  /** Trains the round, tries the proposals in their sandboxes; the session ends in the parent-continues state. */
  async round(iteration: number): Promise<IterationResult> {
    const parent = this.o.session.snapshot();
    let result: IterationResult;
    try {
      result = await this.roundFrom(parent, iteration);
    } finally {
      parent.dispose();
    }
    return { ...result, metrics: { ...result.metrics, ...memoryMetrics() } };
  }

  private async roundFrom(parentState: AgentFork, iteration: number): Promise<IterationResult> {
    const s = this.o.session;
    const parentGenome = s.genome;
    const parent = this.parentAssessment ?? s.assess();
    const inconsistentMemory =
      parentGenome.memory.entries.length > 0
        ? s
            .memoryConsensus(parentGenome.memory.entries)
            .filter((m) => !m.consistent)
            .map((m) => m.id)
        : [];

    const t0 = performance.now();
    const result = await s.iterate(iteration, { evaluate: false });
    const child = s.assess();
    const weightChange = s.weightChange(parentState);
    // Where the environment moved on during the round (a class stream's labels), the parent is judged where it is now.
    const parentNow = s.reassess?.(parentState) ?? parent;
    // The child's checkpoint (written by stage()): the one download of its weights.
    const modelState = s.getState();
    // Where the round left the run (its random stream, step, and an environment that moves on): the parent continues there.
    const position = s.position();
    const seconds = (performance.now() - t0) / 1000;
    const metrics: Metrics = { ...result.metrics, ...s.scorecardMetrics(child) };
    const previous = iteration > 1 ? this.o.store.iterationMetrics(this.o.runId, iteration - 1) : null;
    const maxRewardedWrong = this.o.store.oversight.runPolicy(this.o.runId).maxRewardedWrong;
    const drafts: Draft[] = [
      {
        pathway: 'model',
        kind: 'model:promote',
        label: 'model',
        rationale: `promote the weights trained in round ${iteration} (they moved ${(weightChange * 100).toFixed(1)}% from the parent's).`,
        changes: [{ path: 'model.weights', before: `the parent's weights`, after: `round ${iteration}'s weights` }],
        size: changeSize('model', [], weightChange),
        evidence: buildEvidence({
          before: parentNow,
          after: child,
          baseline: 'the parent agent, before this round',
          trainingBefore: previous,
          trainingAfter: metrics,
          cost: { seconds, tokens: tokensOf(result.metrics) },
          trajectories: result.trajectories,
          noComparison: 'the parent made no training round before this one',
          maxRewardedWrong,
          ...s.evidenceOf(previous, metrics, { before: parentNow, after: child }),
        }),
        state: modelState,
      },
    ];

    const cands = s.propose({ iteration, genome: parentGenome, metrics, previous, trajectories: result.trajectories, child, inconsistentMemory });
    const estimates = this.o.store.oversight.estimates(this.o.runId);
    // A stream per round, derived from the seed: a resumed run proposes what an uninterrupted one would.
    const chosen = choose(
      cands,
      beliefs(estimates),
      this.stream(`proposer-${iteration}`),
      this.o.config.oversight.maxProposalsPerRound,
      this.o.config.oversight.kinds,
    );
    for (const [i, c] of chosen.entries()) {
      const draft = await this.trial(iteration, c, parentState, parentGenome, child, metrics, `${c.kind.replace(/[^a-z-]/g, '-')}-${i + 1}`);
      if (draft) drafts.push(draft);
    }
    // The parent continues: its weights and genome, with the round's random stream consumed.
    s.restore(parentState, position);
    this.parentAssessment = parent;
    this.drafts = drafts;
    metrics['oversight/proposals'] = drafts.length;
    const rewardedWrong = drafts[0]!.evidence.rewardedWrong;
    if (rewardedWrong && rewardedWrong.n > 0) metrics[OVERSIGHT_REWARDED_WRONG] = rewardedWrong.value;
    metrics['oversight/flagged'] = drafts.filter((d) => d.evidence.flags.length > 0).length;
    return { metrics, trajectories: result.trajectories };
  }

  private async trial(
    iteration: number,
    c: Candidate,
    parentState: AgentFork,
    genome: Genome,
    baseline: Scorecard,
    baselineMetrics: Metrics,
    label: string,
  ): Promise<Draft | null> {
    const s = this.o.session;
    const refused = protectedDraft(c, baseline, baselineMetrics, label);
    if (refused) return refused;
    let next: Genome;
    try {
      next = applyChanges(genome, c.changes);
    } catch (error) {
      this.o.log('warn', `The proposer's ${c.kind} change is not a valid genome (${error instanceof Error ? error.message : String(error)}); dropped.`);
      return null;
    }
    const outOfBounds = s.knobIssues(next);
    if (outOfBounds.length > 0) {
      this.o.log('warn', `The proposer's ${c.kind} change is out of bounds (${outOfBounds.map((i) => `${i.path}: ${i.message}`).join('; ')}); dropped.`);
      return null;
    }
    s.restore(parentState);
    const added = c.changes.filter((ch) => ch.path.startsWith('memory.entries.') && ch.after !== undefined).map((ch) => ch.after as MemoryEntry);
    const memory = added.length > 0 ? s.memoryConsensus(added) : undefined;
    s.setGenome(next);
    const t0 = performance.now();
    const result = await s.iterate(iteration, { evaluate: false });
    const after = s.assess();
    const seconds = (performance.now() - t0) / 1000;
    const state = s.getState();
    // Mid-round, before anything of the round is durable: a kill here redoes the whole round on resume.
    faultPoint('governed-trial');
    const trainingAfter = { ...result.metrics, ...s.scorecardMetrics(after) };
    const evidence = buildEvidence({
      before: baseline,
      after,
      baseline: 'the same round without this change (same start, same prompts or examples)',
      trainingBefore: baselineMetrics,
      trainingAfter,
      cost: { seconds, tokens: tokensOf(result.metrics) },
      trajectories: result.trajectories,
      maxRewardedWrong: this.o.store.oversight.runPolicy(this.o.runId).maxRewardedWrong,
      ...(memory ? { memory } : {}),
      ...s.evidenceOf(baselineMetrics, trainingAfter, { before: baseline, after }),
    });
    return { pathway: c.pathway, kind: c.kind, rationale: c.rationale, changes: c.changes, size: changeSize(c.pathway, c.changes), evidence, state, label };
  }

  /**
   * Checkpoints the round's children (durable before the round is committed) and returns the writes that belong in
   * the round's own transaction: its proposals and their audit entries, gated now. A kill before the commit redoes
   * the round, which remakes the same children; a kill after it finds them stored. Nothing is announced until
   * announce(), after the commit.
   */
  stage(iteration: number): { insert(): void; announce(): void } {
    const { store, runId, config } = this.o;
    const drafts = this.drafts;
    this.drafts = [];
    const files = drafts.map((d) => {
      if (!d.state) return null;
      const file = store.childCheckpointPath(runId, iteration, d.label);
      writeCheckpoint(file, { runId, iteration, config, state: d.state });
      return store.relative(file);
    });
    const inserted: StoredProposal[] = [];
    return {
      insert: () => {
        const policy = store.oversight.runPolicy(runId);
        for (const [i, d] of drafts.entries()) {
          const outcome = config.oversight.gate ? gate(d, policy) : ungated(d);
          inserted.push(
            recordProposal(
              store,
              {
                runId,
                iteration,
                pathway: d.pathway,
                kind: d.kind,
                size: d.size,
                rationale: d.rationale,
                changes: d.changes,
                evidence: d.evidence,
                checkpoint: files[i]!,
              },
              outcome,
              config.oversight.gate,
              d.rationale,
            ),
          );
        }
      },
      announce: () => {
        for (const proposal of inserted) {
          this.known.set(proposal.id, proposal.status);
          this.o.emit('proposal.created', publicProposal(proposal));
        }
      },
    };
  }

  /**
   * Applies what was approved and, while the policy says pause and a proposal of this run waits, waits for a
   * person. Returns when nothing is left to wait for (or at once in continue mode).
   */
  async settle(lastIteration: number): Promise<void> {
    const { store, runId } = this.o;
    let waiting = false;
    for (;;) {
      this.o.checkStop();
      await this.runEdits(lastIteration);
      this.noticeDecisions();
      const approved = store.oversight.listProposals({ runId, status: 'approved' });
      if (approved.length > 0) this.apply(approved, lastIteration);
      const pending = store.oversight.listProposals({ runId, status: 'pending' });
      const pause = store.oversight.runPolicy(runId).whileWaiting === 'pause';
      if (pending.length === 0 || !pause) break;
      if (!waiting) {
        waiting = true;
        this.o.setStatus('waiting', `waiting for a decision on ${pending.map((p) => p.id).join(', ')}`);
      }
      await this.waker.sleep(POLL_MS);
    }
    if (waiting) this.o.setStatus('running', 'decisions made; the run continues');
  }

  /** A decision arrived through this engine (the app): look now rather than at the next poll. */
  poke(): void {
    this.waker.poke();
  }

  /** Edit-and-approve: queued for the loop, which re-runs the evidence between rounds or while it waits. */
  requestEdit(id: string, changes: GenomeChange[], actor: string, reason: string | null): Promise<StoredProposal> {
    return new Promise((resolve, reject) => {
      this.edits.push({ id, changes, actor, reason, done: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      this.poke();
    });
  }

  private async runEdits(lastIteration: number): Promise<void> {
    while (this.edits.length > 0) {
      const edit = this.edits.shift()!;
      try {
        edit.done(await this.edit(edit.id, edit.changes, edit.actor, edit.reason, lastIteration));
      } catch (error) {
        edit.done(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private async edit(id: string, changes: GenomeChange[], actor: string, reason: string | null, lastIteration: number): Promise<StoredProposal> {
    const updated = await rerunEdit(this.o, { id, changes, actor, reason, lastIteration, before: this.parentAssessment, stream: this.stream(`edit-${id}`) });
    this.known.set(id, updated.status);
    this.o.emit('proposal.decided', publicProposal(updated));
    return updated;
  }

  /** Emits proposal.decided for decisions made elsewhere (another process), once each. */
  private noticeDecisions(): void {
    for (const p of this.o.store.oversight.listProposals({ runId: this.o.runId, limit: 200 })) {
      const seen = this.known.get(p.id);
      if (seen !== undefined && seen !== p.status) this.o.emit('proposal.decided', publicProposal(p));
      this.known.set(p.id, p.status);
    }
  }

  /** Merges the approved children into the agent and rewrites the last checkpoint with it. */
  private apply(approved: StoredProposal[], lastIteration: number): void {
    const { store, runId, config } = this.o;
    const s = this.o.session;
    const newestApplied = Math.max(
      -1,
      ...store.oversight
        .listProposals({ runId, status: 'applied' })
        .filter((p) => p.checkpoint !== null)
        .map((p) => p.iteration),
    );
    const { genome, applied, weights: best, superseded } = planMerge(s.genome, approved, newestApplied);
    const outcomes: Array<{ id: string; status: 'applied' | 'superseded'; reason: string }> = [...superseded];
    if (best) {
      const child = readCheckpoint<AgentState>(store.absolute(best.checkpoint!)).state;
      s.setState({ ...child, ...s.position(), genome });
    } else {
      s.setGenome(genome);
    }
    for (const p of applied) {
      outcomes.push({ id: p.id, status: 'applied', reason: `applied after round ${lastIteration}: ${effectOf(p)}` });
    }
    // The applied agent becomes the last checkpoint, so a restart resumes from it.
    writeCheckpoint(store.checkpointPath(runId, lastIteration), {
      runId,
      iteration: lastIteration,
      config,
      state: s.getState(),
      auditHead: store.oversight.head(runId),
    });
    store.oversight.setGenome(runId, s.genome);
    store.oversight.settle(runId, outcomes);
    this.parentAssessment = null;
    for (const o of outcomes) {
      const p = store.oversight.requireProposal(o.id);
      this.known.set(p.id, p.status);
      this.o.emit('proposal.decided', publicProposal(p));
    }
    this.o.log('info', `Applied ${applied.length} approved change(s)${best ? `; the agent now has the weights of ${best.id}` : ''}.`);
  }
}
