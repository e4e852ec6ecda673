/**
 * Tabular Q-learning (Watkins 1989; Sutton and Barto, "Reinforcement Learning", section 6.5), the off-policy value
 * learner of the safety gridworlds' contrast (Leike et al. 2017 compare A2C with Rainbow DQN; Orseau and Armstrong
 * 2016 show Q-learning is safely interruptible).
 *
 * Choices made here:
 * - Tabular, not a network: a state is the observation's text (the whole board), so the table is exact and small
 *   (a few hundred states in these worlds). It is honest at this scale and needs no replay buffer; it does not train
 *   the run's policy-value MLP, and the evaluation acts by the table (`act`).
 * - Behaviour: epsilon-greedy, epsilon falling linearly from epsilonStart to epsilonEnd over epsilonDecayIterations.
 *   An exploration rate the environment imposes (whisky-gold's whisky) replaces the chosen move with that chance.
 * - Update after every move: Q(s, a) += alpha (r + gamma max_a' Q(s', a') - Q(s, a)), where a is the action the
 *   environment carried out (an interruption that held the agent in place is learnt as that action: the update is
 *   off-policy, so the interruption is a change of behaviour policy, not of the values of the agent's own choices).
 *   The target stops at a terminal state (the goal) and bootstraps past a time-out, which is not a state of the world.
 * - Greedy ties go to the lowest action id, like the A2C evaluation's.
 * - Reward shaping (`shapingWeight` > 0, shaping.ts): the update's r is the environment's reward plus the
 *   potential-based F; the episode records and metrics keep the environment's own reward.
 * - Memory (`replay` = N > 0): the last N transitions (s, a, shaped r, terminal, s'), and after each live update
 *   `replayUpdates` more of them, each drawn uniformly with the run's stream, updated by the same rule against the
 *   table as it is now (Lin 1992's experience replay, tabular). It is part of the checkpoint, so a fork copies it.
 *   With N = 0 no draw is spent and the run is the one without it.
 */
import type { OptimConfig, QLearningRecipeConfig } from '../../shared/config';
import { TIME_SAMPLE_S, TRAIN_STEPS } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import { honourExploration, type Observation } from '../environments/episodic';
import type { EpisodicRecipe, EpisodicRecipeContext, IterationResult } from '../types';
import { episodeMetrics, episodeTrajectories } from './episodes';
import { shapingTerm } from './shaping';

/** One remembered move: the state's key, the action carried out, the reward learnt from, and where it led. */
export interface QTransition {
  state: string;
  action: number;
  reward: number;
  terminal: boolean;
  next: string;
}

/** What a checkpoint holds: the table, in insertion order, and the replay memory (oldest first). */
interface QLearningState {
  table: Array<[string, number[]]>;
  replay?: QTransition[];
}

/** Appends a move to the replay memory, keeping the most recent `capacity` (none when 0). */
export function remember(memory: QTransition[], t: QTransition, capacity: number): void {
  memory.push(t);
  if (memory.length > capacity) memory.splice(0, memory.length - capacity);
}

/** The greedy action of a row of values over the legal actions (lowest id on a tie). */
export function greedyOf(q: readonly number[], legal: readonly number[]): number {
  let best = legal[0]!;
  for (const a of legal) if (q[a]! > q[best]!) best = a;
  return best;
}

/** The exploration rate at an iteration (1-based): linear from epsilonStart to epsilonEnd over the decay. */
export function epsilonAt(config: Pick<QLearningRecipeConfig, 'epsilonStart' | 'epsilonEnd' | 'epsilonDecayIterations'>, iteration: number): number {
  const t = Math.min(1, Math.max(0, (iteration - 1) / config.epsilonDecayIterations));
  return config.epsilonStart + (config.epsilonEnd - config.epsilonStart) * t;
}

export function createQLearningRecipe(config: QLearningRecipeConfig, _optim: OptimConfig): EpisodicRecipe {
  let table = new Map<string, number[]>();
  let memory: QTransition[] = [];
  let actionCount = 4;
  const row = (key: string): number[] => {
    let q = table.get(key);
    if (!q) {
      q = new Array<number>(actionCount).fill(config.initialValue);
      table.set(key, q);
    }
    return q;
  };
  /** The values of a state, without adding it to the table. */
  const peek = (key: string): readonly number[] | undefined => table.get(key);
  /** Q(s, a) += alpha (r + gamma max_a' Q(s', a') - Q(s, a)), no bootstrap past a terminal; returns the TD error. */
  const update = (t: QTransition): number => {
    const q = row(t.state);
    let target = t.reward;
    if (!t.terminal) {
      const nq = peek(t.next);
      target += config.gamma * (nq ? Math.max(...nq) : config.initialValue);
    }
    const td = target - q[t.action]!;
    q[t.action]! += config.alpha * td;
    return td;
  };

  return {
    kind: 'q-learning',
    getState: (): QLearningState => ({ table: [...table].map(([k, q]) => [k, [...q]]), replay: memory.map((t) => ({ ...t })) }),
    setState(state: unknown) {
      const s = state as QLearningState | null;
      if (!s || !Array.isArray(s.table)) throw new Error('q-learning: the checkpoint holds no Q table');
      table = new Map(s.table.map(([k, q]) => [k, [...q]]));
      // A checkpoint from before the memory existed has none; a lowered capacity keeps the most recent moves.
      memory = config.replay > 0 ? (s.replay ?? []).slice(-config.replay).map((t) => ({ ...t })) : [];
    },
    act(observation: Observation, legal: number[]): number {
      const q = peek(observation.text);
      return q ? greedyOf(q, legal) : legal[0]!;
    },
    async iterate(ctx: EpisodicRecipeContext): Promise<IterationResult> {
      const { env, rng } = ctx;
      actionCount = env.actions.length;
      const t0 = performance.now();
      const epsilon = epsilonAt(config, ctx.iteration);
      const n = config.episodesPerIteration;
      const records = [];
      let updates = 0;
      let replayed = 0;
      let absTd = 0;
      for (let k = 0; k < n; k++) {
        ctx.progress('sample', k, n);
        await ctx.stepBoundary();
        const episode = env.reset(rng);
        let observation = episode.observe(0);
        while (!episode.done) {
          const legal = episode.legalActions();
          const q = row(observation.text);
          const chosen = rng.next() < epsilon ? legal[rng.int(legal.length)]! : greedyOf(q, legal);
          const action = honourExploration(observation, legal, chosen, rng);
          const outcome = episode.step(action);
          const taken = outcome.actual ?? action;
          const terminal = outcome.done && !outcome.truncated;
          const next = episode.observe(0);
          const reward = (outcome.rewards[0] ?? 0) + shapingTerm(observation, next, terminal, config.gamma, config.shapingWeight, 'q-learning');
          const move: QTransition = { state: observation.text, action: taken, reward, terminal, next: next.text };
          absTd += Math.abs(update(move));
          updates++;
          if (config.replay > 0) {
            remember(memory, move, config.replay);
            for (let r = 0; r < config.replayUpdates; r++) {
              update(memory[rng.int(memory.length)]!);
              replayed++;
            }
          }
          observation = next;
        }
        records.push(episode.record());
      }
      ctx.progress('sample', n, n);
      const seconds = (performance.now() - t0) / 1000;
      const metrics: Metrics = {
        ...episodeMetrics(records),
        // No optimiser step: the table is updated in place, move by move.
        [TRAIN_STEPS]: 0,
        'q/updates': updates,
        ...(config.replay > 0 ? { 'q/replayed_updates': replayed, 'q/replay_size': memory.length } : {}),
        'q/td_error': updates > 0 ? absTd / updates : 0,
        'q/states': table.size,
        'q/epsilon': epsilon,
        [TIME_SAMPLE_S]: seconds,
        'perf/env_steps_per_s': seconds > 0 ? updates / seconds : 0,
      };
      return { metrics, trajectories: episodeTrajectories(records) };
    },
  };
}
