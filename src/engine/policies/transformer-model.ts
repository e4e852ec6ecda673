/**
 * The decoder-only transformer's weights and forward pass: token + learned position embeddings, pre-LN blocks with
 * causal multi-head self-attention (all heads in one batched matmul) and a 4x GELU MLP, final LN, untied output head.
 * Weights are [in, out] so every matmul is x @ W with no transposed operand. No state lives here but the weights.
 */
import { tf } from '../tf';
import type { Rng } from '../types';
import { gelu, layerNorm, linear, mm, recording } from './ops';

type T = tf.Tensor;

export interface ModelShape {
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  contextLength: number;
  /** 'rope': rotary position embeddings on queries and keys (no position weights); 'learned': absolute embeddings. */
  positions: 'rope' | 'learned';
}

export type Weights = Record<string, tf.Variable>;

/** Name -> shape, in a fixed order (the order of init draws and of the state). */
export function weightShapes(s: ModelShape): Array<[string, number[]]> {
  const d = s.dModel;
  const out: Array<[string, number[]]> = [['tok_emb', [s.vocabSize, d]]];
  if (s.positions === 'learned') out.push(['pos_emb', [s.contextLength, d]]);
  for (let l = 0; l < s.nLayers; l++) {
    out.push(
      [`l${l}.ln1.g`, [d]],
      [`l${l}.ln1.b`, [d]],
      [`l${l}.attn.wqkv`, [d, 3 * d]],
      [`l${l}.attn.bqkv`, [3 * d]],
      [`l${l}.attn.wo`, [d, d]],
      [`l${l}.attn.bo`, [d]],
      [`l${l}.ln2.g`, [d]],
      [`l${l}.ln2.b`, [d]],
      [`l${l}.mlp.w1`, [d, 4 * d]],
      [`l${l}.mlp.b1`, [4 * d]],
      [`l${l}.mlp.w2`, [4 * d, d]],
      [`l${l}.mlp.b2`, [d]],
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

/**
 * Per-layer attention cache: keys and values [B*H, Tk, hd], so a decoding step appends one position to each with
 * whole contiguous rows.
 */
export interface LayerCache {
  k: T;
  v: T;
}

/**
 * Rotary tables for the queries/keys of one forward: cos and sin [rows, 1, Tq, hd], shared by every head (the
 * 1 broadcasts over heads). rows is 1 when every row sits at the same positions (training), else the batch
 * (left-padded sampling), so a training step builds one small table rather than one per row and head.
 */
export interface Rope {
  cos: T;
  sin: T;
  /** [hd, hd]: x @ rot = rotate_half(x) = [-x2, x1], a matmul rather than slices (cheap on WASM, plain gradient). */
  rot: T;
}

/**
 * 100 rather than the usual 10,000: contexts here are tens of tokens, and with a large base most rotation
 * frequencies barely turn across them, leaving only a couple of pairs to tell offsets apart (measured: the
 * warm-up found the digit-alignment circuit far sooner with 100).
 */
const ROPE_BASE = 100;

/** cos and sin of one position's angles (the same numbers every time): kept, since decoding asks for them every step. */
const ropeRows = new Map<number, { cos: Float32Array; sin: Float32Array }>();
function ropeRow(hd: number, p: number): { cos: Float32Array; sin: Float32Array } {
  // Positions are below contextLength (at most 1024), so this key is unique.
  const key = hd * 4096 + p;
  let row = ropeRows.get(key);
  if (!row) {
    const half = hd / 2;
    row = { cos: new Float32Array(hd), sin: new Float32Array(hd) };
    for (let j = 0; j < hd; j++) {
      const angle = p * ROPE_BASE ** (-(2 * (j % half)) / hd);
      row.cos[j] = Math.cos(angle);
      row.sin[j] = Math.sin(angle);
    }
    // Positions are below the context length, so this stays small; a bound all the same.
    if (ropeRows.size > 1 << 16) ropeRows.clear();
    ropeRows.set(key, row);
  }
  return row;
}

/**
 * Rotary position embeddings (Su et al. 2021): attention scores depend on the offset between query and key, not
 * on absolute positions. That is what lets a digit-adding circuit learned at one place value work at the next:
 * output digit i reads its operands at the same offsets whatever i is. `positions[row][t]`: one row, or one per
 * batch row.
 */
export function ropeTables(s: ModelShape, positions: number[][]): Rope {
  const hd = s.dModel / s.nHeads;
  const half = hd / 2;
  const rows = positions.length;
  const tq = positions[0]?.length ?? 0;
  const cos = new Float32Array(rows * tq * hd);
  const sin = new Float32Array(rows * tq * hd);
  for (let b = 0; b < rows; b++) {
    for (let t = 0; t < tq; t++) {
      const row = ropeRow(hd, positions[b][t]);
      cos.set(row.cos, (b * tq + t) * hd);
      sin.set(row.sin, (b * tq + t) * hd);
    }
  }
  const rot = new Float32Array(hd * hd);
  for (let i = 0; i < half; i++) {
    rot[(i + half) * hd + i] = -1;
    rot[i * hd + (i + half)] = 1;
  }
  return { cos: tf.tensor4d(cos, [rows, 1, tq, hd]), sin: tf.tensor4d(sin, [rows, 1, tq, hd]), rot: tf.tensor2d(rot, [hd, hd]) };
}

/** x [B*H, T, hd] rotated by its positions (the tables broadcast over heads, and over rows when they have one). */
function rotate(x: T, rope: Rope, batch: number, heads: number): T {
  const [bh, t, hd] = x.shape as [number, number, number];
  const half = tf.reshape(mm(tf.reshape(x, [bh * t, hd]), rope.rot), [batch, heads, t, hd]);
  const rotated = tf.add(tf.mul(tf.reshape(x, [batch, heads, t, hd]), rope.cos), tf.mul(half, rope.sin));
  return tf.reshape(rotated, [bh, t, hd]);
}

/**
 * Runs the blocks on embedded input x [B*Tq, D]. `mask` is added to the attention scores, broadcastable to
 * [B, H, Tq, Tk]. With `past`, keys/values of earlier positions are prepended; the new cache is returned (when
 * `wantCache`), and the caller owns its tensors.
 */
/**
 * [B*Tq, D] -> [B*H, Tq, hd]. With Tq = 1 (a decoding step) the transpose moves an axis of size 1, which leaves the
 * data where it is, so a reshape does it without a kernel's copy (the same values).
 */
function heads(x: T, batch: number, tq: number, h: number, hd: number): T {
  if (tq === 1) return tf.reshape(x, [batch * h, 1, hd]);
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, tq, h, hd]), [0, 2, 1, 3]), [batch * h, tq, hd]);
}

/**
 * q @ k^T for q [B*H, Tq, hd] and k [B*H, Tk, hd]. Under a gradient tape with the explicit transpose (ops.ts mm).
 * Without one, and with more than one matrix in the batch, as matMul's transposed operand: tfjs-backend-wasm
 * computes every batched product in one loop whose sums run in the same order whatever the operands' strides, so
 * this is bit-for-bit q @ transpose(k) without the transpose's copy (a batch of one takes XNNPACK's path instead,
 * whose sums differ, so it keeps the transpose).
 */
function queryKeys(q: T, k: T, matrices: number): T {
  if (!recording() && matrices > 1) return tf.matMul(q, k, false, true);
  return mm(q, tf.transpose(k, [0, 2, 1]));
}

export function blocks(
  w: Weights,
  s: ModelShape,
  x: T,
  batch: number,
  tq: number,
  mask: T,
  past: LayerCache[] | null,
  wantCache: boolean,
  rope: Rope | null,
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
    let q = heads(tf.mul(q2, scale), batch, tq, h, hd);
    let k = heads(k2, batch, tq, h, hd);
    if (rope) {
      q = rotate(q, rope, batch, h);
      k = rotate(k, rope, batch, h);
    }
    let v = heads(v2, batch, tq, h, hd);
    if (past) {
      k = tf.concat([past[l].k, k], 1);
      v = tf.concat([past[l].v, v], 1);
    }
    if (wantCache) cache.push({ k, v });
    const tk = v.shape[1] as number;
    const scores = tf.add(tf.reshape(queryKeys(q, k, batch * h), [batch, h, tq, tk]), mask);
    const att = tf.reshape(tf.softmax(scores), [batch * h, tq, tk]);
    const heads2 = mm(att, v);
    const ctx = tq === 1 ? tf.reshape(heads2, [batch, d]) : tf.reshape(tf.transpose(tf.reshape(heads2, [batch, h, tq, hd]), [0, 2, 1, 3]), [batch * tq, d]);
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
