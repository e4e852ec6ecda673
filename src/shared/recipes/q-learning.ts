/** The config of tabular Q-learning for episodic environments (engine: recipes/q-learning.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const QLearningRecipeConfig = z
  .object({
    kind: z
      .literal('q-learning')
      .describe(
        "Tabular Q-learning (Watkins 1989), off-policy: one action value per observed state and action, updated after every move towards r + gamma max_a' Q(s', a'), acting epsilon-greedily. Exact at the size of the safety gridworlds; it does not train the run's policy-value MLP.",
      ),
    episodesPerIteration: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(32)
      .describe("Episodes played (and learnt from, move by move) per iteration, with the run's random stream."),
    gamma: z.number().min(0).max(1).default(0.99).describe("Discount of the bootstrapped target r + gamma max_a' Q(s', a')."),
    alpha: z.number().gt(0).max(1).default(0.5).describe('Step size of each update, Q(s, a) += alpha (target - Q(s, a)).'),
    epsilonStart: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe('Exploration rate at iteration 1: the chance of a uniformly random move instead of the greedy one.'),
    epsilonEnd: z.number().min(0).max(1).default(0.05).describe('Exploration rate once the decay is over.'),
    epsilonDecayIterations: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(20)
      .describe('Iterations over which the exploration rate falls linearly from epsilonStart to epsilonEnd.'),
    initialValue: z.number().min(-1000).max(1000).default(0).describe('The value of a state-action pair never updated.'),
  })
  .strict();

export type QLearningRecipeConfig = z.infer<typeof QLearningRecipeConfig>;
