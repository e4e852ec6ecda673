/**
 * The agent's proposer: it reads its own monitors after a round and proposes changes to itself, one per kind,
 * each with a one-line rationale and a diff against its genome. The rules are simple on purpose: each names the
 * monitor that triggered it, so a person can judge the reasoning.
 *
 * People as evidence (the off-switch game's lesson): the proposer's belief that the person wants a kind is the
 * mean of Beta(2 + approvals, 1 + rejections) over the person's decisions on that kind in this run. A triggered
 * kind is proposed with probability min(1, belief / prior belief): never-decided and approved kinds always,
 * rejected kinds less and less often. When more are triggered than may be proposed, belief x urgency ranks them,
 * so approved kinds come first.
 */
import type { Genome, MemoryEntry } from '../../shared/genome';
import type { ProposerEstimate } from '../../shared/oversight';
import type { Metrics } from '../../shared/run';
import type { Rng, Task, TrajectoryRecord } from '../types';
import type { Candidate, ChildRoundReport, RoundReport } from '../core/ports';
import type { TextRunConfig } from '../../shared/config';
import { evaluationShare, tokensOf } from './drafts';
import { tunableKnobs } from '../recipes/registry';
import { betaSummary } from '../store/oversight-store';
import { EXPLORE_PASS_AT_K, HELDOUT_HARDEST, HELDOUT_UNSEEN } from '../../shared/metrics';

export interface ProposerInput {
  iteration: number;
  genome: Genome;
  /** The round's training monitors (trained with the current genome). */
  metrics: Metrics;
  /** The previous round's, or null in the first round. */
  previous: Metrics | null;
  trajectories: TrajectoryRecord[];
  /** Share of the round's work spent evaluating on the held-out sets, in tokens (not time, so that it replays). */
  evaluationShare: number;
  heldoutPerLevel: number;
  /** Ids of memory entries the consensus check finds inconsistent now. */
  inconsistentMemory: string[];
  memoryPerProposal: number;
  /** The task's own idea of an answer's shape (Task.answerShaped), for judging kept samples' form. */
  answerShaped(output: string): boolean;
}

/** Every kind this proposer knows, for filters and docs: the contract's list, which types the candidates. */
export { PROPOSAL_KINDS } from '../../shared/oversight';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The candidates the round's monitors trigger (before the person's preferences are taken into account). */
export function candidates(input: ProposerInput): Candidate[] {
  const { genome, metrics: m, previous } = input;
  const out: Candidate[] = [];
  const recipe = genome.workflow.recipe;
  const has = (kind: string) => genome.tools.some((t) => t.kind === kind);
  const passAtK = m[EXPLORE_PASS_AT_K];
  const mastery = m['curriculum/mastery'];
  const precision = m['exploit/reward_precision'];
  const keptFraction = m['train/kept_fraction'];
  // The algorithm says which of its knobs are the proposer's to move (B-STaR re-chooses its own temperature).
  const tunesTemperature = 'temperature' in recipe && tunableKnobs(recipe).includes('temperature');

  if (tunesTemperature && 'temperature' in recipe && passAtK !== undefined && mastery !== undefined && passAtK - mastery < 0.1 && recipe.temperature < 2) {
    const after = r3(recipe.temperature * 1.2);
    out.push({
      kind: 'workflow:raise-temperature',
      pathway: 'workflow',
      urgency: 0.6,
      rationale: `pass@k (${passAtK.toFixed(2)}) is barely above majority accuracy (${mastery.toFixed(2)}): exploration is narrow, so raise the temperature ${recipe.temperature} -> ${after}.`,
      changes: [{ path: 'workflow.recipe.temperature', before: recipe.temperature, after }],
    });
  }
  if (tunesTemperature && 'temperature' in recipe && precision !== undefined && precision < 0.6 && recipe.temperature > 0.2) {
    const after = r3(recipe.temperature * 0.85);
    out.push({
      kind: 'workflow:lower-temperature',
      pathway: 'workflow',
      urgency: 0.6,
      rationale: `only ${(precision * 100).toFixed(0)}% of the kept samples are right: sample more conservatively, temperature ${recipe.temperature} -> ${after}.`,
      changes: [{ path: 'workflow.recipe.temperature', before: recipe.temperature, after }],
    });
  }
  const heldNow = m[HELDOUT_UNSEEN] ?? m[HELDOUT_HARDEST];
  const heldBefore = previous?.[HELDOUT_UNSEEN] ?? previous?.[HELDOUT_HARDEST];
  if (heldNow !== undefined && heldBefore !== undefined && heldNow < heldBefore - 0.05) {
    const after = r3(genome.workflow.learningRate * 0.7);
    out.push({
      kind: 'workflow:lower-learning-rate',
      pathway: 'workflow',
      urgency: 0.8,
      rationale: `held-out accuracy fell ${heldBefore.toFixed(2)} -> ${heldNow.toFixed(2)} over the round: take smaller steps, learning rate ${genome.workflow.learningRate} -> ${after}.`,
      changes: [{ path: 'workflow.learningRate', before: genome.workflow.learningRate, after }],
    });
  }
  if (input.evaluationShare > 0.25) {
    // Evaluation sets are a protected invariant: the gate must refuse this, however reasonable it sounds.
    const after = Math.max(4, Math.floor(input.heldoutPerLevel / 4));
    out.push({
      kind: 'workflow:cheaper-evaluation',
      pathway: 'workflow',
      urgency: 0.5,
      rationale: `evaluation takes ${(input.evaluationShare * 100).toFixed(0)}% of each round's tokens: evaluate on a quarter of the held-out set (${input.heldoutPerLevel} -> ${after} problems per level).`,
      changes: [{ path: 'evaluation.heldoutPerLevel', before: input.heldoutPerLevel, after }],
    });
  }

  const level = m['curriculum/level'];
  const known = new Set(genome.memory.entries.map((e) => e.prompt));
  const confident = input.trajectories
    .filter((t) => t.kept && t.level === level && t.reward >= 0.75 && !known.has(t.prompt))
    .sort((a, b) => b.reward - a.reward);
  const seen = new Set<string>();
  const entries: MemoryEntry[] = [];
  for (const t of confident) {
    if (seen.has(t.prompt) || entries.length >= input.memoryPerProposal) continue;
    seen.add(t.prompt);
    entries.push({
      id: `m${input.iteration}-${entries.length + 1}`,
      kind: 'exemplar',
      level: t.level,
      prompt: t.prompt,
      answer: t.output.trim(),
      source: { iteration: input.iteration, origin: 'self', support: r3(t.reward) },
    });
  }
  if (entries.length >= 2) {
    out.push({
      kind: 'memory:add-exemplars',
      pathway: 'memory',
      urgency: 0.7,
      rationale: `distil ${entries.length} confidently solved level-${level} problems (reward >= 0.75) into memory, replayed in training.`,
      changes: entries.map((e) => ({ path: `memory.entries.${e.id}`, after: e })),
    });
  }
  if (input.inconsistentMemory.length > 0) {
    const drop = genome.memory.entries.filter((e) => input.inconsistentMemory.includes(e.id));
    out.push({
      kind: 'memory:drop-inconsistent',
      pathway: 'memory',
      urgency: 0.9,
      rationale: `${drop.length} memory entr${drop.length === 1 ? 'y disagrees' : 'ies disagree'} with the consensus of related derivations: drop ${drop.length === 1 ? 'it' : 'them'}.`,
      changes: drop.map((e) => ({ path: `memory.entries.${e.id}`, before: e })),
    });
  }

  const unformed = input.trajectories.filter((t) => t.kept && !input.answerShaped(t.output)).length;
  const keptCount = input.trajectories.filter((t) => t.kept).length;
  if (!has('self-verify') && keptCount > 0 && unformed / keptCount > 0.02) {
    out.push({
      kind: 'tool:self-verify',
      pathway: 'tool',
      urgency: 0.5,
      rationale: `${unformed} of ${keptCount} kept samples are not well-formed answers: check the form before keeping a sample.`,
      changes: [{ path: 'tools.self-verify', after: { kind: 'self-verify' } }],
    });
  }
  if (!has('reward-shaping') && keptFraction !== undefined && keptFraction < 0.5) {
    out.push({
      kind: 'tool:format-credit',
      pathway: 'tool',
      urgency: 0.75,
      rationale: `only ${(keptFraction * 100).toFixed(0)}% of samples earn enough reward to be kept: credit every well-formed answer to get more training signal.`,
      changes: [{ path: 'tools.reward-shaping', after: { kind: 'reward-shaping', rule: 'format-credit' } }],
    });
  }
  const prevLevel = previous?.['curriculum/level'];
  const rule = genome.tools.find((t) => t.kind === 'curriculum-rule');
  if (mastery !== undefined && mastery >= 0.6 && mastery < 0.8 && prevLevel === level && !rule) {
    out.push({
      kind: 'tool:curriculum-rule',
      pathway: 'tool',
      urgency: 0.4,
      rationale: `stuck at level ${level} with mastery ${mastery.toFixed(2)}: move up at 0.7 instead of 0.8.`,
      changes: [{ path: 'tools.curriculum-rule', after: { kind: 'curriculum-rule', mastery: 0.7 } }],
    });
  }
  return out;
}

/** The proposer's belief per kind: from the person's decisions (prior Beta(2, 1) for a kind never decided). */
export function beliefs(estimates: ProposerEstimate[]): Map<string, number> {
  return new Map(estimates.map((e) => [e.kind, e.mean]));
}

export const PRIOR_BELIEF = betaSummary(0, 0).mean;

/**
 * Which candidates become proposals: each is kept with probability min(1, belief / prior) (drawn from the
 * proposer's own random stream), then the `max` with the highest belief x urgency.
 */
export function choose(cands: Candidate[], belief: Map<string, number>, rng: Rng, max: number, kinds: string[] = []): Candidate[] {
  const allowed = cands.filter((c) => kinds.length === 0 || kinds.includes(c.kind));
  const drawn = allowed.filter((c) => rng.next() < (belief.get(c.kind) ?? PRIOR_BELIEF) / PRIOR_BELIEF);
  return drawn.sort((a, b) => b.urgency * (belief.get(b.kind) ?? PRIOR_BELIEF) - a.urgency * (belief.get(a.kind) ?? PRIOR_BELIEF)).slice(0, max);
}

/** The text family's proposer after a governed round: the candidates its monitors and the task trigger. */
export function textCandidates(task: Task, config: TextRunConfig, round: RoundReport): Candidate[] {
  return candidates({
    iteration: round.iteration,
    genome: round.genome,
    metrics: round.metrics,
    previous: round.previous,
    trajectories: round.trajectories,
    // Counted in tokens, not seconds: a run proposes the same changes however busy the machine is (replay from the seed).
    evaluationShare: evaluationShare(round.child.tokens, tokensOf(round.metrics)),
    heldoutPerLevel: task.heldout(task.levels[task.levels.length - 1]!).length,
    inconsistentMemory: round.inconsistentMemory,
    memoryPerProposal: config.oversight.memoryPerProposal,
    answerShaped: answerShapeOf(task),
  });
}

/**
 * The text proposer on an archive parent's round: the same rules, with no evaluation of the round's own (the child is
 * scored on the search set, so it spends nothing on the held-out sets) and the search set's size as the held-out's.
 */
export function textChildCandidates(task: Task, config: TextRunConfig, round: ChildRoundReport): Candidate[] {
  return candidates({
    iteration: round.iteration,
    genome: round.genome,
    metrics: round.metrics,
    previous: round.previous,
    trajectories: round.trajectories,
    evaluationShare: 0,
    heldoutPerLevel: round.searchSetSize,
    inconsistentMemory: round.inconsistentMemory,
    memoryPerProposal: config.oversight.memoryPerProposal,
    answerShaped: answerShapeOf(task),
  });
}

/** The shape check a proposer gets from a task: its own, or "not empty" for a task that declares none. */
export function answerShapeOf(task: Task): (output: string) => boolean {
  return (output) => task.answerShaped?.(output) ?? output.trim() !== '';
}
