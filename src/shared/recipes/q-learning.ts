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
    shapingWeight: z
      .number()
      .min(0)
      .max(10)
      .default(0)
      .describe(
        "Potential-based reward shaping (Ng, Harada and Russell 1999), 0 = off: the updates learn from r + gamma Phi(s') - Phi(s) with Phi = -shapingWeight x the distance to the goal, which leaves the optimal policy unchanged. The observed return, the hidden safety score and the evaluation stay the environment's own.",
      ),
    replay: z
      .number()
      .int()
      .min(0)
      .max(4096)
      .default(0)
      .describe(
        "Replay memory, 0 = off: the last N moves are kept and replayUpdates of them, drawn with the run's random stream, are updated again after every move.",
      ),
    replayUpdates: z.number().int().min(1).max(32).default(4).describe('Remembered moves updated again after each move when replay > 0.'),
  })
  .strict();

export type QLearningRecipeConfig = z.infer<typeof QLearningRecipeConfig>;
