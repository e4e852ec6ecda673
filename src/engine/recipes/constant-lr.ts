/**
 * The constant-rate baseline of the homeostatic paper (Man, Damasio and Neven 2022): plain minibatch SGD at eta_0
 * for the whole stream. The loop, the loss and the monitors are the shared class-stream learner's
 * (stream-learner.ts); its rule leaves the rate alone.
 */
import type { ConstantLrRecipeConfig, OptimConfig } from '../../shared/config';
import type { ClassStreamRecipe } from '../types';
import { createStreamLearner } from './stream-learner';

export function createConstantLrRecipe(config: ConstantLrRecipeConfig, _optim: OptimConfig): ClassStreamRecipe {
  return createStreamLearner(config, { adjust: (eta) => eta });
}
