import type { OptimConfig, RunConfig } from '../shared/config';
import { WARMUP_LOSS_POINTS } from '../shared/run';
import { algorithm, stepsPerIteration } from './recipes/registry';

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

export function totalSteps(config: RunConfig): number {
  return warmupSteps(config) + config.iterations * stepsPerIteration(config.recipe);
}

/** Supervised warm-up steps of the run: its config's, when its algorithm wants a warm-up. */
export function warmupSteps(config: RunConfig): number {
  const wants = algorithm(config.recipe.kind).warmup;
  return (typeof wants === 'function' ? wants(config) : wants) ? config.warmup.steps : 0;
}

/** The warm-up keeps its loss every this many steps (and at its last), so at most WARMUP_LOSS_POINTS points. */
export function warmupTraceEvery(steps: number): number {
  return Math.max(1, Math.ceil(steps / WARMUP_LOSS_POINTS));
}
