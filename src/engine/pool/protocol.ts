/**
 * The messages between the engine and its pool workers (worker-pool.ts, pool-worker.ts). They stay inside the
 * engine, so they are plain typed objects rather than zod schemas; each side still checks what it receives
 * (`isReply`, `isRequest`), and a malformed message is an internal error, never a silent wrong result.
 */
import type { BackendName } from '../../shared/config';
import type { TransformerConfig } from '../policies/transformer';
import type { PairLoss } from '../types';

/** The rows of a training batch a worker computes the gradient of (a TrainBatch without the recipe-only fields). */
export interface BatchShard {
  sequences: number[][];
  targetStart: number[];
  weights?: number[];
  oldLogProbs?: number[][];
  refLogProbs?: number[][];
}

/**
 * The closed set of losses a worker can compute: serialisable descriptions, never code. Each is a *sum* over the
 * shard's trained tokens, so the host adds the shards' sums and divides once by the global batch's token count.
 * - likelihood: -sum_t w_b log pi(y_t | y_<t) (the warm-up, STaR/ReST fine-tuning, replay, the plain
 *   policy-gradient surrogate with advantages as weights: recipes/likelihood.ts, SPIRAL's text moves); the
 *   unweighted sum -sum_t log pi comes back as `aux.nll`;
 * - grpo: GRPO's clipped token policy-gradient surrogate plus klBeta times the k3 KL estimate (recipes/grpo.ts),
 *   the shard's token-mean loss times its token count; its KL sum comes back as `aux.kl`;
 * - pairs: a preference recipe's pair loss (recipes/pair-loss.ts) on the shard's pairs, times `scale`: not a sum
 *   but already the shard's share of the whole batch's loss (pairShare), and so are its monitors in `aux`.
 */
export type LossSpec =
  | { kind: 'likelihood'; batch: BatchShard }
  | { kind: 'grpo'; clipEpsilon: number; klBeta: number; batch: BatchShard }
  | { kind: 'pairs'; loss: PairLoss; scale: number; batch: BatchShard };

export type PoolRequest =
  | { type: 'init'; policy: TransformerConfig; backend: BackendName; slot: number; signal: SharedArrayBuffer }
  /** The weights of every variable, concatenated in `names` order; `version` tags the requests that use them. */
  | { type: 'weights'; version: number; names: string[]; data: Float32Array }
  | { type: 'grad'; id: number; version: number; loss: LossSpec }
  /**
   * Sampling `prompts`; `seed` null is greedy decoding (temperature 0 draws nothing), else the shard's own stream.
   */
  | { type: 'sample'; id: number; version: number; prompts: number[][]; maxNewTokens: number; temperature: number; topK: number; seed: number | null };

export type PoolReply =
  | { type: 'ready'; backend: string }
  /** `loss`: the shard's summed loss; `grads`: its gradient sums, concatenated in the weights' `names` order. */
  | { type: 'grad'; id: number; loss: number; tokens: number; grads: Float32Array; aux: Record<string, number> }
  | { type: 'sample'; id: number; tokens: number[][]; logProbs: number[][] }
  | { type: 'error'; id: number | null; code: string; message: string };

const REPLY_TYPES = new Set(['ready', 'grad', 'sample', 'error']);
const REQUEST_TYPES = new Set(['init', 'weights', 'grad', 'sample']);

export function isReply(m: unknown): m is PoolReply {
  return typeof m === 'object' && m !== null && REPLY_TYPES.has((m as { type?: unknown }).type as string);
}

export function isRequest(m: unknown): m is PoolRequest {
  return typeof m === 'object' && m !== null && REQUEST_TYPES.has((m as { type?: unknown }).type as string);
}

/**
 * Contiguous shards of `n` rows over `k` workers: the first n mod k shards get one row more. Fixed for a fixed
 * worker count, which is what keeps a run deterministic; empty shards are left out.
 */
export function shardRanges(n: number, k: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  const base = Math.floor(n / k);
  const extra = n % k;
  let start = 0;
  for (let s = 0; s < k; s++) {
    const size = base + (s < extra ? 1 : 0);
    if (size > 0) out.push({ start, end: start + size });
    start += size;
  }
  return out;
}
