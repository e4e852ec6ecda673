/** The config of SPIRAL for two-seat games (engine: recipes/spiral.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const SpiralRecipeConfig = z
  .object({
    kind: z
      .literal('spiral')
      .describe(
        'SPIRAL (Liu et al. 2025): one policy plays both seats of zero-sum games against itself; REINFORCE with role-conditioned advantages (an EMA baseline per game and seat), zero-advantage samples dropped, no KL term.',
      ),
    // Collection.
    gamesPerIteration: z
      .number()
      .int()
      .min(2)
      .max(4096)
      .default(64)
      .describe(
        "Whole games played per iteration with the current policy (sampled moves, the run's random stream), shared out among the task's games in turn.",
      ),
    opponent: z
      .enum(['self', 'fixed', 'random', 'league', 'minimax'])
      .default('self')
      .describe(
        "Who sits on the other seat in training. self: the current policy (both seats trained); fixed: the initial policy, frozen (the agent's seat alternates, only its moves are trained); random: a random legal move; league: a past checkpoint of this run drawn uniformly (the initial policy included); minimax: the perfect TicTacToe player (TicTacToe only).",
      ),
    leagueEvery: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .describe('With opponent "league": the current policy joins the league every this many iterations.'),
    leagueSize: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .describe('With opponent "league": the most checkpoints kept; the oldest after the initial one leaves first.'),
    // Advantage.
    baseline: z
      .enum(['role', 'shared', 'none'])
      .default('role')
      .describe(
        "role: role-conditioned advantage estimation (RAE), one EMA baseline per (game, seat); shared: one EMA baseline per game for both seats; none: the raw return as advantage (SPIRAL's ablation).",
      ),
    baselineDecay: z
      .number()
      .min(0)
      .max(1)
      .default(0.95)
      .describe('EMA decay of the baselines: b <- decay b + (1 - decay) R, read before the update (SPIRAL: 0.95).'),
    // The text LM (policy.kind "transformer").
    maxNewTokens: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(6)
      .describe(
        "With a text LM: the most characters written per move ([4] is 3, [check] 7); the loss sums a move's token log-probabilities and divides by this constant (SPIRAL's Dr. GRPO aggregation).",
      ),
    temperature: z.number().gt(0).max(2).default(1).describe('With a text LM: the sampling temperature of training moves (evaluation moves too).'),
    // Update.
    stepsPerIteration: z.number().int().min(1).max(100).default(1).describe("Gradient steps on each iteration's batch of moves."),
    entropyCoef: z.number().min(0).max(1).default(0).describe('Weight of an entropy bonus (SPIRAL has none: 0).'),
    valueCoef: z
      .number()
      .min(0)
      .max(10)
      .default(0)
      .describe('Weight of a value-head regression on the returns, an auxiliary (SPIRAL has no critic: 0; the advantage never reads the value).'),
  })
  .strict();

export type SpiralRecipeConfig = z.infer<typeof SpiralRecipeConfig>;
