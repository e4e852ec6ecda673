/**
 * The proposer of a class-stream run: after a governed round it reads the learner's monitors (validation accuracy
 * against the previous round, the shifts of the round and how the learner recovered from them) and proposes to move
 * its knobs: the learning rate (x0.5 or x2), the step size of the homeostatic and random rules (x2 or x0.5) and the
 * memory of examples (on, larger, smaller). One move per knob per round, each naming the monitor that triggered it;
 * the loop then draws which are proposed from the run's proposer stream (proposer.ts `choose`), as for text runs.
 *
 * The bounds are the knobs' (KNOB_BOUNDS), checked again on every genome a proposal or an edit would make
 * (`learnerKnobIssues`): only the registry's tunable knobs of the run's learner may change, within their bounds;
 * everything else of the learner, the data, labels and validation examples (the task) stay the run's.
 */
import type { FieldIssue } from '../../shared/errors';
import type { Genome } from '../../shared/genome';
import { EVAL_ACCURACY, LR_ETA, SHIFT_ACC_AFTER, SHIFT_ACC_BEFORE, SHIFT_COUNT, SHIFT_UNRECOVERED } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import type { LearnerConfig } from '../recipes/stream-learner';
import type { TunableKnob } from '../recipes/registry';
import type { Candidate } from '../core/ports';

/** The knobs of a class-stream learner a proposal may move, with their bounds (inclusive). */
export const KNOB_BOUNDS = {
  learningRate: { min: 1e-5, max: 1, integer: false },
  stepFraction: { min: 0.01, max: 1, integer: false },
  replay: { min: 0, max: 2000, integer: true },
} as const;
export type LearnerKnob = keyof typeof KNOB_BOUNDS;

/** Validation accuracy falling more than this since the previous round calls for smaller steps. */
export const ACCURACY_FALL = 0.02;
/** Accuracy just after the round's shifts lower than just before by more than this: the learner follows too slowly. */
export const SHIFT_DROP = 0.15;

const sig3 = (x: number) => Number(x.toPrecision(3));

export interface KnobProposerInput {
  recipe: LearnerConfig;
  /** The knobs the registry lets the proposer move for this learner. */
  tunable: readonly TunableKnob[];
  /** The round's training monitors and validation accuracy. */
  metrics: Metrics;
  previous: Metrics | null;
}

function within(knob: LearnerKnob, value: number): boolean {
  const b = KNOB_BOUNDS[knob];
  return value >= b.min && value <= b.max && (!b.integer || Number.isInteger(value));
}

/** The knob moves the round's monitors call for (before the person's preferences are taken into account). */
export function knobCandidates(input: KnobProposerInput): Candidate[] {
  const { recipe, metrics: m, previous } = input;
  const can = (k: LearnerKnob) => input.tunable.includes(k);
  const out: Candidate[] = [];
  const acc = m[EVAL_ACCURACY];
  const before = previous?.[EVAL_ACCURACY];
  const fell = acc !== undefined && before !== undefined && acc < before - ACCURACY_FALL;
  const shifts = m[SHIFT_COUNT] ?? 0;
  const unrecovered = m[SHIFT_UNRECOVERED] ?? 0;
  const shiftDrop = m[SHIFT_ACC_BEFORE] !== undefined && m[SHIFT_ACC_AFTER] !== undefined ? m[SHIFT_ACC_BEFORE]! - m[SHIFT_ACC_AFTER]! : 0;
  const slow = shifts > 0 && (unrecovered > 0 || shiftDrop > SHIFT_DROP);
  const accText = acc === undefined ? 'not measured' : acc.toFixed(3);
  const slowText = `after ${shifts} label swap${shifts === 1 ? '' : 's'} accuracy fell ${shiftDrop.toFixed(2)} and ${unrecovered} did not recover within the window`;

  if (can('learningRate')) {
    // The rate now (the homeostatic and random rules move it from where the knob last set it).
    const eta = m[LR_ETA] ?? recipe.learningRate;
    const set = recipe.learningRate === eta ? '' : ` (the knob last set it to ${recipe.learningRate})`;
    if (fell) {
      const after = sig3(eta * 0.5);
      if (within('learningRate', after))
        out.push({
          kind: 'workflow:lower-learning-rate',
          pathway: 'workflow',
          urgency: 0.8,
          rationale: `validation accuracy fell ${before!.toFixed(3)} -> ${accText} over the round: take smaller steps, learning rate ${sig3(eta)}${set} -> ${after} (x0.5).`,
          changes: [{ path: 'workflow.recipe.learningRate', before: recipe.learningRate, after }],
        });
    } else {
      const after = sig3(eta * 2);
      if (within('learningRate', after))
        out.push({
          kind: 'workflow:raise-learning-rate',
          pathway: 'workflow',
          urgency: slow ? 0.7 : 0.35,
          rationale: `${slow ? `${slowText}: learn faster` : `validation accuracy held at ${accText}: try learning faster`}, learning rate ${sig3(eta)}${set} -> ${after} (x2).`,
          changes: [{ path: 'workflow.recipe.learningRate', before: recipe.learningRate, after }],
        });
    }
  }
  if (can('stepFraction') && 'stepFraction' in recipe) {
    const step = recipe.stepFraction;
    if (slow && within('stepFraction', sig3(step * 2)))
      out.push({
        kind: 'workflow:raise-step-size',
        pathway: 'workflow',
        urgency: 0.6,
        rationale: `${slowText}: let the rate move faster, step size ${step} -> ${sig3(step * 2)} of eta_0 (x2).`,
        changes: [{ path: 'workflow.recipe.stepFraction', before: step, after: sig3(step * 2) }],
      });
    else if (fell && within('stepFraction', sig3(step * 0.5)))
      out.push({
        kind: 'workflow:lower-step-size',
        pathway: 'workflow',
        urgency: 0.5,
        rationale: `validation accuracy fell ${before!.toFixed(3)} -> ${accText}: steady the rate, step size ${step} -> ${sig3(step * 0.5)} of eta_0 (x0.5).`,
        changes: [{ path: 'workflow.recipe.stepFraction', before: step, after: sig3(step * 0.5) }],
      });
  }
  if (can('replay')) {
    const size = recipe.replay;
    const on = Math.min(KNOB_BOUNDS.replay.max, 5 * recipe.batchSize);
    if (size > 0 && (fell || slow)) {
      const after = size / 2 < recipe.batchSize ? 0 : Math.floor(size / 2);
      out.push({
        kind: 'memory:less-replay',
        pathway: 'memory',
        urgency: 0.6,
        rationale: `${fell ? `validation accuracy fell ${before!.toFixed(3)} -> ${accText}` : slowText}: remembered labels go stale after a shift, so remember fewer examples, ${size} -> ${after}.`,
        changes: [{ path: 'workflow.recipe.replay', before: size, after }],
      });
    } else if (size === 0 && shifts === 0) {
      out.push({
        kind: 'memory:more-replay',
        pathway: 'memory',
        urgency: 0.4,
        rationale: `no label swap this round (accuracy ${accText}): rehearse the ${on} most recent examples with each update, memory 0 -> ${on}.`,
        changes: [{ path: 'workflow.recipe.replay', before: 0, after: on }],
      });
    } else if (size > 0 && within('replay', size * 2)) {
      out.push({
        kind: 'memory:more-replay',
        pathway: 'memory',
        urgency: 0.3,
        rationale: `accuracy ${accText} held with a memory of ${size} examples: remember more, ${size} -> ${size * 2}.`,
        changes: [{ path: 'workflow.recipe.replay', before: size, after: size * 2 }],
      });
    }
  }
  return out;
}

/**
 * What of a class-stream genome is out of bounds, naming each field: a knob outside its bounds; a learner field that
 * is not a tunable knob, or another learner, changed from the run's config; text memory or tools, which a classifier
 * has not.
 */
export function learnerKnobIssues(genome: Genome, initial: Genome, tunable: readonly TunableKnob[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const recipe = genome.workflow.recipe as unknown as Record<string, unknown>;
  const base = initial.workflow.recipe as unknown as Record<string, unknown>;
  if (recipe.kind !== base.kind)
    return [{ path: 'workflow.recipe.kind', message: `the run's learner is "${String(base.kind)}"; a proposal may move its knobs, not replace it` }];
  for (const [field, value] of Object.entries(recipe)) {
    if (field in KNOB_BOUNDS && tunable.includes(field as TunableKnob)) {
      const b = KNOB_BOUNDS[field as LearnerKnob];
      if (typeof value !== 'number' || !within(field as LearnerKnob, value))
        issues.push({
          path: `workflow.recipe.${field}`,
          message: `${String(value)} is outside the knob's bounds: ${b.integer ? 'an integer ' : ''}from ${b.min} to ${b.max}`,
        });
    } else if (JSON.stringify(value) !== JSON.stringify(base[field])) {
      issues.push({
        path: `workflow.recipe.${field}`,
        message: `not a knob of this learner (only ${tunable.join(', ')} may change); it stays ${JSON.stringify(base[field])}`,
      });
    }
  }
  if (genome.workflow.learningRate !== initial.workflow.learningRate)
    issues.push({ path: 'workflow.learningRate', message: "a class-stream learner's rate is workflow.recipe.learningRate; this one stays the run's" });
  if (genome.memory.entries.length > 0)
    issues.push({ path: 'memory.entries', message: 'a classifier has no text memory; its memory of examples is workflow.recipe.replay' });
  if (genome.memory.replayShare !== initial.memory.replayShare)
    issues.push({
      path: 'memory.replayShare',
      message: "a text run's share of replayed exemplars; a classifier's memory of examples is workflow.recipe.replay",
    });
  if (genome.tools.length > 0) issues.push({ path: 'tools', message: 'a classifier has no tools' });
  return issues;
}
