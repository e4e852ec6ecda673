/** Turns a TrainBatch into the padded, flat arrays the model trains on, checking every field on the way. */
import { CodedError } from '../../shared/errors';
import type { PreparedBatch, TrainBatch } from '../types';

export type { PreparedBatch };

function bad(field: string, message: string): CodedError {
  return new CodedError('invalid_request', `batch.${field} ${message}`, [{ path: `batch.${field}`, message }]);
}

export function prepareBatch(b: TrainBatch, vocabSize: number, contextLength: number): PreparedBatch {
  const n = b.sequences.length;
  if (n === 0) throw bad('sequences', 'is empty; give at least one sequence');
  if (b.targetStart.length !== n) throw bad('targetStart', `has ${b.targetStart.length} entries for ${n} sequences; give one per sequence`);
  if (b.weights && b.weights.length !== n) throw bad('weights', `has ${b.weights.length} entries for ${n} sequences; give one per sequence`);
  let longest = 0;
  b.sequences.forEach((s, i) => {
    if (s.length < 2) throw bad(`sequences[${i}]`, 'has fewer than 2 tokens; a sequence needs BOS and at least one target');
    if (s.length > contextLength) {
      throw bad(
        `sequences[${i}]`,
        `has ${s.length} tokens but the policy's contextLength is ${contextLength}; raise policy.contextLength or shorten the problems`,
      );
    }
    for (const t of s)
      if (!Number.isInteger(t) || t < 0 || t >= vocabSize) throw bad(`sequences[${i}]`, `has token ${t}, outside the vocabulary 0..${vocabSize - 1}`);
    const ts = b.targetStart[i];
    if (!Number.isInteger(ts) || ts < 1 || ts >= s.length)
      throw bad(`targetStart[${i}]`, `is ${ts}; it must be in 1..${s.length - 1} (the first trained token)`);
    longest = Math.max(longest, s.length);
  });
  const time = longest - 1;
  const inputs = new Int32Array(n * time);
  const targets = new Int32Array(n * time);
  const mask = new Float32Array(n * time);
  const weights = new Float32Array(n).fill(1);
  const oldLogProbs = b.oldLogProbs ? new Float32Array(n * time) : null;
  const refLogProbs = b.refLogProbs ? new Float32Array(n * time) : null;
  let tokens = 0;
  for (let i = 0; i < n; i++) {
    const s = b.sequences[i];
    const ts = b.targetStart[i];
    if (b.weights) weights[i] = b.weights[i];
    for (let t = 0; t < s.length - 1; t++) {
      inputs[i * time + t] = s[t];
      targets[i * time + t] = s[t + 1];
      if (t + 1 >= ts) {
        mask[i * time + t] = 1;
        tokens++;
      }
    }
    const count = s.length - ts;
    for (const [field, src, dst] of [
      ['oldLogProbs', b.oldLogProbs, oldLogProbs],
      ['refLogProbs', b.refLogProbs, refLogProbs],
    ] as const) {
      if (!src || !dst) continue;
      const row = src[i];
      if (!row || row.length !== count) {
        throw bad(`${field}[${i}]`, `has ${row ? row.length : 0} values but sequence ${i} has ${count} target tokens; align it with the targets`);
      }
      for (let j = 0; j < count; j++) dst[i * time + ts - 1 + j] = row[j];
    }
  }
  return {
    batch: n,
    time,
    inputs,
    targets,
    mask,
    weights,
    oldLogProbs,
    refLogProbs,
    tokens,
    firstTarget: [...b.targetStart],
    lengths: b.sequences.map((s) => s.length),
  };
}
