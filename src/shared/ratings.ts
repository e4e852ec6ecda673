/**
 * A person as the rater (`rater.kind "person"`): the pairs a run asks a person to compare, the choice a person
 * makes on one (a command from the app, validated here and again by the store), and what the run did with the
 * choices of each iteration. Engine: oversight/person-rating.ts (the wait), store/rating-store.ts (the table).
 */
import { z } from 'zod';
import { ActorName } from './oversight';

export const PairChoice = z.enum(['a', 'b', 'skip']).describe('a: output A is better; b: output B is better; skip: no choice (the pair is dropped).');
export type PairChoice = z.infer<typeof PairChoice>;

export const RatingStatus = z
  .enum(['waiting', 'rated', 'expired'])
  .describe('waiting: for a person; rated: a choice was made (final); expired: the run trained without it (its quorum was reached first).');
export type RatingStatus = z.infer<typeof RatingStatus>;

/** A pair id: `<run id>-i<iteration>-<index>`. */
export const RATING_ID = /^[A-Za-z0-9._-]{1,64}-i\d{1,6}-\d{1,5}$/;

export const RatingPair = z.object({
  id: z.string(),
  runId: z.string(),
  iteration: z.number().int(),
  index: z.number().int().describe('Its place among the iteration’s pairs.'),
  prompt: z.string(),
  a: z.string().describe('Output A.'),
  b: z.string().describe('Output B.'),
  status: RatingStatus,
  choice: PairChoice.nullable(),
  chosenBy: z.string().nullable(),
  chosenAt: z.string().nullable(),
  createdAt: z.string(),
});
export type RatingPair = z.infer<typeof RatingPair>;

export const RatingChoiceInput = z
  .strictObject({
    id: z.string().regex(RATING_ID, 'a pair id as the Rate page lists it (<run id>-i<iteration>-<index>)').describe('The pair.'),
    choice: PairChoice,
    actor: ActorName.optional().describe('Who chooses (defaults to the local user).'),
  })
  .describe('A person’s choice on one waiting pair: final once made, written to the audit log.');
export type RatingChoiceInput = z.infer<typeof RatingChoiceInput>;

export const RatingCount = z.object({ runId: z.string(), waiting: z.number().int() });
export type RatingCount = z.infer<typeof RatingCount>;

/** What a person-rated run did with one iteration's choices (from the committed iteration). */
export const RatingIteration = z.object({
  iteration: z.number().int(),
  asked: z.number().int().describe('Pairs the iteration asked a person to rate.'),
  a: z.number().int(),
  b: z.number().int(),
  skipped: z.number().int(),
  expired: z.number().int(),
  trainedOn: z.number().int().nullable().describe('Pairs the DPO loss trained on (dpo/pairs); null until the iteration is committed.'),
  loss: z.number().nullable().describe('The mean DPO loss over its steps (dpo/loss).'),
  chosenReward: z.number().nullable().describe('Mean implicit reward beta * (log pi - log ref) of the chosen outputs, after the iteration trained.'),
  rejectedReward: z.number().nullable().describe('The same for the rejected outputs.'),
});
export type RatingIteration = z.infer<typeof RatingIteration>;

/**
 * A trajectory's place in a training pair of a DPO-family run (stored with the trajectory): which pair of its
 * iteration, its side, its implicit reward after the iteration's training, and the rater's verdict on the pair.
 */
export const PairRole = z.object({
  pair: z.number().int().describe('The pair’s index among the iteration’s pairs.'),
  role: z.enum(['chosen', 'rejected']),
  implicitReward: z.number().describe('beta * (log pi(y) - log ref(y)) after the iteration trained.'),
  rater: z.string().describe("The rater's verdict on the pair, in words."),
});
export type PairRole = z.infer<typeof PairRole>;
