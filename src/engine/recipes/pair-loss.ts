/**
 * One entry for the preference recipes' pair losses (types.ts's PairLoss): the recipes train on it in process, and a
 * pool worker (pool/pool-worker.ts) computes the same function on its shard of pairs.
 */
import type { tf } from '../tf';
import type { PairLoss, Policy, PreparedBatch } from '../types';
import { creamDpoLoss } from './cream';
import { dpoLoss } from './dpo-loss';
import { sppoLoss } from './sppo-loss';

export function pairLoss(policy: Policy, p: PreparedBatch, loss: PairLoss, keep: (name: string, value: tf.Tensor) => void): tf.Scalar {
  switch (loss.kind) {
    case 'dpo':
      return dpoLoss(policy, p, loss.beta, loss.nllWeight, keep);
    case 'cream':
      return creamDpoLoss(policy, p, loss.consistency, loss.beta, loss.nllWeight, keep);
    case 'sppo':
      return sppoLoss(policy, p, loss.winRates, loss.beta, keep);
  }
}

/** One shard's part of a pair loss: its rows of the batch, the loss to compute on them, and the factor to scale it by. */
export interface PairShare {
  /** The shard's chosen rows, then its rejected rows, as indices into the whole batch. */
  rows: number[];
  loss: PairLoss;
  /** pairs in the shard / pairs in the batch: the loss and each monitor (a mean over pairs) times it is the share. */
  scale: number;
}

/**
 * The share of pairs [start, end) of the whole batch `p` (prepared, for its per-row token counts): `scale` times the
 * shard's loss is its part of the whole batch's loss, so the parts add up to the one-worker loss. Every term is a
 * mean over pairs except the NLL, a mean over (weighted) answer tokens; its weight is rescaled so that the shard's
 * NLL, divided by the shard's tokens and multiplied by `scale`, counts as the shard's tokens over the whole batch's.
 */
export function pairShare(loss: PairLoss, p: PreparedBatch, start: number, end: number): PairShare {
  const pairs = p.batch / 2;
  if (!Number.isInteger(pairs) || pairs === 0) throw new Error(`a pair batch holds chosen then rejected rows, an even number (got ${p.batch})`);
  const rows = [...range(start, end), ...range(pairs + start, pairs + end)];
  const scale = (end - start) / pairs;
  if (loss.kind === 'sppo') return { rows, scale, loss: { ...loss, winRates: rows.map((r) => loss.winRates[r]!) } };
  const tokens = (r: number): number => p.mask.subarray(r * p.time, (r + 1) * p.time).reduce((a, v) => a + v, 0);
  if (loss.kind === 'dpo') {
    // dpoLoss divides the chosen answers' NLL by max(their tokens, 1).
    const all = Math.max(sum(range(0, pairs).map(tokens)), 1);
    const own = Math.max(sum(range(start, end).map(tokens)), 1);
    return { rows, scale, loss: { ...loss, nllWeight: (loss.nllWeight * own) / (all * scale) } };
  }
  // creamDpoLoss weights a chosen row by C and its rejected row by 1 - C, and divides by max(weighted tokens, 1e-6).
  const weighted = (k: number): number => loss.consistency[k]! * tokens(k) + (1 - loss.consistency[k]!) * tokens(pairs + k);
  const all = Math.max(sum(range(0, pairs).map(weighted)), 1e-6);
  const own = Math.max(sum(range(start, end).map(weighted)), 1e-6);
  return { rows, scale, loss: { ...loss, consistency: loss.consistency.slice(start, end), nllWeight: (loss.nllWeight * own) / (all * scale) } };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
