/** The config of GRPO (engine: recipes/grpo.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const GrpoRecipeConfig = z
  .object({
    kind: z.literal('grpo').describe('GRPO / RLOO: policy gradient with group-relative advantages on the verifiable reward.'),
    promptsPerIteration: z.number().int().min(1).max(4096).default(32).describe('Prompts (groups) per iteration.'),
    groupSize: z.number().int().min(2).max(256).default(8).describe('G: samples per prompt.'),
    temperature: z.number().gt(0).max(5).default(1).describe('Sampling temperature.'),
    topK: z.number().int().min(0).default(0).describe('Top-k sampling (0 = whole vocabulary).'),
    baseline: z.enum(['group', 'rloo']).default('group').describe('group: (r - mean) / (std + eps) as in GRPO; rloo: r minus the mean of the other G-1.'),
    groupStd: z
      .enum(['population', 'sample'])
      .default('population')
      .describe(
        "The std of the group baseline. population: divide by G, eps 1e-6; sample: divide by G - 1, eps 1e-4, as TRL's GRPOTrainer does (its advantages are sqrt((G - 1) / G) as large, 0.94 for G = 8).",
      ),
    klBeta: z.number().min(0).default(0.02).describe('Weight of the KL penalty towards the reference (warm-up) policy.'),
    clipEpsilon: z.number().gt(0).max(1).default(0.2).describe('PPO-style ratio clip when several steps reuse one batch.'),
    stepsPerIteration: z.number().int().min(1).max(1000).default(4).describe('Gradient steps per sampled batch.'),
    partialCredit: z
      .boolean()
      .default(true)
      .describe('Reward the fraction of correct answer characters (0..1) instead of 0/1, so early groups carry a signal.'),
    curriculum: z.boolean().default(true).describe('Prompts come from the level just above the mastered ones.'),
    replayWarmup: z.number().min(0).max(1).default(0.25).describe('Fraction of supervised warm-up batches interleaved, so easy levels are not forgotten.'),
  })
  .strict();

export type GrpoRecipeConfig = z.infer<typeof GrpoRecipeConfig>;
