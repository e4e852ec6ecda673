/**
 * SPIRAL (Liu et al. 2025, "SPIRAL: Self-Play on Zero-Sum Games Incentivizes Reasoning via Multi-Agent
 * Multi-Turn Reinforcement Learning"; spiral-rl/spiral), for two-seat games and a policy-value model.
 *
 * - Collection: `gamesPerIteration` whole games, shared out among the task's games in turn, moves sampled from the
 *   policy's softmax over the legal actions with the run's random stream. In self-play one policy sits on both
 *   seats and both seats' moves are trained; against another opponent (the frozen initial policy, a random legal
 *   mover, a league of this run's past checkpoints, minimax) the agent's seat alternates between games and only its
 *   moves are trained.
 * - Role-conditioned advantage estimation (RAE): one baseline per (game, seat), an EMA with decay 0.95 starting at
 *   0, read before it is updated with that seat's return R (games in collection order); the advantage R - b is
 *   given to every move of that seat (gamma 1: the reward is the game's outcome). Ablations: one baseline per
 *   game for both seats ("shared"), or none (the raw return).
 * - Moves whose advantage is exactly 0 are dropped; the loss is -mean(log pi(a|s) A) over the rest, with pi the
 *   softmax over the legal actions the move was sampled from (invalid-action masking); no KL term (an optional
 *   entropy bonus and value-head regression, both 0 by default).
 * - Every iteration the monitors (environments/games/monitors.ts) play the evaluation games against the random,
 *   fixed and minimax opponents and compute Kuhn Poker's exploitability exactly.
 * The state (baselines, the frozen initial policy, the league) is plain data in the checkpoint, so a resumed run
 * continues exactly.
 */
import type { OptimConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import { EPISODE_LENGTH, gameMetric, REWARD_MEAN, SPIRAL_KEPT, TIME_SAMPLE_S, TIME_TRAIN_S, TRAIN_LOSS, TRAIN_STEPS } from '../../shared/metrics';
import type { SpiralRecipeConfig } from '../../shared/recipes/spiral';
import type { Metrics } from '../../shared/run';
import { trainStep } from '../core/train-step';
import { minimaxPlayer, playGames, policyPlayer, randomPlayer, type Player, type TracedMove } from '../environments/games/arena';
import { isGameSet, type GameSet } from '../environments/games/game-set';
import { gameMonitors } from '../environments/games/monitors';
import type { GameEpisode } from '../environments/games/two-seat';
import { freezeMlp, frozenLogits, type FrozenMlp } from '../policies/frozen-mlp';
import { tf } from '../tf';
import type { EpisodicRecipe, EpisodicRecipeContext, IterationResult, TrajectoryRecord } from '../types';

export interface SpiralState {
  /** EMA baselines by key: `game:seat` (role), `game` (shared). */
  baselines: Record<string, number>;
  /** The policy before the first update: the fixed opponent and the fixed evaluation opponent. */
  initial: FrozenMlp | null;
  /** Past checkpoints of this run (the initial one first), for the league opponent. */
  league: FrozenMlp[];
}

/** Added to an illegal action's logit: its probability is 0 to float precision, its gradient 0. */
const ILLEGAL_LOGIT = -1e9;

/** A trained move with its advantage. */
interface Sample {
  vector: Float32Array;
  action: number;
  legal: number[];
  advantage: number;
  ret: number;
}

/** The baseline key of a seat's return: per (game, seat), per game, or none. */
export function baselineKey(mode: SpiralRecipeConfig['baseline'], game: string, seat: number): string | null {
  return mode === 'role' ? `${game}:${seat}` : mode === 'shared' ? game : null;
}

/**
 * Advantages of the traced moves of each game, in order: R - b with b read before the update b <- decay b +
 * (1 - decay) R of its key (RAE); `baselines` is updated in place.
 */
export function roleAdvantages(
  games: Array<{ game: string; returns: number[]; moves: TracedMove[] }>,
  mode: SpiralRecipeConfig['baseline'],
  decay: number,
  baselines: Record<string, number>,
): Array<Array<{ move: TracedMove; advantage: number; ret: number }>> {
  return games.map(({ game, returns, moves }) => {
    const seats = [...new Set(moves.map((m) => m.seat))];
    const bySeat = new Map<number, number>();
    // Every seat of the game reads its baseline before any is updated (with a shared baseline both read the same).
    for (const seat of seats) {
      const key = baselineKey(mode, game, seat);
      bySeat.set(seat, returns[seat]! - (key === null ? 0 : (baselines[key] ?? 0)));
    }
    for (const seat of seats) {
      const key = baselineKey(mode, game, seat);
      if (key !== null) baselines[key] = decay * (baselines[key] ?? 0) + (1 - decay) * returns[seat]!;
    }
    return moves.map((move) => ({ move, advantage: bySeat.get(move.seat)!, ret: returns[move.seat]! }));
  });
}

export function createSpiralRecipe(config: SpiralRecipeConfig, _optim: OptimConfig): EpisodicRecipe {
  let state: SpiralState = { baselines: {}, initial: null, league: [] };

  function opponentFor(env: GameSet, ctx: EpisodicRecipeContext): (i: number) => Player {
    switch (config.opponent) {
      case 'random':
        return () => randomPlayer;
      case 'minimax':
        return () => minimaxPlayer(env.actionOffset('tictactoe'));
      case 'fixed': {
        const fixed = policyPlayer('fixed', (v) => frozenLogits(state.initial!, v));
        return () => fixed;
      }
      case 'league': {
        const players = state.league.map((w, k) => policyPlayer(`league-${k}`, (v) => frozenLogits(w, v)));
        const picks = Array.from({ length: config.gamesPerIteration }, () => players[ctx.rng.int(players.length)]!);
        return (i) => picks[i]!;
      }
      case 'self':
        throw new Error('self-play has no other opponent');
    }
  }

  /** Plays the iteration's games; returns them with the agent's traced moves. */
  function collect(env: GameSet, ctx: EpisodicRecipeContext): { episodes: GameEpisode[]; traces: TracedMove[][] } {
    const games = env.games;
    const episodes = Array.from({ length: config.gamesPerIteration }, (_, i) => env.play(env.drawStart(games[i % games.length]!, ctx.rng), 'training'));
    const agent = policyPlayer('policy', (v) => ctx.model.evaluate(v).logits);
    if (config.opponent === 'self') return { episodes, traces: playGames(episodes, () => [agent, agent], ctx.rng, new Set([agent])) };
    const opponent = opponentFor(env, ctx);
    // The agent's seat alternates over the games of each kind (games are dealt out in turn).
    const seatOf = (i: number) => Math.floor(i / games.length) % 2;
    episodes.forEach((e, i) => (e.agentSeat = seatOf(i)));
    const traces = playGames(episodes, (i) => (seatOf(i) === 0 ? [agent, opponent(i)] : [opponent(i), agent]), ctx.rng, new Set([agent]));
    return { episodes, traces };
  }

  function train(ctx: EpisodicRecipeContext, samples: Sample[]): { loss: number; steps: number; entropy: number; gradNorm: number } {
    if (samples.length === 0) return { loss: 0, steps: 0, entropy: 0, gradNorm: 0 };
    const size = ctx.model.inputSize;
    const flat = new Float32Array(samples.length * size);
    samples.forEach((s, i) => flat.set(s.vector, i * size));
    const observations = tf.tensor2d(flat, [samples.length, size]);
    const actions = tf.tensor1d(Int32Array.from(samples.map((s) => s.action)), 'int32');
    const advantages = tf.tensor1d(Float32Array.from(samples.map((s) => s.advantage)));
    const returns = tf.tensor1d(Float32Array.from(samples.map((s) => s.ret)));
    // The moves were sampled from the softmax over the legal actions: the log-probabilities are of that softmax.
    const maskData = new Float32Array(samples.length * ctx.model.numActions).fill(ILLEGAL_LOGIT);
    samples.forEach((s, i) => s.legal.forEach((a) => (maskData[i * ctx.model.numActions + a] = 0)));
    const mask = tf.tensor2d(maskData, [samples.length, ctx.model.numActions]);
    const sums = { loss: 0, entropy: 0, gradNorm: 0 };
    try {
      for (let k = 0; k < config.stepsPerIteration; k++) {
        ctx.progress('train', k, config.stepsPerIteration);
        const step = trainStep(
          ctx.model.trainable,
          (keep) => {
            const { logits, value } = ctx.model.forward(observations);
            const logp = tf.logSoftmax(tf.add(logits, mask));
            const taken = tf.sum(tf.mul(logp, tf.oneHot(actions, ctx.model.numActions)), 1);
            const pg = tf.neg(tf.mean(tf.mul(taken, advantages)));
            // Entropy of the legal-move softmax (an illegal action's probability underflows to 0).
            const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)));
            const valueLoss = tf.mean(tf.square(tf.sub(returns, value)));
            keep('entropy', entropy);
            return tf.add(tf.sub(pg, tf.mul(entropy, config.entropyCoef)), tf.mul(valueLoss, config.valueCoef)) as tf.Scalar;
          },
          { learningRate: ctx.learningRate(ctx.globalStep + k), gradClip: ctx.gradClip },
        );
        sums.loss += step.loss;
        sums.entropy += step.aux.entropy!;
        sums.gradNorm += step.gradNorm;
      }
    } finally {
      observations.dispose();
      actions.dispose();
      advantages.dispose();
      returns.dispose();
      mask.dispose();
    }
    const n = config.stepsPerIteration;
    return { loss: sums.loss / n, steps: n, entropy: sums.entropy / n, gradNorm: sums.gradNorm / n };
  }

  return {
    kind: 'spiral',
    getState: () => structuredClone(state),
    setState: (s) => {
      state = s === null || s === undefined ? { baselines: {}, initial: null, league: [] } : structuredClone(s as SpiralState);
    },
    async iterate(ctx: EpisodicRecipeContext): Promise<IterationResult> {
      const env = ctx.env;
      if (!isGameSet(env))
        throw new CodedError('invalid_config', 'recipe "spiral" plays two-seat games; set task.kind to "game"', [
          { path: 'task.kind', message: 'must be "game"' },
        ]);
      if (!state.initial) {
        state.initial = freezeMlp(ctx.model.getState());
        state.league = [state.initial];
      }
      const t0 = performance.now();
      ctx.progress('sample', 0, config.gamesPerIteration);
      await ctx.stepBoundary();
      const { episodes, traces } = collect(env, ctx);
      const records = episodes.map((e) => e.record());
      const advantaged = roleAdvantages(
        episodes.map((e, i) => ({ game: e.game, returns: records[i]!.returns, moves: traces[i]! })),
        config.baseline,
        config.baselineDecay,
        state.baselines,
      );
      const all = advantaged.flat();
      const samples: Sample[] = all
        .filter((m) => m.advantage !== 0)
        .map((m) => ({ vector: m.move.vector, action: m.move.action, legal: m.move.legal, advantage: m.advantage, ret: m.ret }));
      ctx.progress('sample', config.gamesPerIteration, config.gamesPerIteration);
      const sampleSeconds = (performance.now() - t0) / 1000;

      const t1 = performance.now();
      await ctx.stepBoundary();
      const step = train(ctx, samples);
      ctx.progress('train', config.stepsPerIteration, config.stepsPerIteration);
      const trainSeconds = (performance.now() - t1) / 1000;
      if (config.opponent === 'league' && ctx.iteration % config.leagueEvery === 0) {
        state.league.push(freezeMlp(ctx.model.getState()));
        // The initial policy stays; the oldest of the others leaves first.
        if (state.league.length > config.leagueSize) state.league.splice(1, state.league.length - config.leagueSize);
      }

      const t2 = performance.now();
      const monitors = gameMonitors(env, (v) => ctx.model.evaluate(v).logits, state.initial);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const agentReturn = (e: GameEpisode, i: number) => records[i]!.returns[e.agentSeat ?? 0]!;
      const metrics: Metrics = {
        [REWARD_MEAN]: mean(episodes.map(agentReturn)),
        [EPISODE_LENGTH]: mean(records.map((r) => r.steps)),
        [TRAIN_LOSS]: step.loss,
        'train/entropy': step.entropy,
        'train/grad_norm': step.gradNorm,
        [TRAIN_STEPS]: step.steps,
        [SPIRAL_KEPT]: all.length ? samples.length / all.length : 0,
        'spiral/moves': all.length,
        [TIME_SAMPLE_S]: sampleSeconds,
        [TIME_TRAIN_S]: trainSeconds,
        'time/monitor_s': (performance.now() - t2) / 1000,
        ...monitors,
      };
      for (const game of env.games) metrics[gameMetric(game, 'length')] = mean(records.filter((_, i) => episodes[i]!.game === game).map((r) => r.steps));
      for (const [key, b] of Object.entries(state.baselines)) metrics[`spiral/baseline_${key.replace(/-/g, '_').replace(':', '_seat')}`] = b;
      const trajectories: TrajectoryRecord[] = records.map((r, i) => ({
        level: null,
        prompt: r.start,
        output: r.moves,
        answer: null,
        reward: agentReturn(episodes[i]!, i),
        correct: episodes[i]!.agentSeat === null ? r.returns[0]! > 0 : r.success,
        kept: advantaged[i]!.some((m) => m.advantage !== 0),
        verdict: `${r.verdict}; returns ${r.returns.map((x) => x.toFixed(1)).join(' / ')}`,
        episode: r.view,
      }));
      return { metrics, trajectories };
    },
  };
}
