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

/**
 * The transfer probe's arithmetic (SPIRAL's question: does game training move a held-out skill of another task?):
 * addition in the arithmetic task's default format, whose held-out sets a text-LM game agent is scored on.
 */
export const ArithmeticTransferConfig = z
  .object({
    maxDigits: z.number().int().min(1).max(6).default(2).describe('Levels 1..maxDigits of addition are held out and reported (digits of the longer operand).'),
    warmupMaxDigits: z
      .number()
      .int()
      .min(1)
      .max(6)
      .default(2)
      .describe('The supervised warm-up trains on sums of levels 1..warmupMaxDigits, beside the game examples.'),
    heldoutPerLevel: z.number().int().min(4).max(500).default(64).describe('Size of the fixed held-out set of each level.'),
    warmupShare: z.number().gt(0).lt(1).default(0.5).describe("Share of each warm-up batch's rows that are sums; the rest are game moves."),
  })
  .strict();
export type ArithmeticTransferConfig = z.infer<typeof ArithmeticTransferConfig>;

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
    textObservation: z
      .enum(['full', 'compact'])
      .default('compact')
      .describe(
        'With a text LM (policy.kind "transformer"): the prompt of a move. full: the game\'s own text observation (rules prompt, board or history, available moves); compact: the same rendering without the rules prompt and, for Kuhn Poker, with the current round\'s messages only (short enough for a small char-level model; docs/games.md).',
      ),
    transfer: z
      .object({ arithmetic: ArithmeticTransferConfig.describe('Addition held out beside the game.') })
      .strict()
      .nullable()
      .default(null)
      .describe(
        'The transfer probe (text LM only): the agent is warmed up on the game format and on a second task, whose held-out accuracy is reported after the warm-up and at every evaluation. null: off.',
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
export function gameTaskIssues(c: {
  task: { kind: string; games?: readonly string[]; transfer?: unknown };
  recipe: { kind: string; opponent?: string };
  policy?: { kind: string };
}): Issue[] {
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
  if (c.recipe.kind === 'spiral' && c.policy?.kind === 'transformer') {
    // The text LM plays the games it has a text parser and a short enough prompt for; the league holds MLP checkpoints.
    if (c.task.games?.includes('negotiation'))
      issues.push({
        path: ['task', 'games'],
        message:
          'the text LM plays "tictactoe" and "kuhn-poker"; Simple Negotiation\'s offers are not learnt by a small char-level model here, so leave "negotiation" out or use policy.kind "mlp"',
      });
    if (c.recipe.opponent === 'league')
      issues.push({
        path: ['recipe', 'opponent'],
        message: 'the league opponent is for the policy-value MLP; with the text LM pick "self", "fixed", "random" or "minimax"',
      });
  }
  if (c.task.kind === 'game' && c.task.transfer && c.policy?.kind !== 'transformer')
    issues.push({
      path: ['task', 'transfer'],
      message: 'the transfer probe needs a text LM that reads both tasks; set policy.kind to "transformer" or task.transfer to null',
    });
  return issues;
}
