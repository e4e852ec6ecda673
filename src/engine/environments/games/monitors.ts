/**
 * The monitors of a game run, computed every iteration on the environment's fixed evaluation starts: for each game
 * the agent's win / loss / draw / invalid rates against a random legal mover, the fixed initial policy and (for
 * TicTacToe) the perfect minimax player, each also by the agent's seat; and for Kuhn Poker the exact
 * exploitability of the current policy (the softmax it samples from, at each information set).
 */
import { gameMetric, KUHN_EXPLOITABILITY, KUHN_VALUE } from '../../../shared/metrics';
import type { Metrics } from '../../../shared/run';
import type { GameKind } from '../../../shared/games';
import type { EpisodicScorecard } from '../episodic';
import { evaluateAgainst, minimaxPlayer, randomPlayer, type LogitsFn, type MatchTally, type Player } from './arena';
import type { GameSet } from './game-set';
import { kuhnExploitability } from './kuhn-exploitability';
import { KUHN_HISTORIES, kuhnLegal, kuhnVector, type KuhnHistory } from './kuhn-poker';

/** The rates of one tally as metrics `game/{game}/{stat}_vs_{opponent}`. */
export function tallyMetrics(game: GameKind, opponent: string, t: MatchTally): Metrics {
  const n = Math.max(1, t.games);
  const out: Metrics = {};
  for (const stat of ['win', 'loss', 'draw', 'invalid'] as const) {
    out[gameMetric(game, `${stat}_rate_vs_${opponent}`)] = t[stat] / n;
    // By the agent's seat: `game/{game}_{stat}_rate_seat{k}_vs_{opponent}`.
    for (const seat of [0, 1] as const)
      out[gameMetric(game, `${stat}_rate_seat${seat}_vs_${opponent}`)] = t.bySeat[seat][stat] / Math.max(1, t.gamesBySeat[seat]);
  }
  return out;
}

/** The probability of the aggressive action (bet or call) the policy gives at each Kuhn information set. */
export function kuhnStrategyOf(env: GameSet, logits: LogitsFn): (card: number, history: KuhnHistory) => number {
  const encode = env.encoder('kuhn-poker');
  const offset = env.actionOffset('kuhn-poker');
  const keys = [0, 1, 2].flatMap((card) => KUHN_HISTORIES.map((history) => ({ card, history })));
  const out = logits(keys.map((k) => encode(kuhnVector(k.card, k.history))));
  const table = new Map<string, number>();
  keys.forEach((k, i) => {
    const [passive, aggressive] = kuhnLegal(k.history).map((a) => out[i]![offset + a]!);
    // Softmax over the two legal actions: the aggressive one is BET or CALL, the other CHECK or FOLD.
    table.set(`${k.card}:${k.history}`, 1 / (1 + Math.exp(passive! - aggressive!)));
  });
  return (card, history) => table.get(`${card}:${history}`)!;
}

/**
 * The monitors of `agent` (named "policy") against the random mover, minimax and `fixed` (the frozen initial policy,
 * named "fixed"); Kuhn Poker's exploitability where the model has action logits of the numeric observation.
 */
export function gameMonitors(env: GameSet, agent: Player, fixed: Player | null, logits: LogitsFn | null): Metrics {
  const opponents: Array<[string, Player, (g: GameKind) => boolean]> = [
    ['random', randomPlayer, () => true],
    ['minimax', minimaxPlayer(env.games.includes('tictactoe') ? env.actionOffset('tictactoe') : 0), (g) => g === 'tictactoe'],
  ];
  if (fixed) opponents.push(['fixed', fixed, () => true]);
  const metrics: Metrics = {};
  const starts = env.evaluationStarts();
  for (const game of env.games) {
    for (const [name, player, plays] of opponents) {
      if (!plays(game)) continue;
      Object.assign(metrics, tallyMetrics(game, name, evaluateAgainst(env, game, agent, player, starts)));
    }
    if (game === 'kuhn-poker' && logits) {
      const k = kuhnExploitability(kuhnStrategyOf(env, logits));
      metrics[KUHN_EXPLOITABILITY] = k.exploitability;
      metrics[KUHN_VALUE] = k.value;
    }
  }
  return metrics;
}

/**
 * The environment's scorecard of an agent on a game task: every game's evaluation starts against the random legal
 * mover, the agent's seat alternating. Its score (successRate) is the win rate, over all the task's games.
 */
export function assessGames(env: GameSet, agent: Player): EpisodicScorecard {
  const t0 = performance.now();
  const starts = env.evaluationStarts();
  const tallies = env.games.map((game) => evaluateAgainst(env, game, agent, randomPlayer, starts));
  const episodes = tallies.flatMap((t) => t.episodes);
  const n = Math.max(1, episodes.length);
  const records = episodes.map((e) => e.record());
  return {
    episodes: episodes.length,
    successRate: tallies.reduce((a, t) => a + t.win, 0) / n,
    meanReturn: episodes.reduce((a, e, i) => a + records[i]!.returns[e.agentSeat ?? 0]!, 0) / n,
    meanSteps: records.reduce((a, r) => a + r.steps, 0) / n,
    records,
    seconds: (performance.now() - t0) / 1000,
  };
}
