/** The config of Self-Rewarding DPO and its CREAM mode (engine: recipes/self-rewarding.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const SelfRewardingRecipeConfig = z
  .object({
    kind: z
      .literal('self-rewarding')
      .describe(
        "Self-Rewarding (Yuan et al. 2024) with the DPO implicit reward as the judge: the policy ranks its own samples by beta * (log pi - log ref), pairs best against worst and trains on them with DPO, iteration after iteration. With consistency on, CREAM (Wang et al. 2025) trusts each pair only as far as the previous iteration's model ranks the samples the same way.",
      ),
    // Sampling
    promptsPerIteration: z.number().int().min(1).max(4096).default(32).describe('Prompts sampled per iteration.'),
    samplesPerPrompt: z.number().int().min(2).max(256).default(5).describe('Answers sampled per prompt and ranked by the self-reward (5 in CREAM).'),
    temperature: z.number().gt(0).max(5).default(0.8).describe('Sampling temperature (0.8 in CREAM).'),
    topK: z.number().int().min(0).default(0).describe('Top-k sampling (0 = whole vocabulary).'),
    curriculum: z.boolean().default(true).describe('Prompts come from the level just above the mastered ones.'),
    // Judging
    seedIterations: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(1)
      .describe(
        "Iterations at the start whose pairs come from the run's rater instead of the self-reward: the seed preference data (Self-Rewarding's seed judgements, DICE's DPO-trained start). At iteration 1 the policy is still its reference and every implicit reward is 0, so without a seed round the first iteration has no pair and trains only its replay steps.",
      ),
    consistency: z
      .enum(['none', 'sample', 'set'])
      .default('none')
      .describe(
        "CREAM's consistency regularisation: none = plain Self-Rewarding; sample = each pair weighted by C = (tau + 1) / 2 from its prompt's Kendall tau between this model's and the previous iteration's rankings; set = C averaged over the iteration's prompts.",
      ),
    // Pairs and loss
    pairsPerPrompt: z
      .number()
      .int()
      .min(1)
      .max(128)
      .default(1)
      .describe('Pairs made per prompt at most: the best against the worst by the self-reward first (1 = best vs worst, as in the paper).'),
    beta: z.number().gt(0).max(10).default(0.1).describe('DPO beta: scale of the implicit reward beta * (log pi - log ref), in the loss and the judge alike.'),
    nllWeight: z
      .number()
      .min(0)
      .max(10)
      .default(1)
      .describe(
        "Weight of a negative log-likelihood term on each pair's answers, C on the chosen and 1 - C on the rejected (Iterative RPO's term with CREAM's weights); 0 = plain DPO.",
      ),
    // Training
    stepsPerIteration: z.number().int().min(1).max(1000).default(4).describe("Gradient steps on each iteration's pairs (one batch of all of them)."),
    replayWarmup: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe('Supervised warm-up steps interleaved, as a fraction of stepsPerIteration, so easy levels are not forgotten (as in DPO).'),
    // Monitors
    winRatePrompts: z
      .number()
      .int()
      .min(0)
      .max(1024)
      .default(16)
      .describe(
        "Prompts at the current level on which one answer each of this model, the previous iteration's and the reference is sampled and the rater compares them (pref/win_rate_prev, pref/win_rate_ref); 0 = off.",
      ),
  })
  .strict();

export type SelfRewardingRecipeConfig = z.infer<typeof SelfRewardingRecipeConfig>;
