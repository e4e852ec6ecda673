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
 * The proposer of a game agent (SPIRAL, recipes/spiral.ts; an archive run's children) reads its training round's
 * monitors against its parent's round instead: the win rate against the random mover, the entropy of its moves, its
 * training return and the share of moves that carried an advantage (`spiralKnobCandidates`).
 *
 * The bounds (EPISODIC_KNOB_BOUNDS, SPIRAL's own in SPIRAL_KNOB_BOUNDS) are checked again on every genome a proposal or
 * an edit would make (`episodicKnobIssues`): only the registry's tunable knobs of the run's algorithm (and A2C's or
 * SPIRAL's learning rate) may move.
 */
import type { FieldIssue } from '../../shared/errors';
import type { Genome } from '../../shared/genome';
import { EVAL_SUCCESS_RATE, REWARD_MEAN, SPIRAL_KEPT } from '../../shared/metrics';
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

/**
 * SPIRAL's knobs: its entropy bonus starts at 0 (SPIRAL has none) and may be turned on; the baselines' EMA decay; the
 * games played per update (a whole number). Its learning rate is the genome's, bounded as A2C's.
 */
export const SPIRAL_KNOB_BOUNDS = {
  entropyCoef: { min: 0, max: 0.5 },
  baselineDecay: { min: 0.5, max: 0.99 },
  gamesPerIteration: { min: 8, max: 1024 },
} as const;
type Knob = keyof typeof EPISODIC_KNOB_BOUNDS | keyof typeof SPIRAL_KNOB_BOUNDS;
type Bounds = Partial<Record<Knob, { min: number; max: number }>>;
const INTEGER_KNOBS: readonly Knob[] = ['replay', 'gamesPerIteration'];
/** The bounds of the knobs of algorithm `kind`. */
export function knobBounds(kind: string): Bounds {
  return kind === 'spiral' ? { ...EPISODIC_KNOB_BOUNDS, ...SPIRAL_KNOB_BOUNDS } : EPISODIC_KNOB_BOUNDS;
}

/** Where the shaping weight and the replay memory start when a proposal turns them on. */
export const SHAPING_ON = 0.5;
export const REPLAY_ON = 64;

/** Evaluation success falling more than this since the previous round calls for smaller steps and more exploration. */
export const SUCCESS_FALL = 0.05;

const sig3 = (x: number) => Number(x.toPrecision(3));
const withinOf = (bounds: Bounds) => (knob: Knob, x: number) => {
  const b = bounds[knob];
  return b !== undefined && x >= b.min && x <= b.max && (!INTEGER_KNOBS.includes(knob) || Number.isInteger(x));
};
const within = withinOf(EPISODIC_KNOB_BOUNDS);

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
  const table = knobBounds(String(base.kind));
  const inBounds = withinOf(table);
  if (recipe.kind !== base.kind)
    return [{ path: 'workflow.recipe.kind', message: `the run's algorithm is "${String(base.kind)}"; a proposal may move its knobs, not replace it` }];
  const issues: FieldIssue[] = [];
  const bounds = (path: string, knob: Knob, value: unknown) => {
    const b = table[knob]!;
    if (typeof value !== 'number' || !inBounds(knob, value))
      issues.push({
        path,
        message: `${String(value)} is outside the knob's bounds: ${knob === 'replay' ? 'a whole number of moves ' : knob === 'gamesPerIteration' ? 'a whole number of games ' : ''}from ${b.min} to ${b.max}`,
      });
  };
  for (const [field, value] of Object.entries(recipe)) {
    if (field in table && tunable.includes(field as TunableKnob)) bounds(`workflow.recipe.${field}`, field as Knob, value);
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

/** A policy whose legal-move softmax has less entropy than this (nats) plays almost deterministically. */
export const SPIRAL_ENTROPY_LOW = 0.3;
/** ... and one with more than this still spreads its moves widely. */
export const SPIRAL_ENTROPY_HIGH = 1.2;
/** Where SPIRAL's entropy bonus starts when a proposal turns it on. */
export const SPIRAL_ENTROPY_ON = 0.01;
/** The training return moving more than this since the parent's round: the EMA baselines lag behind it. */
export const SPIRAL_RETURN_SHIFT = 0.2;
/** Fewer moves than this share carrying an advantage: most of the round's games taught nothing. */
export const SPIRAL_KEPT_LOW = 0.5;

/** The mean over the task's games of the win rate against the random mover (`game/{game}_win_rate_vs_random`). */
export function winRateVsRandom(metrics: Metrics | null): number | undefined {
  if (!metrics) return undefined;
  const rates = Object.entries(metrics)
    .filter(([name]) => /^game\/[a-z_]+_win_rate_vs_random$/.test(name))
    .map(([, v]) => v);
  return rates.length === 0 ? undefined : rates.reduce((a, b) => a + b, 0) / rates.length;
}

/**
 * The knob moves a SPIRAL round's monitors call for, against the round before it (an archive child's: its parent's
 * round; null for the root's children). The win rate against the random mover falling calls for smaller steps and
 * more games per update; not moving, for a larger step; a near-deterministic policy (or a falling win rate), for an
 * entropy bonus, and a policy still spreading its moves, for less of one; a training return that jumped, for
 * baselines that follow it faster, and a steady one, for baselines that average over more games.
 */
export function spiralKnobCandidates(input: { genome: Genome; metrics: Metrics; previous: Metrics | null }): Candidate[] {
  const recipe = input.genome.workflow.recipe as unknown as Record<string, number | string>;
  if (recipe.kind !== 'spiral') return [];
  const inBounds = withinOf(knobBounds('spiral'));
  const win = winRateVsRandom(input.metrics);
  const before = winRateVsRandom(input.previous);
  const fell = win !== undefined && before !== undefined && win < before - SUCCESS_FALL;
  const rose = win !== undefined && before !== undefined && win > before + SUCCESS_FALL;
  const now = win === undefined ? 'not measured' : win.toFixed(2);
  const why =
    before === undefined
      ? `win rate against the random mover ${now} (no earlier round to compare with)`
      : fell
        ? `win rate against the random mover fell ${before.toFixed(2)} -> ${now}`
        : `win rate against the random mover ${before.toFixed(2)} -> ${now}`;
  const out: Candidate[] = [];
  const move = (knob: Knob, path: string, current: number, after: number, candidate: Omit<Candidate, 'changes'>) => {
    if (inBounds(knob, after) && after !== current) out.push({ ...candidate, changes: [{ path, before: current, after }] });
  };
  const lr = input.genome.workflow.learningRate;
  if (fell)
    move('learningRate', 'workflow.learningRate', lr, sig3(lr * 0.5), {
      kind: 'workflow:lower-learning-rate',
      pathway: 'workflow',
      urgency: 0.8,
      rationale: `${why}: take smaller steps, learning rate ${lr} -> ${sig3(lr * 0.5)} (x0.5).`,
    });
  else if (!rose && win !== undefined)
    move('learningRate', 'workflow.learningRate', lr, sig3(lr * 2), {
      kind: 'workflow:raise-learning-rate',
      pathway: 'workflow',
      urgency: 0.35,
      rationale: `${why}, not rising: try learning faster, learning rate ${lr} -> ${sig3(lr * 2)} (x2).`,
    });
  const entropy = input.metrics['train/entropy'];
  const coef = recipe.entropyCoef as number;
  if (entropy !== undefined && (entropy < SPIRAL_ENTROPY_LOW || fell)) {
    const after = coef === 0 ? SPIRAL_ENTROPY_ON : sig3(coef * 2);
    move('entropyCoef', 'workflow.recipe.entropyCoef', coef, after, {
      kind: 'workflow:raise-temperature',
      pathway: 'workflow',
      urgency: fell ? 0.7 : 0.5,
      rationale: `${fell ? why : `the moves' entropy is ${entropy.toFixed(2)} nats, almost deterministic`}: explore more, entropy bonus ${coef} -> ${after}.`,
    });
  } else if (entropy !== undefined && entropy > SPIRAL_ENTROPY_HIGH && coef > 0)
    move('entropyCoef', 'workflow.recipe.entropyCoef', coef, sig3(coef * 0.5), {
      kind: 'workflow:lower-temperature',
      pathway: 'workflow',
      urgency: 0.4,
      rationale: `the moves' entropy is still ${entropy.toFixed(2)} nats: explore less, entropy bonus ${coef} -> ${sig3(coef * 0.5)} (x0.5).`,
    });
  const ret = input.metrics[REWARD_MEAN];
  const retBefore = input.previous?.[REWARD_MEAN];
  const decay = recipe.baselineDecay as number;
  if (ret !== undefined && retBefore !== undefined) {
    const shift = Math.abs(ret - retBefore);
    if (shift > SPIRAL_RETURN_SHIFT) {
      const after = sig3(1 - (1 - decay) * 2);
      move('baselineDecay', 'workflow.recipe.baselineDecay', decay, after, {
        kind: 'workflow:raise-step-size',
        pathway: 'workflow',
        urgency: 0.45,
        rationale: `the training return moved ${retBefore.toFixed(2)} -> ${ret.toFixed(2)}, faster than the baselines follow: let them follow faster, baseline decay ${decay} -> ${after} (step 1 - decay x2).`,
      });
    } else if (shift < SUCCESS_FALL && !fell) {
      const after = sig3(1 - (1 - decay) * 0.5);
      move('baselineDecay', 'workflow.recipe.baselineDecay', decay, after, {
        kind: 'workflow:lower-step-size',
        pathway: 'workflow',
        urgency: 0.2,
        rationale: `the training return is steady (${retBefore.toFixed(2)} -> ${ret.toFixed(2)}): average the baselines over more games, baseline decay ${decay} -> ${after} (step 1 - decay x0.5).`,
      });
    }
  }
  const kept = input.metrics[SPIRAL_KEPT];
  const games = recipe.gamesPerIteration as number;
  if (fell || (kept !== undefined && kept < SPIRAL_KEPT_LOW))
    move('gamesPerIteration', 'workflow.recipe.gamesPerIteration', games, games * 2, {
      kind: 'workflow:more-games',
      pathway: 'workflow',
      urgency: fell ? 0.6 : 0.4,
      rationale: `${fell ? why : `only ${((kept ?? 0) * 100).toFixed(0)}% of the moves carried an advantage`}: a less noisy update from more games, ${games} -> ${games * 2} games per iteration.`,
    });
  return out;
}
