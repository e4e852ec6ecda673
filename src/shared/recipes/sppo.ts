/** The config of SPPO, self-play preference optimisation with the squared loss (engine: recipes/sppo.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const SppoRecipeConfig = z
  .object({
    kind: z
      .literal('sppo')
      .describe(
        "SPPO (Wu et al. 2024, uclaml/SPPO): K samples per prompt, the rater's P(i > j) between them, each sample's win rate P_i against the group; the best and the worst by win rate are trained so that their log-ratio to the iteration's starting model approaches (1/beta)(P_i - 1/2): a multiplicative-weights step towards the preference game's equilibrium.",
      ),
    // Sampling
    promptsPerIteration: z.number().int().min(1).max(4096).default(16).describe('Prompts (groups) per iteration.'),
    samplesPerPrompt: z.number().int().min(2).max(64).default(5).describe('K: samples per prompt, each compared with every other by the rater (5 in SPPO).'),
    temperature: z.number().gt(0).max(5).default(1).describe('Sampling temperature.'),
    topK: z.number().int().min(0).default(0).describe('Top-k sampling (0 = whole vocabulary).'),
    curriculum: z.boolean().default(true).describe('Prompts come from the level just above the mastered ones (tasks with levels).'),
    // Loss
    beta: z
      .number()
      .gt(0)
      .max(100)
      .default(0.1)
      .describe(
        "beta: the target log-ratio of an answer is (1/beta)(P - 1/2). The authors use 1e-3 on 7B models; a model of a few thousand weights cannot move an answer's log-probability by hundreds of nats in a few steps, so the default asks for at most 5.",
      ),
    scoreScale: z
      .number()
      .gt(0)
      .max(100)
      .default(1)
      .describe(
        "For a rater with scores (the verifier): P(i > j) = sigmoid((s_i - s_j) / scoreScale), as SPPO turns PairRM's scores into probabilities. A rater that gives probabilities is used as it is.",
      ),
    // Training
    stepsPerIteration: z.number().int().min(1).max(1000).default(4).describe("Gradient steps on each iteration's pairs (one batch of all of them)."),
    replayWarmup: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe(
        'Supervised warm-up steps interleaved, as a fraction of stepsPerIteration (0 by default, as SPO: on the preference task the warm-up mix is what the run should move away from).',
      ),
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

export type SppoRecipeConfig = z.infer<typeof SppoRecipeConfig>;
