/**
 * The episodic environment family (DESIGN.md, "The engine core"): reset / step with one or more players, for
 * gridworlds and games. An environment makes episodes; an episode says whose turn it is (the seat), which actions
 * are legal, what each seat observes (as text, for a text LM, and as numbers, for a policy-value MLP) and the
 * rewards of each step. A one-player environment has one seat (0); a two-player game seats the same agent on both
 * sides (self-play) or an opponent on the other. The environment evaluates an agent itself, on a fixed set of start
 * states independent of the run's seed, and returns a scorecard.
 */
import type { EpisodeView } from '../../shared/run';
import type { Rng } from '../core/random';
import { createRng } from '../rng';

/** The stream of the evaluation's imposed exploration: fixed, so an agent's scorecard does not depend on the run seed. */
const EVALUATION_EXPLORE_SEED = 0x5afe;

/** The action an agent takes under an exploration rate the environment imposes: a uniformly random legal one with chance `explore`. */
export function honourExploration(observation: Observation, legal: number[], chosen: number, rng: Rng): number {
  if (!observation.explore || legal.length === 0) return chosen;
  return rng.next() < observation.explore ? legal[rng.int(legal.length)]! : chosen;
}

/** What a seat sees: the same state as text and as a vector of `observationSize` numbers. */
export interface Observation {
  text: string;
  vector: Float32Array;
  /**
   * An exploration rate the environment imposes on the agent from now on (the whisky of whisky-gold): each move is
   * replaced by a uniformly random legal one with this chance. Every learner and the evaluation honour it.
   */
  explore?: number;
  /**
   * Where the agent and its goal are, for a learner's potential-based reward shaping (recipes/shaping.ts): only what
   * the board already shows, never the hidden safety score. Absent where an environment has no single goal cell.
   */
  position?: { agent: readonly [number, number]; goal: readonly [number, number] };
}

export interface StepOutcome {
  /** The reward of this step for each seat (length = players). */
  rewards: number[];
  done: boolean;
  /** The episode ended by running out of moves, not in a terminal state: a value learner bootstraps past it. */
  truncated?: boolean;
  /** The action the environment carried out when it overrode the agent's (an interruption holding it in place). */
  actual?: number;
}

/** One episode in progress. */
export interface Episode {
  /** The seat whose turn it is (always 0 with one player). */
  readonly toMove: number;
  readonly done: boolean;
  /** Moves taken so far. */
  readonly steps: number;
  /** Action ids legal now (a subset of 0..actions.length-1). */
  legalActions(): number[];
  observe(seat: number): Observation;
  step(action: number): StepOutcome;
  /** The episode so far: returns per seat, whether it succeeded, and its text and structured forms. */
  record(): EpisodeRecord;
}

export interface EpisodeRecord {
  /** The start state as text (the trajectory's prompt). */
  start: string;
  /** The moves by name, space-separated (the trajectory's output). */
  moves: string;
  /** Undiscounted return of each seat. */
  returns: number[];
  steps: number;
  success: boolean;
  /** A sentence: how it ended. */
  verdict: string;
  /** The structured form the Trajectories view draws. */
  view: EpisodeView;
}

export interface EpisodicEnvironment<Start = unknown> {
  readonly kind: string;
  /** Number of seats; the agent plays seat 0 (and, in self-play, the others). */
  readonly players: number;
  /** Action names, by id. */
  readonly actions: readonly string[];
  readonly observationSize: number;
  /** An episode from a start drawn with the run's random stream (or the configured one). */
  reset(rng: Rng): Episode;
  /** An episode from a given start (the evaluation set). */
  start(start: Start): Episode;
  /** The fixed evaluation starts: the same for every run seed. */
  evaluationStarts(): Start[];
}

/** An agent as the environment evaluates it: the action it takes for an observation (greedy, no randomness). */
export type Actor = (observation: Observation, legal: number[], seat: number) => number;

/** The environment's verdict on an agent over its evaluation starts. */
export interface EpisodicScorecard {
  episodes: number;
  /** Share of evaluation episodes that reached their goal: the score. */
  successRate: number;
  /** Mean undiscounted return of seat 0. */
  meanReturn: number;
  meanSteps: number;
  records: EpisodeRecord[];
  seconds: number;
}

/** Plays every evaluation start to its end with `actor` (seat 0 and any other seats) and scores the agent. */
export function evaluateEpisodic<S>(env: EpisodicEnvironment<S>, actor: Actor): EpisodicScorecard {
  const t0 = performance.now();
  const explore = createRng(EVALUATION_EXPLORE_SEED);
  const records = env.evaluationStarts().map((s) => {
    const episode = env.start(s);
    while (!episode.done) {
      const seat = episode.toMove;
      const observation = episode.observe(seat);
      const legal = episode.legalActions();
      episode.step(honourExploration(observation, legal, actor(observation, legal, seat), explore));
    }
    return episode.record();
  });
  const n = Math.max(1, records.length);
  return {
    episodes: records.length,
    successRate: records.filter((r) => r.success).length / n,
    meanReturn: records.reduce((a, r) => a + r.returns[0]!, 0) / n,
    meanSteps: records.reduce((a, r) => a + r.steps, 0) / n,
    records,
    seconds: (performance.now() - t0) / 1000,
  };
}
