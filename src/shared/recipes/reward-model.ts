/** The config of the reward-model baseline (engine: recipes/reward-model.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const RewardModelRecipeConfig = z
  .object({
    kind: z
      .literal('reward-model')
      .describe(
        'The classic RLHF baseline beside SPO: fit a Bradley-Terry reward model (one utility per output class) to the rater\'s comparisons of the policy\'s own samples, then optimise its reward by policy gradient. A utility cannot represent a cyclic preference, so under the cyclic rater it chases one class. Needs a task with output classes (task.kind "preference").',
      ),
    // Sampling and comparisons
    promptsPerIteration: z.number().int().min(1).max(4096).default(16).describe('Prompts (groups) per iteration.'),
    groupSize: z.number().int().min(2).max(64).default(8).describe('Samples per prompt; every pair of a group is compared once by the rater, as in SPO.'),
    temperature: z.number().gt(0).max(5).default(1).describe('Sampling temperature.'),
    topK: z.number().int().min(0).default(0).describe('Top-k sampling (0 = whole vocabulary).'),
    curriculum: z.boolean().default(true).describe('Prompts come from the level just above the mastered ones (tasks with levels).'),
    // Reward model
    l2: z.number().min(0).max(10).default(0.01).describe('L2 penalty on the utilities, so a class that always won keeps a finite utility.'),
    // Update
    stepsPerIteration: z.number().int().min(1).max(1000).default(2).describe('Policy-gradient steps per sampled batch.'),
    clipEpsilon: z.number().gt(0).max(1).default(0.2).describe('PPO-style ratio clip when several steps reuse one batch.'),
  })
  .strict();

export type RewardModelRecipeConfig = z.infer<typeof RewardModelRecipeConfig>;
