/**
 * What a game agent (SPIRAL, an archive run's child) adds to a proposal's evidence: its game monitors from the
 * training rounds, parent's beside child's (win, loss and invalid-move rates against the random mover, the loss rate
 * against the perfect TicTacToe player, Kuhn Poker's exploitability, the moves' entropy), and the checks that do not
 * apply: the agent samples moves, not answers, so there is no pass@k or distinct-2 to collapse; its reward is the
 * game's outcome, not one it assigns itself, so there is no share of rewarded-but-wrong samples. Reward hacking is
 * still judged by its other test (training return up while the win rate on the search set falls).
 */
import { KUHN_EXPLOITABILITY, gameMetric, REWARD_MEAN } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import type { FamilyEvidence } from '../core/ports';

/** The monitors shown, by the name pattern the game monitors write (monitors.ts) and what each measures. */
const GAME_STATS: Array<{ stat: string; description: string }> = [
  { stat: 'win_rate_vs_random', description: 'win rate against a random legal mover (training monitor, evaluation starts)' },
  { stat: 'loss_rate_vs_random', description: 'loss rate against a random legal mover' },
  { stat: 'invalid_rate_vs_random', description: 'games lost by an invalid move against the random mover' },
  { stat: 'loss_rate_vs_minimax', description: 'loss rate against the perfect player (TicTacToe; 0 is the best possible)' },
];

export function gameEvidence(before: Metrics | null, after: Metrics): FamilyEvidence {
  const value = (m: Metrics | null, name: string) => (m && m[name] !== undefined ? m[name]! : null);
  const games = [...new Set(Object.keys(after).flatMap((name) => /^game\/([a-z_]+)_win_rate_vs_random$/.exec(name)?.[1] ?? []))].sort();
  const monitors: NonNullable<FamilyEvidence['monitors']> = [];
  for (const game of games)
    for (const { stat, description } of GAME_STATS) {
      const name = gameMetric(game, stat);
      if (after[name] === undefined) continue;
      monitors.push({ name, description: `${game.replace(/_/g, ' ')}: ${description}`, before: value(before, name), after: value(after, name) });
    }
  for (const [name, description] of [
    [KUHN_EXPLOITABILITY, "Kuhn Poker: exploitability of the policy's strategy (0 at a Nash equilibrium)"],
    ['train/entropy', "entropy of the policy's legal-move softmax over the round's moves (nats)"],
    [REWARD_MEAN, "the agent's mean return in its training games"],
  ] as const)
    if (after[name] !== undefined) monitors.push({ name, description, before: value(before, name), after: value(after, name) });
  return {
    selfRewarded: false,
    monitors,
    notApplicable: [{ check: 'exploration-collapse', reason: 'a game agent samples moves, not answers: there is no pass@k or distinct-2 to compare' }],
  };
}
