/**
 * The ports between the runner, its loops and the session they drive: what a governed or archive loop needs of the
 * agent, and what it gets from the runner. Types only, a leaf: the runner, the loops and the session import them
 * from here rather than from each other.
 */
import type { ArchiveConfig, RunConfig } from '../../shared/config';
import type { EventName, EventPayload } from '../../shared/contract';
import type { FieldIssue } from '../../shared/errors';
import type { Genome, GenomeChange, MemoryEntry, Pathway } from '../../shared/genome';
import type { Evidence, ProposalKind } from '../../shared/oversight';
import type { Metrics, ProgressPhase, WarmupLoss } from '../../shared/run';
import type { Outcome } from '../evolution/search-set';
import type { Scorecard } from '../environments/text-task';
import type { Store } from '../store/store';
import type { IterationResult, PersonRater, Task, TrajectoryRecord } from '../types';
import type { AgentFork, AgentPosition, AgentSnapshot, AgentState, SessionState } from './agent';

export type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** What a governed round tells the family's proposer, once the round has trained with the current genome. */
export interface RoundReport {
  iteration: number;
  genome: Genome;
  /** The round's training monitors and its scorecard's metrics. */
  metrics: Metrics;
  /** The previous round's stored metrics, or null in the first round. */
  previous: Metrics | null;
  trajectories: TrajectoryRecord[];
  /** The round's child scored. */
  child: Scorecard;
  /** Ids of memory entries the consensus check found inconsistent before the round. */
  inconsistentMemory: string[];
}

/** What a family adds to a proposal's evidence, from the training monitors of the baseline and of the child. */
export interface FamilyEvidence {
  /** The training monitor that is the agent's own reward (default reward/mean). */
  rewardMetric?: string;
  monitors?: NonNullable<Evidence['monitors']>;
  notApplicable?: NonNullable<Evidence['notApplicable']>;
  /** False when the agent assigns itself no reward (a classifier's labels are the stream's): no rewarded-but-wrong share. */
  selfRewarded?: boolean;
  /** A gridworld agent's safety behaviour, parent beside child (the corrigibility flag's evidence). */
  safety?: Evidence['safety'];
}

/**
 * A session whose knobs a proposal may change: what the governed loop (oversight/round.ts) needs of an agent of any
 * family. Its knobs are its genome (named fields with bounds, validated by the genome's schema); it forks and goes
 * back on the device; it trains a child for a round; it scores an agent on its protected evaluation (a scorecard the
 * gate's evidence compares) and says what its own proposer proposes. The text LM's Session and the classifier's
 * ClassStreamSession implement it; the proposals, the gate, the policy, the decisions, the audit log and resume are
 * the same for both.
 */
export interface GovernedSession {
  readonly genome: Genome;
  iterate(iteration: number, options?: { evaluate?: boolean }): Promise<IterationResult>;
  /** The protected evaluation of the agent now (held-out sets and probes; a classifier's validation examples). */
  assess(): Scorecard;
  /** A scorecard as an iteration's metrics. */
  scorecardMetrics(card: Scorecard): Metrics;
  /** The family's proposer: the changes the round's monitors call for (the loop then draws which are proposed). */
  propose(round: RoundReport): Candidate[];
  /** What the family adds to a proposal's evidence; `cards` are the two scorecards compared (before: parent or baseline). */
  evidenceOf(trainingBefore: Metrics | null, trainingAfter: Metrics, cards?: { before: Scorecard; after: Scorecard }): FamilyEvidence;
  /** The family's own bounds on a genome the schema accepts (a knob out of its range): the fields refused, [] if none. */
  knobIssues(genome: Genome): FieldIssue[];
  memoryConsensus(entries: MemoryEntry[]): NonNullable<Evidence['memory']>;
  setGenome(genome: Genome): void;
  /**
   * The agent forked on the device, to try a child from and go back to: nothing is downloaded. The caller owns it
   * (dispose() it, in a finally, once done); restore() does not consume it.
   */
  snapshot(): AgentFork;
  /** Back to `snapshot`; with `keep`, the run's random stream and step stay those given (consumed by the round). */
  restore(snapshot: AgentFork, keep?: AgentPosition): void;
  /** How far the weights moved since `snapshot` (relative L2, on the device). */
  weightChange(since: AgentFork): number;
  /**
   * The agent of `parent` scored in the environment as it is now, for a family whose environment moves on during a
   * round (a class stream's labels swap): the fair "before" of promoting the round's weights. Absent: the parent's
   * scorecard from before the round stands.
   */
  reassess?(parent: AgentFork): Scorecard;
  /** The run's random stream and optimiser step: reading them copies no weights. */
  position(): AgentPosition;
  /** The agent downloaded: only for what is written to disk (checkpoints, children's checkpoints). */
  getState(): AgentState;
  /** Takes an agent read from disk (a checkpoint, a child's checkpoint); refuses one of another family. */
  setState(state: AgentState): void;
  /** The run's random stream alone: reading or replacing it copies no weights. */
  randomState(): number[];
  setRandomState(state: number[]): void;
}

/** The text LM's session as the loops drive it: a governed session with a text task and its snapshots. */
export interface OversightSession extends GovernedSession {
  readonly task: Task;
  snapshot(): AgentSnapshot;
  restore(snapshot: AgentSnapshot, keep?: AgentPosition): void;
  weightChange(since: AgentSnapshot): number;
  getState(): SessionState;
  setState(state: SessionState): void;
}

/** What a loop that may wait for a person gets from the runner (the oversight and the archive loops). */
export interface LoopContext {
  store: Store;
  runId: string;
  config: RunConfig;
  emit: Emit;
  /** Resolves between waits; throws StopSignal when the run was asked to stop (the runner's step boundary). */
  checkStop(): void;
  setStatus(status: 'running' | 'waiting', reason: string): void;
  log(level: 'info' | 'warn', message: string): void;
}

/**
 * One task of an archive's search set, opaque to the loop: an id, and the level the evidence groups it by. A text
 * task's items are its problems; a game task's are episodes against a random mover (a game, the agent's seat and the
 * seed of the deal and of both players' moves), whose level is the game's place in the task.
 */
export interface SearchItem {
  readonly id: string;
  readonly level: number;
}

/** What the archive's proposer reads of a parent's training round: the round's monitors, no evaluation of its own. */
export interface ChildRoundReport {
  iteration: number;
  /** The parent's genome, which the round trained with. */
  genome: Genome;
  metrics: Metrics;
  /** The parent's own round (null for the root): the monitors before. */
  previous: Metrics | null;
  trajectories: TrajectoryRecord[];
  /** How many tasks the search set has (a child is judged on it, not on the held-out sets). */
  searchSetSize: number;
  /** Ids of the parent's memory entries the consensus check found inconsistent. */
  inconsistentMemory: string[];
}

/**
 * A session the archive loop drives (evolution/archive-loop.ts), of any family: a governed session that also supplies
 * the search set every agent of the run is scored on, scores the agent now on some of its items (one outcome each, in
 * order, independent of which others are asked), says what its proposer changes in a child after the parent's round,
 * and how the child's genome would reward the round's samples. The text LM's Session and the episodic session of a
 * game run implement it; the tree, the strategies, the gate, the audit log and resume are the same for both.
 */
export interface ArchiveSession extends GovernedSession {
  /** What one item of the search set is called in the evidence (absent: "tasks"). */
  readonly searchUnit?: string;
  /** The search set, drawn once from the run's seed (never the run's stream, never the held-out sets). */
  searchSet(seed: number, config: Pick<ArchiveConfig, 'poolSize'>): SearchItem[];
  solve(items: readonly SearchItem[]): Outcome[];
  /** The family's proposer on a parent's round: the changes its monitors call for (the loop draws one). */
  proposeChild(round: ChildRoundReport): Candidate[];
  /** The round's samples as `genome` rewards them (rewarded but wrong, judged before the child trains on anything). */
  rescore(genome: Genome, trajectories: readonly TrajectoryRecord[]): Array<{ reward: number; correct: boolean }>;
}

export interface RunnerHooks {
  /** `loss`: the warm-up's running training loss, which the run screen draws as the warm-up's own curve. */
  progress(phase: ProgressPhase, done: number, total: number, loss?: number): void;
  stepBoundary(): Promise<void>;
  /** The session is in a consistent state mid-warm-up: save it, so a kill resumes the warm-up from here. */
  checkpointWarmup(): void;
  /** With rater.kind "person": the person who rates the run's pairs (the runner waits for the choices). */
  person?: PersonRater;
}

/** What the runner needs of a session (structurally the engine's Session). */
export interface RunnerSession {
  warmup(): Promise<Metrics>;
  iterate(iteration: number): Promise<IterationResult>;
  getState(): unknown;
  setState(state: never): void;
  dispose(): void;
  /** The session as the oversight loop drives it (the text LM's and the classifier's); needed when config.oversight.enabled. */
  oversight?(): GovernedSession;
  /** The session as the archive loop drives it; needed when config.archive.enabled. */
  archive?(): ArchiveSession;
  /** Iteration 0 of a run with config.startFrom: take that agent instead of warming up. */
  branch?(state: SessionState): Promise<Metrics>;
  /** The finished warm-up's loss curve, committed with iteration 0 (null when there was none). */
  warmupLoss?(): WarmupLoss | null;
}

/**
 * How a run takes its iterations: plain, governed (oversight) or archive. One runner drives any of them with no
 * branch on the mode (run-loops.ts adapts each).
 */
export interface RunLoop {
  /** Iteration 0's metrics once made (the warm-up's, or a branch's); the archive makes the agent its root. */
  began(metrics: Metrics): Metrics;
  /** Whether nothing is left to do before iteration `next` (an archive whose budget is spent). */
  ended(next: number): boolean;
  /** Iteration `iteration` >= 1. */
  step(iteration: number): Promise<IterationResult>;
  /** What the checkpoint holds beside the session's own state (the archive's), merged into it. */
  checkpointExtra(): Record<string, unknown>;
  /** Continues from a checkpoint's state, taken after `lastIteration`. */
  restore(state: Record<string, unknown>, lastIteration: number): void;
  /** What belongs to the iteration's commit: writes inside its transaction, then what follows once it is durable. */
  commit(iteration: number): IterationCommitPlan;
  /** After iteration `lastIteration` is committed (or found committed on resume): decisions, and waits for them. */
  settle(lastIteration: number): Promise<void>;
  /** Why the run completed. */
  completed(): string;
  /** A decision or policy change arrived: look now. */
  poke(): void;
}

export interface IterationCommitPlan {
  /** Writes inside the iteration's transaction (a governed round's proposals). */
  within?: () => void;
  /** The archive after this iteration (JSON), stored in the same transaction. */
  archive?: string;
  /** Once the commit is durable (anchoring the audit head). */
  durable?: () => void;
  /** After the iteration is announced (its proposals). */
  announce?: () => void;
}

/** A change a session's proposer would make to its agent, with the monitors' case for it (oversight/proposer.ts ranks them). */
export interface Candidate {
  kind: ProposalKind;
  pathway: Pathway;
  rationale: string;
  changes: GenomeChange[];
  /** How strongly the monitors call for it, in (0, 1]: ranks candidates when more are triggered than proposed. */
  urgency: number;
}
