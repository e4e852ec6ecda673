/**
 * The decoder-only transformer's weights and forward pass: token + learned position embeddings, pre-LN blocks with
 * causal multi-head self-attention (all heads in one batched matmul) and a 4x GELU MLP, final LN, untied output head.
 * Weights are [in, out] so every matmul is x @ W with no transposed operand. No state lives here but the weights.
 */
import { tf } from '../tf';
import type { Rng } from '../types';
import { gelu, layerNorm, linear, mm } from './ops';

type T = tf.Tensor;

export interface ModelShape {
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  contextLength: number;
}

export type Weights = Record<string, tf.Variable>;

/** Name -> shape, in a fixed order (the order of init draws and of the state). */
export function weightShapes(s: ModelShape): Array<[string, number[]]> {
  const d = s.dModel;
  const out: Array<[string, number[]]> = [
    ['tok_emb', [s.vocabSize, d]],
    ['pos_emb', [s.contextLength, d]],
  ];
  for (let l = 0; l < s.nLayers; l++) {
    out.push(
      [`l${l}.ln1.g`, [d]], [`l${l}.ln1.b`, [d]],
      [`l${l}.attn.wqkv`, [d, 3 * d]], [`l${l}.attn.bqkv`, [3 * d]],
      [`l${l}.attn.wo`, [d, d]], [`l${l}.attn.bo`, [d]],
      [`l${l}.ln2.g`, [d]], [`l${l}.ln2.b`, [d]],
      [`l${l}.mlp.w1`, [d, 4 * d]], [`l${l}.mlp.b1`, [4 * d]],
      [`l${l}.mlp.w2`, [4 * d, d]], [`l${l}.mlp.b2`, [d]],
    );
  }
  out.push(['lnf.g', [d]], ['lnf.b', [d]], ['head.w', [d, s.vocabSize]], ['head.b', [s.vocabSize]]);
  return out;
}

/** GPT-2 style init drawn in JS from the Rng, so the same seed gives the same weights on every backend. */
export function initWeightData(s: ModelShape, rng: Rng): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  const residualStd = 0.02 / Math.sqrt(2 * s.nLayers);
  for (const [name, shape] of weightShapes(s)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name.endsWith('.g')) data.fill(1);
    else if (shape.length === 2) {
      const std = name.endsWith('attn.wo') || name.endsWith('mlp.w2') ? residualStd : 0.02;
      for (let i = 0; i < size; i++) data[i] = rng.normal() * std;
    }
    out[name] = { shape, data };
  }
  return out;
}

/** Per-layer attention cache: keys stored transposed [B*H, hd, Tk] (ready for q @ K^T), values [B*H, Tk, hd]. */
export interface LayerCache {
  kT: T;
  v: T;
}

/**
 * Runs the blocks on embedded input x [B*Tq, D]. `mask` is added to the attention scores, broadcastable to
 * [B, H, Tq, Tk]. With `past`, keys/values of earlier positions are prepended; the new cache is returned (when
 * `wantCache`), and the caller owns its tensors.
 */
export function blocks(
  w: Weights,
  s: ModelShape,
  x: T,
  batch: number,
  tq: number,
  mask: T,
  past: LayerCache[] | null,
  wantCache: boolean,
): { hidden: T; cache: LayerCache[] } {
  const d = s.dModel;
  const h = s.nHeads;
  const hd = d / h;
  const scale = 1 / Math.sqrt(hd);
  const cache: LayerCache[] = [];
  let xs = x;
  for (let l = 0; l < s.nLayers; l++) {
    const p = `l${l}.`;
    const n1 = layerNorm(xs, w[p + 'ln1.g'], w[p + 'ln1.b']);
    const qkv = linear(n1, w[p + 'attn.wqkv'], w[p + 'attn.bqkv']);
    const [q2, k2, v2] = tf.split(qkv, 3, 1);
    const q = tf.reshape(tf.transpose(tf.reshape(tf.mul(q2, scale), [batch, tq, h, hd]), [0, 2, 1, 3]), [batch * h, tq, hd]);
    let kT = tf.reshape(tf.transpose(tf.reshape(k2, [batch, tq, h, hd]), [0, 2, 3, 1]), [batch * h, hd, tq]);
    let v = tf.reshape(tf.transpose(tf.reshape(v2, [batch, tq, h, hd]), [0, 2, 1, 3]), [batch * h, tq, hd]);
    if (past) {
      kT = tf.concat([past[l].kT, kT], 2);
      v = tf.concat([past[l].v, v], 1);
    }
    if (wantCache) cache.push({ kT, v });
    const tk = v.shape[1] as number;
    const scores = tf.add(tf.reshape(mm(q, kT), [batch, h, tq, tk]), mask);
    const att = tf.reshape(tf.softmax(scores), [batch * h, tq, tk]);
    const ctx = tf.reshape(tf.transpose(tf.reshape(mm(att, v), [batch, h, tq, hd]), [0, 2, 1, 3]), [batch * tq, d]);
    xs = tf.add(xs, linear(ctx, w[p + 'attn.wo'], w[p + 'attn.bo']));
    const n2 = layerNorm(xs, w[p + 'ln2.g'], w[p + 'ln2.b']);
    const m = gelu(linear(n2, w[p + 'mlp.w1'], w[p + 'mlp.b1']));
    xs = tf.add(xs, linear(m, w[p + 'mlp.w2'], w[p + 'mlp.b2']));
  }
  return { hidden: xs, cache };
}

/** Final LN and output head: hidden [N, D] -> logits [N, V]. */
export function head(w: Weights, hidden: T): T {
  return linear(layerNorm(hidden, w['lnf.g'], w['lnf.b']), w['head.w'], w['head.b']);
}

/** Additive causal mask [1, 1, T, T]: 0 where key <= query, -1e9 after. */
export function causalMask(t: number): T {
  const data = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) data[i * t + j] = -1e9;
  return tf.tensor4d(data, [1, 1, t, t]);
}

/**
 * Mask for left-padded rows [B, 1, Tq, Tk]: query i (absolute column offset + i) sees key j when j <= its column
 * and j is not padding (j >= pad[b]).
 */
export function paddedMask(pads: number[], tq: number, tk: number): T {
  const b = pads.length;
  const data = new Float32Array(b * tq * tk);
  const offset = tk - tq;
  for (let r = 0; r < b; r++) {
    for (let i = 0; i < tq; i++) {
      const base = (r * tq + i) * tk;
      for (let j = 0; j < tk; j++) if (j > offset + i || j < pads[r]) data[base + j] = -1e9;
    }
  }
  return tf.tensor4d(data, [b, 1, tq, tk]);
}
