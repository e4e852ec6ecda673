/**
 * The random-rate baseline of the homeostatic paper (Man, Damasio and Neven 2022; lrr.py in the authors' code):
 * at every example whose position in the epoch is a non-zero multiple of `interval`, with probability 0.5 (a draw
 * from the run's random stream greater than 0.5), the rate moves by eta_0 * stepFraction: up when the example's true
 * class is excitatory (>= excitatoryFrom), down otherwise; a rate below zero becomes 1e-8. The same step size and
 * direction as the homeostatic learner, without its simulated choice. Differences from the authors' code: the
 * draw comes from the run's seeded stream, not numpy's clock-seeded one.
 */
import type { OptimConfig, RandomLrRecipeConfig } from '../../shared/config';
import type { ClassStreamRecipe } from '../types';
import { createStreamLearner, MIN_ETA } from './stream-learner';

export function createRandomLrRecipe(config: RandomLrRecipeConfig, _optim: OptimConfig): ClassStreamRecipe {
  const step = config.learningRate * config.stepFraction;
  return createStreamLearner(config, {
    adjust(eta, { batch, ctx }) {
      let out = eta;
      batch.positions.forEach((i, k) => {
        if (i === 0 || i % config.interval !== 0) return;
        if (ctx.rng.next() > 0.5) out += batch.labels[k]! >= config.excitatoryFrom ? step : -step;
        if (out < 0) out = MIN_ETA;
      });
      return out;
    },
  });
}
