/**
 * A policy whose work is shared with a worker pool (worker-pool.ts): the model stays in the engine process (its
 * weights, optimiser, checkpoints and snapshots are the wrapped policy's, untouched), and the pool's workers hold
 * replicas that take the weights before each call. What it shares out, in fixed contiguous shards:
 * - training (`dataParallel`): each worker returns the gradient of its shard's summed loss; recipes/likelihood.ts
 *   adds them in shard order and takes the one optimiser step, so a step equals the one-worker step at the same
 *   global batch up to float summation order. The preference recipes' pair losses shard by pairs (a pair's two
 *   rows stay on one worker), and each worker returns its share of the whole batch's loss (recipes/pair-loss.ts);
 * - greedy decoding (temperature 0: every held-out evaluation, the archive's `solve`, the probes): rows are
 *   independent and nothing is drawn, so the answers are the one-worker answers;
 * - sampled decoding: shard s draws from its own stream, seeded from the caller's stream (one draw per shard, in
 *   shard order), so a fixed worker count is deterministic from the run's seed, but the samples differ from those
 *   of another worker count.
 * Everything else (log-probs, prepare, state) runs in process.
 */
import type { DataParallel, Policy, PolicyState, PreparedBatch, SampleOptions, SampleResult, TrainBatch } from '../types';
import type { Trainable } from '../core/train-step';
import { pairShare } from '../recipes/pair-loss';
import type { tf } from '../tf';
import { shardRanges, type BatchShard, type LossSpec, type PoolReply } from './protocol';
import type { WorkerPool } from './worker-pool';

/** One worker's part of a training batch: its rows (indices into the batch, in order) and the loss it computes on them. */
interface Shard {
  rows: number[];
  spec: (shard: BatchShard) => LossSpec;
}

export class PooledPolicy implements Policy {
  readonly dataParallel: DataParallel;

  /** `owns`: the pool closes with this policy (false for a policy that shares another's pool: see `alongside`). */
  constructor(
    private readonly inner: Policy,
    private readonly pool: WorkerPool,
    private readonly owns = true,
  ) {
    this.dataParallel = {
      workers: pool.size,
      likelihoodGradients: (batch) => {
        const out = this.gradients(
          batch,
          this.rowShards(batch, (shard) => ({ kind: 'likelihood', batch: shard })),
        );
        return { ...out, nllSum: out.aux.nll ?? 0 };
      },
      grpoGradients: (batch, clipEpsilon, klBeta) => {
        const out = this.gradients(
          batch,
          this.rowShards(batch, (shard) => ({ kind: 'grpo', clipEpsilon, klBeta, batch: shard })),
        );
        return { ...out, klSum: batch.refLogProbs ? (out.aux.kl ?? 0) : null };
      },
      pairGradients: (batch, loss) => {
        // Checks the whole batch first, as gradients() does, and reads its per-row token counts.
        const p = this.inner.prepare(batch);
        const shards = shardRanges(p.batch / 2, this.pool.size).map((r) => {
          const share = pairShare(loss, p, r.start, r.end);
          return { rows: share.rows, spec: (shard: BatchShard): LossSpec => ({ kind: 'pairs', loss: share.loss, scale: share.scale, batch: shard }) };
        });
        const out = this.gradients(batch, shards);
        return { loss: out.lossSum, grads: out.grads, aux: out.aux };
      },
    };
  }

  get numParams(): number {
    return this.inner.numParams;
  }

  get contextLength(): number {
    return this.inner.contextLength;
  }

  get trainable(): Trainable {
    return this.inner.trainable;
  }

  /** Workers the pool runs. */
  get workers(): number {
    return this.pool.size;
  }

  sample(prompts: number[][], options: SampleOptions): SampleResult {
    if (prompts.length < 2 || options.useCache === false) return this.inner.sample(prompts, options);
    const ranges = shardRanges(prompts.length, this.pool.size);
    const greedy = options.temperature <= 0;
    // One draw per shard from the caller's stream, in shard order, whatever the shards then draw.
    const seeds = ranges.map(() => (greedy ? null : Math.floor(options.rng.next() * 4294967296) >>> 0));
    this.pool.syncWeights(this.inner.trainable.variables);
    const replies = this.pool.call(
      ranges.map((r, s) => ({
        type: 'sample' as const,
        prompts: prompts.slice(r.start, r.end),
        maxNewTokens: options.maxNewTokens,
        temperature: options.temperature,
        topK: options.topK ?? 0,
        seed: seeds[s]!,
      })),
    );
    const out: SampleResult = { tokens: [], logProbs: [] };
    for (const r of replies as Array<Extract<PoolReply, { type: 'sample' }>>) {
      out.tokens.push(...r.tokens);
      out.logProbs.push(...r.logProbs);
    }
    return out;
  }

  /** Contiguous shards of the batch's rows, one per worker: the layout of the losses that sum over rows. */
  private rowShards(batch: TrainBatch, spec: (shard: BatchShard) => LossSpec): Shard[] {
    return shardRanges(batch.sequences.length, this.pool.size).map((r) => ({ rows: Array.from({ length: r.end - r.start }, (_, i) => r.start + i), spec }));
  }

  /** Each shard's loss on its rows of `batch`, on its worker; the shards' losses, tokens, gradients and aux added. */
  private gradients(batch: TrainBatch, shards: Shard[]): { lossSum: number; tokens: number; grads: Record<string, Float32Array>; aux: Record<string, number> } {
    const variables = this.inner.trainable.variables;
    // Checks the whole batch (token ids, lengths) here, so a bad row is refused with the one-worker message.
    this.inner.prepare(batch);
    this.pool.syncWeights(variables);
    const pick = <T>(all: T[] | undefined, rows: number[]): T[] | undefined => (all ? rows.map((i) => all[i]!) : undefined);
    const replies = this.pool.call(
      shards.map(({ rows, spec }) => {
        const shard: BatchShard = { sequences: pick(batch.sequences, rows)!, targetStart: pick(batch.targetStart, rows)! };
        if (batch.weights) shard.weights = pick(batch.weights, rows);
        if (batch.oldLogProbs) shard.oldLogProbs = pick(batch.oldLogProbs, rows);
        if (batch.refLogProbs) shard.refLogProbs = pick(batch.refLogProbs, rows);
        return { type: 'grad' as const, loss: spec(shard) };
      }),
    ) as Array<Extract<PoolReply, { type: 'grad' }>>;
    const sum = new Float32Array(replies[0]!.grads.length);
    let lossSum = 0;
    let tokens = 0;
    const aux: Record<string, number> = {};
    for (const r of replies) {
      for (const [name, v] of Object.entries(r.aux)) aux[name] = (aux[name] ?? 0) + v;
      if (r.grads.length !== sum.length) throw new Error(`a pool worker returned ${r.grads.length} gradient values, expected ${sum.length}`);
      for (let i = 0; i < sum.length; i++) sum[i] += r.grads[i]!;
      lossSum += r.loss;
      tokens += r.tokens;
    }
    const grads: Record<string, Float32Array> = {};
    let offset = 0;
    for (const name of this.pool.weightNames) {
      const size = variables[name]!.size;
      grads[name] = sum.subarray(offset, offset + size);
      offset += size;
    }
    return { lossSum, tokens, grads, aux };
  }

  prepare(batch: TrainBatch): PreparedBatch {
    return this.inner.prepare(batch);
  }

  tokenLogProbs(batch: PreparedBatch, training: boolean): tf.Tensor {
    return this.inner.tokenLogProbs(batch, training);
  }

  logProbs(batch: TrainBatch): number[][] {
    return this.inner.logProbs(batch);
  }

  getState(): PolicyState {
    return this.inner.getState();
  }

  setState(state: PolicyState): void {
    this.inner.setState(state);
  }

  /** A frozen copy runs in process: the reference policy only scores log-probs. */
  clone(): Policy {
    return this.inner.clone();
  }

  /**
   * `other` (a policy of the same architecture, such as a game's frozen opponent) sharing this policy's pool: its
   * calls send its own weights first, and disposing it frees `other` but leaves the pool open.
   */
  alongside(other: Policy): PooledPolicy {
    return new PooledPolicy(other, this.pool, false);
  }

  dispose(): void {
    this.inner.dispose();
    if (this.owns) this.pool.close();
  }
}
