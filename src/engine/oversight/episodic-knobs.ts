/**
 * The proposer of a governed gridworld run: after a round it reads the agent's evaluation success rate against the
 * previous round's and proposes to move its knobs: exploration (A2C's entropy coefficient, Q-learning's final
 * epsilon) and its step size (A2C's optimiser learning rate, workflow.learningRate; Q-learning's alpha), x2 or x0.5;
 * its reward-shaping tool (recipe.shapingWeight, both: turned on, x2 while the goal is missed, x0.5 once every start
 * is solved) and Q-learning's replay memory (recipe.replay: turned on, x2 while the goal is missed); each naming the
 * monitor that triggered it. The loop then draws which are proposed (proposer.ts `choose`), as for the
 * other families. Nothing here proposes anything about the button, the whisky or the supervisor: the safety worlds'
 * rules are the task's, protected; what the gate watches is whether training (the model pathway) or a knob move
 * taught the agent to evade them (safety-evidence.ts).
 *
 * The bounds (EPISODIC_KNOB_BOUNDS) are checked again on every genome a proposal or an edit would make
 * (`episodicKnobIssues`): only the registry's tunable knobs of the run's algorithm (and A2C's learning rate) may move.
 */
import type { FieldIssue } from '../../shared/errors';
import type { Genome } from '../../shared/genome';
import { EVAL_SUCCESS_RATE } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import type { TunableKnob } from '../recipes/registry';
import type { Candidate } from '../core/ports';

/** The knobs of an episodic algorithm a proposal may move, with their bounds (inclusive). */
export const EPISODIC_KNOB_BOUNDS = {
  entropyCoef: { min: 1e-4, max: 0.5 },
  alpha: { min: 0.01, max: 1 },
  epsilonEnd: { min: 0, max: 0.5 },
  /** A2C's optimiser learning rate (genome.workflow.learningRate). */
  learningRate: { min: 1e-5, max: 0.1 },
  /** The potential-based shaping of the reward trained on (recipes/shaping.ts); 0 = off. */
  shapingWeight: { min: 0, max: 2 },
  /** Q-learning's replay memory, in moves (a whole number); 0 = off. */
  replay: { min: 0, max: 1024 },
} as const;
type Knob = keyof typeof EPISODIC_KNOB_BOUNDS;

/** Where the shaping weight and the replay memory start when a proposal turns them on. */
export const SHAPING_ON = 0.5;
export const REPLAY_ON = 64;

/** Evaluation success falling more than this since the previous round calls for smaller steps and more exploration. */
export const SUCCESS_FALL = 0.05;

const sig3 = (x: number) => Number(x.toPrecision(3));
const within = (knob: Knob, x: number) =>
  x >= EPISODIC_KNOB_BOUNDS[knob].min && x <= EPISODIC_KNOB_BOUNDS[knob].max && (knob !== 'replay' || Number.isInteger(x));

export interface EpisodicKnobInput {
  genome: Genome;
  tunable: readonly TunableKnob[];
  metrics: Metrics;
  previous: Metrics | null;
}

/** The knob moves the round's evaluation calls for (before the person's preferences are taken into account). */
export function episodicKnobCandidates(input: EpisodicKnobInput): Candidate[] {
  const recipe = input.genome.workflow.recipe as unknown as Record<string, number | string>;
  const success = input.metrics[EVAL_SUCCESS_RATE];
  const before = input.previous?.[EVAL_SUCCESS_RATE];
  const fell = success !== undefined && before !== undefined && success < before - SUCCESS_FALL;
  const solved = success !== undefined && success >= 1;
  const now = success === undefined ? 'not measured' : success.toFixed(2);
  const why = fell ? `evaluation success fell ${before!.toFixed(2)} -> ${now}` : `evaluation success ${now}${solved ? ' (every start solved)' : ''}`;
  const out: Candidate[] = [];
  const move = (knob: Knob, path: string, current: number, factor: number, candidate: Omit<Candidate, 'changes'>, to?: number) => {
    const after = to ?? sig3(current * factor);
    if (within(knob, after) && after !== current) out.push({ ...candidate, changes: [{ path, before: current, after }] });
  };
  const exploration = input.tunable.includes('entropyCoef') ? 'entropyCoef' : input.tunable.includes('epsilonEnd') ? 'epsilonEnd' : null;
  if (exploration) {
    const value = recipe[exploration] as number;
    const name = exploration === 'entropyCoef' ? 'entropy coefficient' : 'final exploration rate epsilon';
    // Once every start is solved, exploring less keeps the agent on its path; otherwise explore more to find the goal.
    if (solved)
      move(exploration, `workflow.recipe.${exploration}`, value, 0.5, {
        kind: 'workflow:lower-temperature',
        pathway: 'workflow',
        urgency: 0.4,
        rationale: `${why}: explore less, ${name} ${value} -> ${sig3(value * 0.5)} (x0.5).`,
      });
    else
      move(exploration, `workflow.recipe.${exploration}`, value, 2, {
        kind: 'workflow:raise-temperature',
        pathway: 'workflow',
        urgency: fell ? 0.7 : 0.5,
        rationale: `${why}: explore more, ${name} ${value} -> ${sig3(value * 2)} (x2).`,
      });
  }
  const step = input.tunable.includes('alpha') ? ('alpha' as const) : input.tunable.includes('entropyCoef') ? ('learningRate' as const) : null;
  if (step) {
    const value = step === 'alpha' ? (recipe.alpha as number) : input.genome.workflow.learningRate;
    const path = step === 'alpha' ? 'workflow.recipe.alpha' : 'workflow.learningRate';
    const name = step === 'alpha' ? 'step size alpha' : 'learning rate';
    if (fell)
      move(step, path, value, 0.5, {
        kind: 'workflow:lower-learning-rate',
        pathway: 'workflow',
        urgency: 0.8,
        rationale: `${why}: take smaller steps, ${name} ${value} -> ${sig3(value * 0.5)} (x0.5).`,
      });
    else if (!solved)
      move(step, path, value, 2, {
        kind: 'workflow:raise-learning-rate',
        pathway: 'workflow',
        urgency: 0.35,
        rationale: `${why}: try learning faster, ${name} ${value} -> ${sig3(value * 2)} (x2).`,
      });
  }
  if (input.tunable.includes('shapingWeight')) {
    const value = recipe.shapingWeight as number;
    const after = value === 0 ? SHAPING_ON : sig3(value * (solved ? 0.5 : 2));
    // Shaping guides the search towards the goal; once every start is solved, lean on it less.
    if (!solved || value > 0)
      move(
        'shapingWeight',
        'workflow.recipe.shapingWeight',
        value,
        1,
        {
          ...(solved ? { kind: 'workflow:less-shaping' as const } : { kind: 'workflow:more-shaping' as const }),
          pathway: 'workflow',
          urgency: 0.3,
          rationale: `${why}: ${solved ? 'lean less on' : 'be guided more by'} the distance to the goal, reward-shaping weight ${value} -> ${after}.`,
        },
        after,
      );
  }
  if (input.tunable.includes('replay') && !solved) {
    const value = recipe.replay as number;
    const after = value === 0 ? REPLAY_ON : value * 2;
    move(
      'replay',
      'workflow.recipe.replay',
      value,
      1,
      {
        kind: 'memory:more-replay',
        pathway: 'memory',
        urgency: 0.3,
        rationale: `${why}: learn more from each move, replay memory ${value} -> ${after} moves.`,
      },
      after,
    );
  }
  return out;
}

/**
 * What of a gridworld agent's genome is out of bounds, naming each field: a knob outside its bounds; a field of the
 * algorithm that is not a knob, or another algorithm; text memory or tools, which a gridworld agent has not.
 */
export function episodicKnobIssues(genome: Genome, initial: Genome, tunable: readonly TunableKnob[]): FieldIssue[] {
  const recipe = genome.workflow.recipe as unknown as Record<string, unknown>;
  const base = initial.workflow.recipe as unknown as Record<string, unknown>;
  if (recipe.kind !== base.kind)
    return [{ path: 'workflow.recipe.kind', message: `the run's algorithm is "${String(base.kind)}"; a proposal may move its knobs, not replace it` }];
  const issues: FieldIssue[] = [];
  const bounds = (path: string, knob: Knob, value: unknown) => {
    const b = EPISODIC_KNOB_BOUNDS[knob];
    if (typeof value !== 'number' || !within(knob, value))
      issues.push({
        path,
        message: `${String(value)} is outside the knob's bounds: ${knob === 'replay' ? 'a whole number of moves ' : ''}from ${b.min} to ${b.max}`,
      });
  };
  for (const [field, value] of Object.entries(recipe)) {
    if (field in EPISODIC_KNOB_BOUNDS && tunable.includes(field as TunableKnob)) bounds(`workflow.recipe.${field}`, field as Knob, value);
    else if (JSON.stringify(value) !== JSON.stringify(base[field]))
      issues.push({
        path: `workflow.recipe.${field}`,
        message: `not a knob of this algorithm (only ${tunable.join(', ')} may change); it stays ${JSON.stringify(base[field])}`,
      });
  }
  if (genome.workflow.learningRate !== initial.workflow.learningRate) {
    if (tunable.includes('entropyCoef')) bounds('workflow.learningRate', 'learningRate', genome.workflow.learningRate);
    else issues.push({ path: 'workflow.learningRate', message: `${String(base.kind)} trains no network; its step size is workflow.recipe.alpha` });
  }
  if (genome.memory.entries.length > 0 || genome.memory.replayShare !== initial.memory.replayShare)
    issues.push({ path: 'memory', message: 'a gridworld agent has no text memory' });
  if (genome.tools.length > 0) issues.push({ path: 'tools', message: 'a gridworld agent has no tools' });
  return issues;
}
