/**
 * The transformer policy: token log-probs (differentiable, for the algorithms' losses), batched sampling with a
 * key/value cache, and exact state save/restore of its weights and Adam moments. It owns no loss: the algorithms
 * build theirs and train it through core/train-step.ts. The model itself is in transformer-model.ts.
 * The output head is untied from the token embedding (simpler, and cheap at these vocabulary sizes).
 */
import { CodedError } from '../../shared/errors';
import type { TransformerPolicyConfig as PolicyConfig } from '../../shared/config';
import { tf } from '../tf';
import type { Trainable } from '../core/train-step';
import type { Policy, PolicyState, PreparedBatch, Rng, SampleOptions, SampleResult, TrainBatch } from '../types';
import { Adam, checkOptimizerEntry } from './adam';
import { mm, oneHotRows } from './ops';
import { pickToken } from './sampling';
import { prepareBatch } from './transformer-batch';
import {
  blocks,
  causalMask,
  head,
  initWeightData,
  paddedMask,
  ropeTables,
  weightShapes,
  type LayerCache,
  type ModelShape,
  type Rope,
  type Weights,
} from './transformer-model';

type T = tf.Tensor;
type WeightData = Record<string, { shape: number[]; data: Float32Array }>;
export type TransformerConfig = Omit<PolicyConfig, 'positions'> & { positions?: PolicyConfig['positions']; vocabSize: number; eos?: number };

const DEFAULT_EOS = 2;

export function createTransformerPolicy(config: TransformerConfig, rng: Rng): Policy {
  const shape = modelShape(config);
  return new TransformerPolicy(config, initWeightData(shape, rng));
}

function modelShape(c: TransformerConfig): ModelShape {
  if (!Number.isInteger(c.vocabSize) || c.vocabSize < 3)
    throw new CodedError('invalid_config', `policy vocabSize is ${c.vocabSize}; it must be an integer >= 3`);
  if (c.dModel % c.nHeads !== 0) {
    throw new CodedError('invalid_config', `policy.nHeads (${c.nHeads}) must divide policy.dModel (${c.dModel})`, [
      { path: 'policy.nHeads', message: 'must divide dModel' },
    ]);
  }
  if (c.positions === 'rope' && (c.dModel / c.nHeads) % 2 !== 0) {
    throw new CodedError('invalid_config', `rotary positions need an even head width, but dModel / nHeads = ${c.dModel / c.nHeads}`, [
      { path: 'policy.nHeads', message: 'dModel / nHeads must be even with positions "rope"' },
    ]);
  }
  return { vocabSize: c.vocabSize, dModel: c.dModel, nLayers: c.nLayers, nHeads: c.nHeads, contextLength: c.contextLength, positions: c.positions ?? 'rope' };
}

class TransformerPolicy implements Policy {
  readonly numParams: number;
  readonly contextLength: number;
  private readonly shape: ModelShape;
  private readonly eos: number;
  private readonly w: Weights = {};
  private readonly adam: Adam;
  private disposed = false;

  constructor(
    private readonly config: TransformerConfig,
    data: WeightData,
  ) {
    this.shape = modelShape(config);
    this.contextLength = config.contextLength;
    this.eos = config.eos ?? DEFAULT_EOS;
    let count = 0;
    for (const [name, s] of weightShapes(this.shape)) {
      // tf.variable copies its initial value: the temporary would otherwise outlive the policy.
      const initial = tf.tensor(data[name].data, s);
      this.w[name] = tf.variable(initial, true);
      initial.dispose();
      count += data[name].data.length;
    }
    this.numParams = count;
    this.adam = new Adam(this.w);
  }

  prepare(batch: TrainBatch): PreparedBatch {
    this.alive();
    return prepareBatch(batch, this.shape.vocabSize, this.contextLength);
  }

  get trainable(): Trainable {
    this.alive();
    return { variables: this.w, optimizer: this.adam };
  }

  logProbs(batch: TrainBatch): number[][] {
    this.alive();
    const p = prepareBatch(batch, this.shape.vocabSize, this.contextLength);
    const lp = tf.tidy(() => this.tokenLogProbs(p, false));
    const data = lp.dataSync() as Float32Array;
    lp.dispose();
    const out: number[][] = [];
    for (let b = 0; b < p.batch; b++) {
      const row: number[] = [];
      for (let t = p.firstTarget[b] - 1; t < p.lengths[b] - 1; t++) row.push(data[b * p.time + t]);
      out.push(row);
    }
    return out;
  }

  /** Log-prob of each next token [B, T]. Training embeds with one-hot matmuls (WASM has no gather gradient). */
  tokenLogProbs(p: PreparedBatch, training: boolean): T {
    const { batch, time } = p;
    const d = this.shape.dModel;
    const tok = training ? mm(oneHotRows(p.inputs, this.shape.vocabSize), this.w.tok_emb) : tf.gather(this.w.tok_emb, tf.tensor1d(p.inputs, 'int32'));
    let x = tok;
    let rope: Rope | null = null;
    if (this.shape.positions === 'learned') {
      const pos = tf.slice(this.w.pos_emb, [0, 0], [time, d]);
      x = tf.reshape(tf.add(tf.reshape(tok, [batch, time, d]), pos), [batch * time, d]);
    } else {
      // Training rows are right-padded, so they all sit at positions 0..time-1: one table for the batch.
      rope = ropeTables(this.shape, [Array.from({ length: time }, (_, t) => t)]);
    }
    const { hidden } = blocks(this.w, this.shape, x, batch, time, causalMask(time), null, false, rope);
    const logp = tf.logSoftmax(head(this.w, hidden));
    return tf.reshape(tf.sum(tf.mul(logp, oneHotRows(p.targets, this.shape.vocabSize)), 1), [batch, time]);
  }

  sample(prompts: number[][], options: SampleOptions): SampleResult {
    this.alive();
    const n = prompts.length;
    if (n === 0) return { tokens: [], logProbs: [] };
    const longest = Math.max(...prompts.map((q) => q.length));
    prompts.forEach((q, i) => {
      if (q.length === 0) throw new CodedError('invalid_request', `prompts[${i}] is empty; a prompt starts with BOS`);
      for (const t of q)
        if (!Number.isInteger(t) || t < 0 || t >= this.shape.vocabSize)
          throw new CodedError('invalid_request', `prompts[${i}] has token ${t}, outside the vocabulary`);
    });
    if (longest >= this.contextLength) {
      throw new CodedError(
        'invalid_request',
        `a prompt has ${longest} tokens, leaving no room in the policy's contextLength (${this.contextLength}); raise policy.contextLength`,
      );
    }
    const steps = Math.max(0, Math.min(options.maxNewTokens, this.contextLength - longest));
    const topK = options.topK ?? 0;
    const pads = prompts.map((q) => longest - q.length);
    const tokens: number[][] = prompts.map(() => []);
    const logProbs: number[][] = prompts.map(() => []);
    const done = new Array<boolean>(n).fill(false);
    // seq[b] is the left-padded row so far (pad id 0; padded keys are masked out).
    const seq = prompts.map((q, b) => [...new Array<number>(pads[b]).fill(0), ...q]);
    const useCache = options.useCache ?? true;
    let cache: LayerCache[] | null = null;
    try {
      let logits = useCache ? this.prefill(seq, pads, (c) => (cache = c)) : this.lastLogits(seq, pads);
      for (let s = 0; s < steps; s++) {
        const next = new Array<number>(n).fill(this.eos);
        for (let b = 0; b < n; b++) {
          if (done[b]) continue;
          const pick = pickToken(logits, b * this.shape.vocabSize, this.shape.vocabSize, options.temperature, topK, options.rng);
          if (pick.token === this.eos) {
            done[b] = true;
            continue;
          }
          tokens[b].push(pick.token);
          logProbs[b].push(pick.logProb);
          next[b] = pick.token;
        }
        for (let b = 0; b < n; b++) seq[b].push(next[b]);
        if (s === steps - 1 || done.every(Boolean)) break;
        logits = useCache && cache ? this.decodeStep(next, seq[0].length - 1, pads, cache, (c) => (cache = c)) : this.lastLogits(seq, pads);
      }
    } finally {
      if (cache) disposeCache(cache);
    }
    return { tokens, logProbs };
  }

  /** Embeds rows with per-row position ids (left padding shifts them), with gather: no gradient is needed here. */
  private embed(ids: number[], positions: number[]): T {
    const tok = tf.gather(this.w.tok_emb, tf.tensor1d(ids, 'int32'));
    if (this.shape.positions !== 'learned') return tok;
    return tf.add(tok, tf.gather(this.w.pos_emb, tf.tensor1d(positions, 'int32')));
  }

  /** Rotary tables for rows whose columns [from, to) sit at the given positions, or null for learned positions. */
  private rope(pads: number[], from: number, to: number): Rope | null {
    if (this.shape.positions === 'learned') return null;
    const flat = this.positions(pads, from, to);
    const width = to - from;
    return ropeTables(
      this.shape,
      pads.map((_, b) => flat.slice(b * width, (b + 1) * width)),
    );
  }

  private positions(pads: number[], from: number, to: number): number[] {
    const out: number[] = [];
    for (const pad of pads) for (let c = from; c < to; c++) out.push(Math.max(0, c - pad));
    return out;
  }

  private lastLogits(seq: number[][], pads: number[]): Float32Array {
    return this.run(seq, pads, false, () => undefined);
  }

  private prefill(seq: number[][], pads: number[], keep: (c: LayerCache[]) => void): Float32Array {
    return this.run(seq, pads, true, keep);
  }

  /** Full forward over every column of the left-padded rows; returns the last column's logits [B * V]. */
  private run(seq: number[][], pads: number[], wantCache: boolean, keep: (c: LayerCache[]) => void): Float32Array {
    const n = seq.length;
    const len = seq[0].length;
    const logits = tf.tidy(() => {
      const x = this.embed(seq.flat(), this.positions(pads, 0, len));
      const { hidden, cache } = blocks(this.w, this.shape, x, n, len, paddedMask(pads, len, len), null, wantCache, this.rope(pads, 0, len));
      if (wantCache) {
        for (const c of cache) {
          tf.keep(c.k);
          tf.keep(c.v);
        }
        keep(cache);
      }
      const last = tf.reshape(tf.slice(tf.reshape(hidden, [n, len, this.shape.dModel]), [0, len - 1, 0], [n, 1, this.shape.dModel]), [n, this.shape.dModel]);
      return head(this.w, last);
    });
    const data = logits.dataSync() as Float32Array;
    logits.dispose();
    return data;
  }

  /** One new column at absolute column `col` for every row, attending to the cache; swaps in the longer cache. */
  private decodeStep(ids: number[], col: number, pads: number[], past: LayerCache[], keep: (c: LayerCache[]) => void): Float32Array {
    const n = ids.length;
    const logits = tf.tidy(() => {
      const x = this.embed(ids, this.positions(pads, col, col + 1));
      const { hidden, cache } = blocks(this.w, this.shape, x, n, 1, paddedMask(pads, 1, col + 1), past, true, this.rope(pads, col, col + 1));
      for (const c of cache) {
        tf.keep(c.k);
        tf.keep(c.v);
      }
      keep(cache);
      return head(this.w, hidden);
    });
    disposeCache(past);
    const data = logits.dataSync() as Float32Array;
    logits.dispose();
    return data;
  }

  getState(): PolicyState {
    this.alive();
    const weights: WeightData = {};
    for (const [name, v] of Object.entries(this.w)) weights[name] = { shape: [...v.shape], data: new Float32Array(v.dataSync()) };
    const optimizer = this.adam.getState(this.w);
    return { config: { ...this.config }, step: this.adam.step, weights, optimizer };
  }

  setState(state: PolicyState): void {
    this.alive();
    const assign = (v: tf.Variable, entry: { shape: number[]; data: Float32Array } | undefined, what: string) => {
      if (!entry || entry.shape.join(',') !== v.shape.join(',') || entry.data.length !== v.size) {
        throw new CodedError(
          'invalid_request',
          `policy state ${what} is missing or has shape [${entry?.shape.join(', ') ?? ''}], expected [${v.shape.join(', ')}]; the checkpoint was made with another policy config`,
        );
      }
      tf.tidy(() => v.assign(tf.tensor(entry.data, v.shape)));
    };
    for (const [name, v] of Object.entries(this.w)) assign(v, state.weights[name], `weight "${name}"`);
    this.adam.setState(state.optimizer, state.step, checkOptimizerEntry);
  }

  clone(): Policy {
    this.alive();
    const copy = new TransformerPolicy(this.config, this.getState().weights);
    copy.setState(this.getState());
    return copy;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of Object.values(this.w)) v.dispose();
    this.adam.dispose();
  }

  private alive(): void {
    if (this.disposed) throw new CodedError('internal', 'this policy was disposed; use a live copy');
  }
}

function disposeCache(cache: LayerCache[]): void {
  for (const c of cache) {
    c.k.dispose();
    c.v.dispose();
  }
}
