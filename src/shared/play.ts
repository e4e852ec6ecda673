/**
 * A person at the table (issue 14): the Play page's requests. A person picks a game run, one of its checkpoints, a
 * game (TicTacToe or Kuhn Poker) and a seat, and plays against the agent of that checkpoint; the engine keeps the
 * game, answers with the agent's moves, refuses an illegal move naming the legal ones, and stores the finished
 * game with the run. What the person must not see (the agent's Kuhn Poker card before the round is over) never
 * leaves the engine.
 */
import { z } from 'zod';
import { KuhnPokerView, TicTacToeView } from './run';

/** The games a person can play: the two of SPIRAL's with a board or cards a person reads at a glance. */
export const PLAYABLE_GAMES = ['tictactoe', 'kuhn-poker'] as const;
export const PlayableGame = z.enum(PLAYABLE_GAMES).describe('tictactoe or kuhn-poker (Simple Negotiation is not offered to play).');
export type PlayableGame = z.infer<typeof PlayableGame>;
export function isPlayable(game: string): game is PlayableGame {
  return (PLAYABLE_GAMES as readonly string[]).includes(game);
}

export const AgentChoice = z
  .enum(['sampled', 'greedy'])
  .describe('sampled: the agent draws its move from its softmax over the legal moves, as in training and evaluation; greedy: always its most likely move.');
export type AgentChoice = z.infer<typeof AgentChoice>;

const Card = z.number().int().min(0).max(2).nullable().describe("0 = J, 1 = Q, 2 = K; null: face down (the agent's card before its round is over).");
/** A Kuhn Poker match as the person sees it: the agent's card of an unfinished round is hidden. */
export const PlayKuhnView = KuhnPokerView.extend({
  rounds: z.array(KuhnPokerView.shape.rounds.element.extend({ cards: z.tuple([Card, Card]) })),
});
export type PlayKuhnView = z.infer<typeof PlayKuhnView>;
export const PlayView = z.discriminatedUnion('kind', [TicTacToeView, PlayKuhnView]);
export type PlayView = z.infer<typeof PlayView>;

export const PlayOutcome = z.enum(['win', 'loss', 'draw']).describe("The game's end from the person's side.");
export type PlayOutcome = z.infer<typeof PlayOutcome>;

/** A game in progress or just finished. */
export const PlayState = z.object({
  gameId: z.string(),
  runId: z.string(),
  iteration: z.number().int().describe('The checkpoint the agent plays from.'),
  game: PlayableGame,
  seat: z.number().int().min(0).max(1).describe("The person's seat (TicTacToe: 0 is X and moves first)."),
  choice: AgentChoice,
  view: PlayView,
  rounds: z.number().int().nullable().describe('Kuhn Poker: the rounds of the match (the view lists those dealt so far); null for TicTacToe.'),
  toMove: z.number().int().min(0).max(1).nullable().describe('Who moves now; null once the game is over.'),
  legal: z.array(z.string()).describe("The person's legal moves as the game writes them (`[4]`, `[bet]`); empty when it is not their turn."),
  outcome: PlayOutcome.nullable().describe('Set once the game is over (and stored with the run).'),
  verdict: z.string().describe('How the game stands or ended, in words.'),
});
export type PlayState = z.infer<typeof PlayState>;

/** A finished game as stored with the run. */
export const PlayResult = z.object({
  id: z.string(),
  runId: z.string(),
  iteration: z.number().int(),
  game: PlayableGame,
  seat: z.number().int().min(0).max(1),
  choice: AgentChoice,
  outcome: PlayOutcome,
  moves: z.number().int(),
  verdict: z.string(),
  endedAt: z.string(),
  view: PlayView.describe('The whole game, every card shown, for its replay.'),
});
export type PlayResult = z.infer<typeof PlayResult>;

/** The person's record against one checkpoint in one game. */
export const PlayRecord = z.object({
  iteration: z.number().int(),
  game: PlayableGame,
  games: z.number().int(),
  win: z.number().int(),
  loss: z.number().int(),
  draw: z.number().int(),
});
export type PlayRecord = z.infer<typeof PlayRecord>;

/** A run a person can play against: its games that can be played, and the checkpoints on disk. */
export const PlayableRun = z.object({
  runId: z.string(),
  name: z.string().nullable(),
  preset: z.string().nullable(),
  status: z.string(),
  games: z.array(PlayableGame),
  checkpoints: z.array(z.number().int()).describe('Iterations whose checkpoint is kept (the newest last).'),
});
export type PlayableRun = z.infer<typeof PlayableRun>;

const GameRef = z.strictObject({ gameId: z.string().min(1).max(64).describe('The id play.start returned.') });

/** The requests of the Play page (contract.ts joins them in). Inputs are strict: an unknown field is refused by name. */
export const playRequests = {
  'play.runs': { input: z.strictObject({}), output: z.array(PlayableRun) },
  'play.start': {
    input: z.strictObject({
      runId: z.string().min(1),
      iteration: z.number().int().min(0).describe('A checkpoint of the run (play.runs lists them).'),
      game: PlayableGame,
      seat: z.number().int().min(0).max(1).describe("The person's seat: 0 or 1."),
      choice: AgentChoice.default('sampled'),
    }),
    output: PlayState,
  },
  'play.move': {
    input: GameRef.extend({ action: z.string().min(1).max(80).describe('A legal move as the game writes it (`[4]`, `[bet]`); the brackets may be left out.') }),
    output: PlayState,
  },
  'play.results': {
    input: z.strictObject({ runId: z.string().min(1) }),
    output: z.object({ records: z.array(PlayRecord), recent: z.array(PlayResult) }),
  },
} as const;
