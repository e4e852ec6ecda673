import type { OptimConfig, RecipeConfig } from '../../shared/config';
import type { Recipe } from '../types';
import { createGrpoRecipe } from './grpo';
import { createStarRecipe } from './star';

export { createGrpoRecipe, groupAdvantages } from './grpo';
export { createStarRecipe } from './star';
export { initialLevel, nextLevel, MASTERY_THRESHOLD } from './curriculum';

/** Builds the recipe a run config names; the optimiser settings give batch size and gradient clip. */
export function createRecipe(config: RecipeConfig, optim: OptimConfig): Recipe {
  switch (config.kind) {
    case 'star':
      return createStarRecipe(config, optim);
    case 'grpo':
      return createGrpoRecipe(config, optim);
  }
}
