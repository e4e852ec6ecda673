/** The config of STaR / ReST with B-STaR balancing (engine: recipes/star.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const BalanceConfig = z
  .object({
    enabled: z.boolean().default(true).describe('B-STaR: re-choose temperature and threshold each iteration by the balance score.'),
    temperatures: z.array(z.number().min(0).max(5)).min(1).max(8).default([0.5, 0.8, 1.1]).describe('Temperature grid searched each iteration.'),
    thresholds: z
      .array(z.number().min(0).max(1))
      .min(1)
      .max(8)
      .default([0.3, 0.5, 0.7])
      .describe('Reward-threshold grid searched each iteration; a sample is kept when its reward is strictly above tau.'),
    n0: z
      .number()
      .int()
      .min(1)
      .default(8)
      .describe("Target number of correct kept samples per query in the balance score, bs_i = min(n_i'/n0, 1) * n_i'/n_i (8, as in the B-STaR code)."),
    probeQueries: z.number().int().min(1).default(16).describe('Queries sampled to compute the balance score of each grid point.'),
  })
  .strict();

export const StarRecipeConfig = z
  .object({
    kind: z.literal('star').describe('STaR / ReST rejection-sampling fine-tuning, with optional B-STaR balancing.'),
    promptsPerIteration: z.number().int().min(1).max(4096).default(64).describe('Prompts sampled per iteration.'),
    samplesPerPrompt: z.number().int().min(1).max(256).default(8).describe('k: answers sampled per prompt.'),
    temperature: z.number().min(0).max(5).default(0.8).describe('Sampling temperature when balancing is off.'),
    topK: z.number().int().min(0).default(0).describe('Top-k sampling (0 = whole vocabulary).'),
    reward: z
      .enum(['verifier', 'majority'])
      .default('majority')
      .describe('verifier: the task checks the answer; majority: the share of the k samples that agree (self-verification, no labels).'),
    rewardThreshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe(
        "Keep samples whose reward is strictly above this (when balancing is off), as B-STaR's code compares: with the majority reward and k = 8, 4 of 8 votes at 0.5 is not kept.",
      ),
    keep: z.enum(['threshold', 'top1']).default('threshold').describe('threshold: STaR/ReST keep all over the threshold; top1: RAFT keeps the best of k.'),
    fineTuneFromBase: z
      .boolean()
      .default(false)
      .describe(
        "Fine-tune each iteration from the base model (here the warm-up policy, or the agent a branch starts from) on that iteration's kept set, as STaR (Zelikman et al. 2022, its code) and ReST-EM (Singh et al. 2023) do. Off: continue from the last iteration's weights, as B-STaR's script does.",
      ),
    restartFromBase: z
      .boolean()
      .optional()
      .meta({ deprecated: true })
      .describe('Deprecated: the old name of fineTuneFromBase, still read so that configs saved before the rename parse; when given it sets fineTuneFromBase.'),
    trainStepsPerIteration: z.number().int().min(1).max(100_000).default(30).describe('Fine-tuning steps on the kept set per iteration.'),
    replayWarmup: z.number().min(0).max(1).default(0.25).describe('Fraction of each batch drawn from the warm-up data, so easy levels are not forgotten.'),
    curriculum: z.boolean().default(true).describe('Prompts come from the level just above the mastered ones, moving up as the agent masters it.'),
    balance: BalanceConfig.default({ enabled: true, temperatures: [0.5, 0.8, 1.1], thresholds: [0.3, 0.5, 0.7], n0: 8, probeQueries: 16 }),
  })
  .strict()
  // The deprecated alias folds into its new name; parsed configs (and so stored runs, once re-saved) carry only the new one.
  .overwrite(({ restartFromBase, ...rest }) => (restartFromBase === undefined ? rest : { ...rest, fineTuneFromBase: restartFromBase }));

export type StarRecipeConfig = z.infer<typeof StarRecipeConfig>;
export type BalanceConfig = z.infer<typeof BalanceConfig>;
