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
 * The model is a port (spiral-model.ts): the policy-value MLP here (`iterate`), or the text LM, which writes each
 * move as text from the game's text observation and is trained on the sampled tokens (spiral-text.ts, through `play`).
 * The state (baselines, the frozen initial policy, the league) is plain data in the checkpoint, so a resumed run
 * continues exactly.
 */
import type { OptimConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import {
  EPISODE_LENGTH,
  gameMetric,
  REWARD_MEAN,
  SPIRAL_INVALID,
  SPIRAL_KEPT,
  SPIRAL_RESPONSE_LENGTH,
  TIME_SAMPLE_S,
  TIME_TRAIN_S,
  TRAIN_LOSS,
  TRAIN_STEPS,
} from '../../shared/metrics';
import type { SpiralRecipeConfig } from '../../shared/recipes/spiral';
import type { Metrics } from '../../shared/run';
import { minimaxPlayer, playGames, randomPlayer, type Player, type TracedMove } from '../environments/games/arena';
import { isGameSet, type GameSet } from '../environments/games/game-set';
import { gameMonitors } from '../environments/games/monitors';
import type { GameEpisode } from '../environments/games/two-seat';
import { mlpSpiralModel, type AdvantagedMove, type SpiralModel } from './spiral-model';
import type { EpisodicRecipe, EpisodicRecipeContext, IterationResult, TrajectoryRecord } from '../types';

export interface SpiralState {
  /** EMA baselines by key: `game:seat` (role), `game` (shared). */
  baselines: Record<string, number>;
  /** The policy before the first update, frozen as plain data (the model's own form): the fixed opponent. */
  initial: unknown;
  /** Past checkpoints of this run (the initial one first), for the league opponent. */
  league: unknown[];
}

/** What an iteration of SPIRAL reads: an episodic context whose model is SPIRAL's port (spiral-model.ts). */
export interface SpiralContext extends Omit<EpisodicRecipeContext, 'model'> {
  model: SpiralModel;
}

/** SPIRAL as an episodic recipe (the MLP's iterate) that any SPIRAL model can also play through (`play`). */
export interface SpiralRecipe extends EpisodicRecipe {
  play(ctx: SpiralContext): Promise<IterationResult>;
  /** The fixed opponent's frozen weights, null before the first iteration (or `begin`). */
  initial(): unknown;
  /** Freezes `model` as the initial policy now, unless it is frozen already (a warm-up ends with this). */
  begin(model: SpiralModel): void;
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
): AdvantagedMove[][] {
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

export function createSpiralRecipe(config: SpiralRecipeConfig, _optim: OptimConfig): SpiralRecipe {
  let state: SpiralState = { baselines: {}, initial: null, league: [] };

  function opponentFor(env: GameSet, ctx: SpiralContext): (i: number) => Player {
    switch (config.opponent) {
      case 'random':
        return () => randomPlayer;
      case 'minimax':
        return () => minimaxPlayer(env.actionOffset('tictactoe'));
      case 'fixed': {
        const fixed = ctx.model.frozenPlayer(state.initial, 'fixed');
        return () => fixed;
      }
      case 'league': {
        const players = state.league.map((w, k) => ctx.model.frozenPlayer(w, `league-${k}`));
        const picks = Array.from({ length: config.gamesPerIteration }, () => players[ctx.rng.int(players.length)]!);
        return (i) => picks[i]!;
      }
      case 'self':
        throw new Error('self-play has no other opponent');
    }
  }

  /** Plays the iteration's games; returns them with the agent's traced moves. */
  function collect(env: GameSet, ctx: SpiralContext): { episodes: GameEpisode[]; traces: TracedMove[][] } {
    const games = env.games;
    const episodes = Array.from({ length: config.gamesPerIteration }, (_, i) => env.play(env.drawStart(games[i % games.length]!, ctx.rng), 'training'));
    const agent = ctx.model.player('policy');
    if (config.opponent === 'self') return { episodes, traces: playGames(episodes, () => [agent, agent], ctx.rng, new Set([agent])) };
    const opponent = opponentFor(env, ctx);
    // The agent's seat alternates over the games of each kind (games are dealt out in turn).
    const seatOf = (i: number) => Math.floor(i / games.length) % 2;
    episodes.forEach((e, i) => (e.agentSeat = seatOf(i)));
    const traces = playGames(episodes, (i) => (seatOf(i) === 0 ? [agent, opponent(i)] : [opponent(i), agent]), ctx.rng, new Set([agent]));
    return { episodes, traces };
  }

  function begin(model: SpiralModel): void {
    if (state.initial !== null) return;
    state.initial = model.freeze();
    state.league = [state.initial];
  }

  async function play(ctx: SpiralContext): Promise<IterationResult> {
    const env = ctx.env;
    if (!isGameSet(env))
      throw new CodedError('invalid_config', 'recipe "spiral" plays two-seat games; set task.kind to "game"', [
        { path: 'task.kind', message: 'must be "game"' },
      ]);
    begin(ctx.model);
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
    const kept: AdvantagedMove[] = all.filter((m) => m.advantage !== 0);
    ctx.progress('sample', config.gamesPerIteration, config.gamesPerIteration);
    const sampleSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    await ctx.stepBoundary();
    const step = ctx.model.train(kept, ctx);
    ctx.progress('train', config.stepsPerIteration, config.stepsPerIteration);
    const trainSeconds = (performance.now() - t1) / 1000;
    if (config.opponent === 'league' && ctx.iteration % config.leagueEvery === 0) {
      state.league.push(ctx.model.freeze());
      // The initial policy stays; the oldest of the others leaves first.
      if (state.league.length > config.leagueSize) state.league.splice(1, state.league.length - config.leagueSize);
    }

    const t2 = performance.now();
    const monitors = gameMonitors(env, ctx.model.player('policy'), ctx.model.frozenPlayer(state.initial, 'fixed'), ctx.model.logits);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const agentReturn = (e: GameEpisode, i: number) => records[i]!.returns[e.agentSeat ?? 0]!;
    const agentMoves = all.map((m) => m.move);
    const metrics: Metrics = {
      [REWARD_MEAN]: mean(episodes.map(agentReturn)),
      [EPISODE_LENGTH]: mean(records.map((r) => r.steps)),
      [TRAIN_LOSS]: step.loss,
      'train/entropy': step.entropy,
      'train/grad_norm': step.gradNorm,
      [TRAIN_STEPS]: step.steps,
      [SPIRAL_KEPT]: all.length ? kept.length / all.length : 0,
      'spiral/moves': all.length,
      [TIME_SAMPLE_S]: sampleSeconds,
      [TIME_TRAIN_S]: trainSeconds,
      'time/monitor_s': (performance.now() - t2) / 1000,
      ...monitors,
    };
    // A text LM's training moves: the share it wrote that the game could not parse or did not allow, and their length.
    const written = agentMoves.filter((m) => m.text);
    if (written.length > 0) {
      metrics[SPIRAL_INVALID] = written.filter((m) => m.action < 0).length / written.length;
      metrics[SPIRAL_RESPONSE_LENGTH] = mean(written.map((m) => m.text!.tokens.length));
    }
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
  }

  return {
    kind: 'spiral',
    getState: () => structuredClone(state),
    setState: (s) => {
      state = s === null || s === undefined ? { baselines: {}, initial: null, league: [] } : structuredClone(s as SpiralState);
    },
    initial: () => state.initial,
    begin,
    play,
    iterate: (ctx: EpisodicRecipeContext) => play({ ...ctx, model: mlpSpiralModel(ctx.model, config) }),
  };
}
