/**
 * The two-seat zero-sum games of SPIRAL (engine: environments/games/): TicTacToe, Kuhn Poker and Simple
 * Negotiation, one or several at once (a mix). Every field described and defaulted; config.ts joins the task into
 * the task union.
 */
import { z } from 'zod';

export const GAME_KINDS = ['tictactoe', 'kuhn-poker', 'negotiation'] as const;
export const GameKind = z
  .enum(GAME_KINDS)
  .describe(
    'tictactoe: 3x3, three in a row wins; kuhn-poker: J, Q, K, ante 1, several rounds, most chips wins; negotiation: trade Wood and Gold, the larger gain in inventory value wins.',
  );
export type GameKind = z.infer<typeof GameKind>;

export const GameTaskConfig = z
  .object({
    kind: z
      .literal('game')
      .describe(
        'Two-seat zero-sum games (SPIRAL): one policy plays both seats against itself or an opponent; +1 for a win, -1 for a loss, 0 for a draw (an episodic environment, for a policy-value model).',
      ),
    games: z
      .array(GameKind)
      .min(1)
      .max(3)
      .default(['tictactoe'])
      .refine((g) => new Set(g).size === g.length, { message: 'each game at most once' })
      .describe('The games trained on; several make a mix (the episodes of an iteration are shared out among them in turn).'),
    maxTurns: z.number().int().min(1).max(1000).default(50).describe('A game still going after this many moves is cut off and scored as a draw (SPIRAL: 50).'),
    kuhnRounds: z.number().int().min(1).max(20).default(5).describe('Rounds of a Kuhn Poker match; the first player alternates between rounds.'),
    negotiationTurns: z.number().int().min(2).max(40).default(10).describe('Moves of a Simple Negotiation game (both players together).'),
    evalGames: z
      .number()
      .int()
      .min(2)
      .max(2000)
      .default(64)
      .describe(
        "Evaluation games per opponent and game, the agent's seat alternating; deals and the random opponent's moves come from a fixed seed, not the run seed.",
      ),
  })
  .strict();
export type GameTaskConfig = z.infer<typeof GameTaskConfig>;

/** A field issue of the run config (config.ts's superRefine adds each). */
interface Issue {
  path: Array<string | number>;
  message: string;
}

/** The pairings a game run must respect: games go with SPIRAL and SPIRAL with games; minimax plays TicTacToe only. */
export function gameTaskIssues(c: { task: { kind: string; games?: readonly string[] }; recipe: { kind: string; opponent?: string } }): Issue[] {
  const issues: Issue[] = [];
  if (c.task.kind === 'game' && c.recipe.kind !== 'spiral')
    issues.push({ path: ['recipe', 'kind'], message: `task.kind "game" is played by recipe.kind "spiral" (two seats); "${c.recipe.kind}" trains one seat` });
  if (c.recipe.kind === 'spiral' && c.task.kind !== 'game')
    issues.push({
      path: ['task', 'kind'],
      message: `recipe.kind "spiral" plays two-seat games; set task.kind to "game" (task.kind "${c.task.kind}" has one seat)`,
    });
  if (c.recipe.kind === 'spiral' && c.recipe.opponent === 'minimax' && (c.task.games?.length !== 1 || c.task.games[0] !== 'tictactoe'))
    issues.push({
      path: ['recipe', 'opponent'],
      message: 'the minimax opponent plays TicTacToe only; set task.games to ["tictactoe"] or pick another opponent',
    });
  return issues;
}
