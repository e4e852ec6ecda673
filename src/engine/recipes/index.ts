export { createGrpoRecipe, groupAdvantages } from './grpo';
export { createStarRecipe } from './star';
export { createDpoRecipe } from './dpo';
export { initialLevel, nextLevel, MASTERY_THRESHOLD } from './curriculum';
export { algorithm, algorithms, checkFamilies, createRecipe, stepsPerIteration, tunableKnobs } from './registry';
