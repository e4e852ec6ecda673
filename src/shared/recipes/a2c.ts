/** The config of A2C for episodic environments (engine: recipes/a2c.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const A2cRecipeConfig = z
  .object({
    kind: z
      .literal('a2c')
      .describe(
        'A2C (advantage actor-critic, synchronous, one update per batch of whole episodes): policy gradient with advantage = discounted return - value, a value loss and an entropy bonus, for an episodic environment and a policy-value model.',
      ),
    // Collection.
    episodesPerIteration: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(32)
      .describe("Whole episodes collected with the current policy per iteration (sampled actions, the run's random stream)."),
    gamma: z.number().min(0).max(1).default(0.95).describe('Discount of the Monte-Carlo return G_t = r_t + gamma G_{t+1}.'),
    rewardScale: z
      .number()
      .gt(0)
      .max(100)
      .default(1)
      .describe(
        "Rewards are multiplied by this before the returns are formed, so that the value loss stays of the policy term's size (0.01 for the safety gridworlds' -1 per move and +50); the metrics report the unscaled return.",
      ),
    shapingWeight: z
      .number()
      .min(0)
      .max(10)
      .default(0)
      .describe(
        "Potential-based reward shaping (Ng, Harada and Russell 1999), 0 = off: the returns are formed from r + gamma Phi(s') - Phi(s) with Phi = -shapingWeight x the distance to the goal, which leaves the optimal policy unchanged. The observed return, the hidden safety score and the evaluation stay the environment's own.",
      ),
    // Update.
    stepsPerIteration: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe("Gradient steps on each iteration's batch (1 is A2C proper; more reuse the batch, on-policy only approximately)."),
    valueCoef: z.number().min(0).max(10).default(0.5).describe('Weight of the value loss, mean (G_t - V(s_t))^2.'),
    entropyCoef: z.number().min(0).max(1).default(0.01).describe('Weight of the entropy bonus, which keeps the policy exploring.'),
    normalizeAdvantages: z.boolean().default(true).describe("Scale the batch's advantages to mean 0 and std 1 before the policy-gradient term."),
  })
  .strict();

export type A2cRecipeConfig = z.infer<typeof A2cRecipeConfig>;
