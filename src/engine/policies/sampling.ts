/**
 * Drawing one token from a row of logits, in JS with the run's Rng, so sampling is deterministic and identical
 * across backends given the same logits.
 */
import type { Rng } from '../types';

export interface Pick {
  token: number;
  /** Log-prob of the token under the untempered (temperature 1, full vocabulary) distribution. */
  logProb: number;
}

export function pickToken(logits: Float32Array, offset: number, vocab: number, temperature: number, topK: number, rng: Rng): Pick {
  let max = -Infinity;
  let arg = 0;
  for (let i = 0; i < vocab; i++) {
    const x = logits[offset + i];
    if (x > max) {
      max = x;
      arg = i;
    }
  }
  let z = 0;
  for (let i = 0; i < vocab; i++) z += Math.exp(logits[offset + i] - max);
  const logZ = max + Math.log(z);
  if (temperature <= 0) return { token: arg, logProb: logits[offset + arg] - logZ };

  // Top-k: keep the k largest (ties at the boundary kept), then a tempered softmax over what is left.
  let threshold = -Infinity;
  if (topK > 0 && topK < vocab) {
    const sorted = Array.from(logits.subarray(offset, offset + vocab)).sort((a, b) => b - a);
    threshold = sorted[topK - 1];
  }
  const probs = new Float64Array(vocab);
  let total = 0;
  for (let i = 0; i < vocab; i++) {
    const x = logits[offset + i];
    if (x >= threshold) {
      probs[i] = Math.exp((x - max) / temperature);
      total += probs[i];
    }
  }
  const u = rng.next() * total;
  let acc = 0;
  let token = arg;
  for (let i = 0; i < vocab; i++) {
    if (probs[i] === 0) continue;
    acc += probs[i];
    if (u < acc) {
      token = i;
      break;
    }
  }
  return { token, logProb: logits[offset + token] - logZ };
}
