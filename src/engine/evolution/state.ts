/**
 * The serialisable state every strategy keeps. The archive and the Rng carry everything that decides the next
 * choice, so a strategy's own state is only its name (to catch a checkpoint restored into the wrong strategy) and
 * how many steps it has chosen (shown in the UI and checked on resume).
 */
import { z } from 'zod';
import { CodedError, parseOrThrow } from '../../shared/errors';
import type { StrategyName } from './types';

export interface StrategyState {
  version: 1;
  strategy: StrategyName;
  steps: number;
}

const stateSchema = z.strictObject({
  version: z.literal(1),
  strategy: z.enum(['dgm', 'hgm', 'no-darwin', 'no-selfimprove']),
  steps: z.number().int().min(0),
});

/** Parses a saved state, checking it belongs to `name`. */
export function parseStrategyState(name: StrategyName, value: unknown): StrategyState {
  const s = parseOrThrow(stateSchema, value, 'invalid_request', `${name} strategy state`);
  if (s.strategy !== name) {
    throw new CodedError('invalid_request', `strategy state was saved by "${s.strategy}", not "${name}"; restore it into a ${s.strategy} strategy`, [
      { path: 'strategy', message: `must be "${name}"` },
    ]);
  }
  return s;
}

/** Picks an index with probability proportional to `weights` (non-negative, positive sum) using one draw. */
export function sampleIndex(weights: readonly number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) throw new Error('sampleIndex needs weights with a positive sum');
  let acc = 0;
  const target = u * total;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (target < acc) return i;
  }
  // Rounding can leave target == total; the last positive weight is the right answer then.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return weights.length - 1;
}
