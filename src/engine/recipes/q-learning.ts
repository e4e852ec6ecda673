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
 */
import type { OptimConfig, QLearningRecipeConfig } from '../../shared/config';
import { TIME_SAMPLE_S, TRAIN_STEPS } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import { honourExploration, type Observation } from '../environments/episodic';
import type { EpisodicRecipe, EpisodicRecipeContext, IterationResult } from '../types';
import { episodeMetrics, episodeTrajectories } from './episodes';

/** What a checkpoint holds: the table, in insertion order. */
interface QLearningState {
  table: Array<[string, number[]]>;
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

  return {
    kind: 'q-learning',
    getState: (): QLearningState => ({ table: [...table].map(([k, q]) => [k, [...q]]) }),
    setState(state: unknown) {
      const s = state as QLearningState | null;
      if (!s || !Array.isArray(s.table)) throw new Error('q-learning: the checkpoint holds no Q table');
      table = new Map(s.table.map(([k, q]) => [k, [...q]]));
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
          const reward = outcome.rewards[0] ?? 0;
          let target = reward;
          const terminal = outcome.done && !outcome.truncated;
          const next = episode.observe(0);
          if (!terminal) {
            const nq = peek(next.text);
            target += config.gamma * (nq ? Math.max(...nq) : config.initialValue);
          }
          const td = target - q[taken]!;
          q[taken]! += config.alpha * td;
          absTd += Math.abs(td);
          updates++;
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
