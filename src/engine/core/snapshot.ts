/**
 * A model forked on the device: its weights and optimiser slots cloned as tensors. tf.clone shares a tensor's data
 * until the live variable is next assigned (every training step assigns new tensors), so taking a snapshot copies and
 * downloads nothing, and restoring one assigns its tensors back. The governed and archive loops try a child from a
 * parent and go back to it this way; only what is written to disk (checkpoints) is downloaded (getState).
 */
import { CodedError } from '../../shared/errors';
import { MEM_BYTES, MEM_TENSORS } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import { memoryInfo, tf } from '../tf';
import type { OptimizerSnapshot, Trainable } from './train-step';

export interface ModelSnapshot {
  /** Each variable's value, by the model's variable names. */
  readonly weights: Readonly<Record<string, tf.Tensor>>;
  readonly optimizer: OptimizerSnapshot;
}

export function snapshotModel(model: Trainable): ModelSnapshot {
  const weights: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(model.variables)) weights[name] = tf.clone(v);
  return { weights, optimizer: model.optimizer.snapshot() };
}

/** Back to `snapshot` (it stays valid, owned by the caller). Refuses a snapshot of another model. */
export function restoreModel(model: Trainable, snapshot: ModelSnapshot): void {
  const names = Object.keys(model.variables);
  const theirs = Object.keys(snapshot.weights);
  const misfit = names.find((n) => snapshot.weights[n]?.shape.join(',') !== model.variables[n]!.shape.join(','));
  if (misfit !== undefined || theirs.length !== names.length) {
    throw new CodedError(
      'internal',
      `a snapshot of another model: its weights are ${theirs.join(', ')}; this model's ${misfit ? `"${misfit}" does not fit` : 'are others'}`,
    );
  }
  for (const n of names) model.variables[n]!.assign(snapshot.weights[n]!);
  model.optimizer.restore(snapshot.optimizer);
}

export function disposeModelSnapshot(snapshot: ModelSnapshot): void {
  for (const t of Object.values(snapshot.weights)) t.dispose();
  for (const t of snapshot.optimizer.slots) t.dispose();
}

/** ||W - W_snapshot|| / ||W_snapshot|| over every weight, computed on the device (two numbers are downloaded). */
export function relativeChange(from: ModelSnapshot, model: Trainable): number {
  const sums = tf.tidy(() => {
    const diff: tf.Scalar[] = [];
    const norm: tf.Scalar[] = [];
    for (const [name, a] of Object.entries(from.weights)) {
      const b = model.variables[name];
      if (!b) continue;
      diff.push(tf.sum(tf.square(tf.sub(b, a))));
      norm.push(tf.sum(tf.square(a)));
    }
    return tf.stack([tf.addN(diff.length ? diff : [tf.scalar(0)]), tf.addN(norm.length ? norm : [tf.scalar(0)])]);
  });
  const [diff, norm] = sums.dataSync();
  sums.dispose();
  return norm === 0 ? 0 : Math.sqrt(diff! / norm!);
}

/**
 * The memory an iteration reports (mem/tensors, mem/bytes), measured now. A loop that forked the agent measures it
 * again once its snapshot is disposed, so the metric counts what outlives the iteration, not the fork it held.
 */
export function memoryMetrics(): Metrics {
  const mem = memoryInfo();
  return { [MEM_TENSORS]: mem.numTensors, [MEM_BYTES]: mem.numBytes };
}
