/**
 * Every algorithm's config, one file each beside this one, joined in the union the run config's `recipe` field
 * takes. config.ts re-exports all of it, so callers import recipe configs from shared/config as before.
 */
import { z } from 'zod';
import { A2cRecipeConfig } from './a2c';
import { DpoRecipeConfig } from './dpo';
import { RewardModelRecipeConfig } from './reward-model';
import { SpiralRecipeConfig } from './spiral';
import { SpoRecipeConfig } from './spo';
import { SelfRewardingRecipeConfig } from './self-rewarding';
import { SppoRecipeConfig } from './sppo';
import { GrpoRecipeConfig } from './grpo';
import { ConstantLrRecipeConfig, HomeostaticLrRecipeConfig, RandomLrRecipeConfig } from './learning-rate';
import { BalanceConfig, StarRecipeConfig } from './star';
import { QLearningRecipeConfig } from './q-learning';

export {
  A2cRecipeConfig,
  BalanceConfig,
  ConstantLrRecipeConfig,
  DpoRecipeConfig,
  GrpoRecipeConfig,
  HomeostaticLrRecipeConfig,
  QLearningRecipeConfig,
  RandomLrRecipeConfig,
  RewardModelRecipeConfig,
  SelfRewardingRecipeConfig,
  SpiralRecipeConfig,
  SpoRecipeConfig,
  SppoRecipeConfig,
  StarRecipeConfig,
};

export const RecipeConfig = z
  .discriminatedUnion('kind', [
    StarRecipeConfig,
    GrpoRecipeConfig,
    DpoRecipeConfig,
    A2cRecipeConfig,
    HomeostaticLrRecipeConfig,
    ConstantLrRecipeConfig,
    RandomLrRecipeConfig,
    SpoRecipeConfig,
    RewardModelRecipeConfig,
    QLearningRecipeConfig,
    SelfRewardingRecipeConfig,
    SppoRecipeConfig,
    SpiralRecipeConfig,
  ])
  .describe('The self-improvement algorithm.');
export type RecipeConfig = z.infer<typeof RecipeConfig>;
export type RecipeConfigInput = z.input<typeof RecipeConfig>;
/** The recipes the text LM's session runs (the text-task and preferences families). */
export type TextRecipeConfig =
  StarRecipeConfig | GrpoRecipeConfig | DpoRecipeConfig | SpoRecipeConfig | RewardModelRecipeConfig | SelfRewardingRecipeConfig | SppoRecipeConfig;
