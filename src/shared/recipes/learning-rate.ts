/**
 * The configs of the class-stream learners (engine: recipes/homeostatic-lr.ts, constant-lr.ts, random-lr.ts):
 * plain minibatch SGD on the cross-entropy whose learning rate is held constant, moved at random, or regulated
 * homeostatically (Man, Damasio and Neven 2022, "Need is All You Need"). They share the SGD fields; every field
 * described and defaulted.
 */
import { z } from 'zod';

const sgd = {
  batchSize: z.number().int().min(1).max(4096).default(10).describe('m: examples per SGD minibatch (10 in the paper).'),
  learningRate: z.number().gt(0).max(10).default(0.001).describe('eta_0: the initial learning rate (0.001 in the paper).'),
  batchesPerIteration: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(600)
    .describe('Minibatches per iteration (a stage of the stream); the validation runs after each.'),
  replay: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(0)
    .describe(
      'Memory of examples: a buffer of the most recent training examples (with the labels they had when seen); each update also trains on the next batchSize of them in turn. 0 = off (the paper). A governed run may propose to change it.',
    ),
};
/** The fields that move the rate, for the homeostatic and the random learner. */
const moves = {
  interval: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(10)
    .describe('The rate may change at every example whose position in the epoch is a multiple of this (10 in the paper).'),
  stepFraction: z.number().gt(0).max(1).default(0.1).describe('The size of one change, as a fraction of eta_0 (eta_0 / 10 in the paper).'),
  excitatoryFrom: z
    .number()
    .int()
    .min(0)
    .default(5)
    .describe('Classes >= this are excitatory (they raise the rate), the others inhibitory (they lower it); 5 of 10 in the paper.'),
};

export const HomeostaticLrRecipeConfig = z
  .object({
    kind: z
      .literal('homeostatic-lr')
      .describe(
        "The homeostatic learner: every `interval` examples it simulates the pending update with its rate left alone and with the rate moved towards its predicted class's effect, scores both on the examples it just saw, and if moving wins, moves the rate by the true class's effect.",
      ),
    ...sgd,
    ...moves,
    memory: z.number().int().min(1).max(10_000).default(20).describe('nMemo: the most recent examples both simulated updates are scored on (20 in the paper).'),
  })
  .strict();
export type HomeostaticLrRecipeConfig = z.infer<typeof HomeostaticLrRecipeConfig>;

export const ConstantLrRecipeConfig = z
  .object({
    kind: z.literal('constant-lr').describe('The constant-rate baseline: plain minibatch SGD at eta_0 throughout.'),
    ...sgd,
  })
  .strict();
export type ConstantLrRecipeConfig = z.infer<typeof ConstantLrRecipeConfig>;

export const RandomLrRecipeConfig = z
  .object({
    kind: z
      .literal('random-lr')
      .describe(
        "The random-rate baseline: every `interval` examples, with probability 0.5, the rate moves by the same step as the homeostatic learner's, in the direction of the true class's effect.",
      ),
    ...sgd,
    ...moves,
  })
  .strict();
export type RandomLrRecipeConfig = z.infer<typeof RandomLrRecipeConfig>;
