import type { OptimConfig, RecipeConfig, RunConfig } from '../shared/config';

/**
 * The learning-rate schedule, in one place: linear warm-up over optim.warmupSteps, then cosine decay to
 * learningRate * minLrRatio at the last step of the run (supervised warm-up + every iteration's steps).
 */
export function learningRateAt(optim: OptimConfig, step: number, totalSteps: number): number {
  const peak = optim.learningRate;
  if (optim.warmupSteps > 0 && step < optim.warmupSteps) return (peak * (step + 1)) / optim.warmupSteps;
  const span = Math.max(1, totalSteps - optim.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - optim.warmupSteps) / span));
  const floor = peak * optim.minLrRatio;
  return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** Optimiser steps one iteration of the recipe takes (what the schedule is stretched over). */
export function stepsPerIteration(recipe: RecipeConfig): number {
  switch (recipe.kind) {
    case 'star':
      return recipe.trainStepsPerIteration;
    case 'grpo':
      return recipe.stepsPerIteration + Math.round(recipe.stepsPerIteration * recipe.replayWarmup);
  }
}

export function totalSteps(config: RunConfig): number {
  return config.warmup.steps + config.iterations * stepsPerIteration(config.recipe);
}
