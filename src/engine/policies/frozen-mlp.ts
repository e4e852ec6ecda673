/**
 * A frozen copy of a policy-value MLP's weights that computes its action logits in plain JavaScript: the opponent
 * a game run keeps (its initial policy, a league of past checkpoints) without holding tensors between iterations,
 * so the snapshots live in the recipe's state (and its checkpoint) as plain arrays and nothing can leak. The same
 * layers as policies/mlp.ts: x W + b per hidden layer, tanh or max(z, 0), then the policy head; the value head is
 * not needed to play.
 */
import type { PolicyState } from '../types';

export interface FrozenMlp {
  hidden: number[];
  activation: 'tanh' | 'relu';
  weights: Record<string, { shape: number[]; data: Float32Array }>;
}

/** The weights of a live model's state, copied (no optimiser moments). */
export function freezeMlp(state: PolicyState): FrozenMlp {
  const config = state.config as { hidden?: number[]; activation?: 'tanh' | 'relu' };
  if (!Array.isArray(config.hidden)) throw new Error('freezeMlp: the state is not of a policy-value MLP (no hidden sizes)');
  const weights: FrozenMlp['weights'] = {};
  for (const [name, w] of Object.entries(state.weights)) weights[name] = { shape: [...w.shape], data: new Float32Array(w.data) };
  return { hidden: [...config.hidden], activation: config.activation ?? 'tanh', weights };
}

function layer(x: Float32Array, w: { shape: number[]; data: Float32Array }, b: { data: Float32Array }): Float32Array {
  const [fanIn, fanOut] = w.shape as [number, number];
  if (x.length !== fanIn) throw new Error(`frozen MLP: input of ${x.length} numbers, the layer takes ${fanIn}`);
  const out = new Float32Array(b.data);
  for (let i = 0; i < fanIn; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = i * fanOut;
    for (let j = 0; j < fanOut; j++) out[j] = out[j]! + xi * w.data[row + j]!;
  }
  return out;
}

/** Action logits of each observation vector. */
export function frozenLogits(model: FrozenMlp, vectors: Float32Array[]): Float32Array[] {
  return vectors.map((v) => {
    let x = v;
    model.hidden.forEach((_, i) => {
      const z = layer(x, model.weights[`h${i}.w`]!, model.weights[`h${i}.b`]!);
      x = z.map((a) => (model.activation === 'relu' ? Math.max(a, 0) : Math.tanh(a)));
    });
    return layer(x, model.weights['pi.w']!, model.weights['pi.b']!);
  });
}
