export { createGrpoRecipe, groupAdvantages } from './grpo';
export { createStarRecipe } from './star';
export { initialLevel, nextLevel, MASTERY_THRESHOLD } from './curriculum';
export { algorithm, algorithms, checkFamilies, createRecipe, stepsPerIteration, tunableKnobs } from './registry';
