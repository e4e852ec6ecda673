/** The config of SPO, self-play preference optimisation (engine: recipes/spo.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const SpoRecipeConfig = z
  .object({
    kind: z
      .literal('spo')
      .describe(
        "SPO (Swamy et al. 2024, A Minimaximalist Approach to RLHF): no reward model; each sample's reward is its win rate against the rest of its group as the run's rater judges them, optimised by policy gradient. Robust to intransitive and noisy raters: under a cyclic rater it heads for the mixed Minimax Winner.",
      ),
    // Sampling
    promptsPerIteration: z.number().int().min(1).max(4096).default(16).describe('Prompts (groups) per iteration.'),
    groupSize: z.number().int().min(2).max(64).default(8).describe('Samples per prompt, each compared with every other of its group by the rater.'),
    temperature: z.number().gt(0).max(5).default(1).describe('Sampling temperature.'),
    topK: z.number().int().min(0).default(0).describe('Top-k sampling (0 = whole vocabulary).'),
    curriculum: z.boolean().default(true).describe('Prompts come from the level just above the mastered ones (tasks with levels).'),
    entropyBonus: z
      .number()
      .min(0)
      .max(10)
      .default(0)
      .describe(
        "tau: each sample's reward becomes its win rate minus tau times its log-probability, the score-function form of an entropy bonus (the regularised game's Minimax Winner under the cyclic rater is still the uniform mix). 0 = SPO as in the paper, whose last iterate may circle the Minimax Winner instead of settling on it.",
      ),
    // Update
    stepsPerIteration: z.number().int().min(1).max(1000).default(2).describe('Policy-gradient steps per sampled batch.'),
    clipEpsilon: z.number().gt(0).max(1).default(0.2).describe('PPO-style ratio clip when several steps reuse one batch.'),
    klBeta: z
      .number()
      .min(0)
      .default(0)
      .describe('Weight of a KL penalty towards the reference (warm-up) policy; 0 as in SPO, which needs no reference policy.'),
    replayWarmup: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe(
        'Supervised warm-up steps interleaved, as a fraction of stepsPerIteration (0 by default: on the preference task the warm-up data is the biased mix the run should move away from).',
      ),
  })
  .strict();

export type SpoRecipeConfig = z.infer<typeof SpoRecipeConfig>;
