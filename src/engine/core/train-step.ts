/**
 * The one training step every algorithm calls: it takes the algorithm's objective (a loss built from a model's
 * differentiable outputs), computes the gradients of the model's variables, clips them to a global norm and lets
 * the model's optimiser step, all inside one tidy. A model computes; the loss is the algorithm's (cleanrl's ppo.py,
 * tfjs-examples' snake-dqn: build the loss closure, variableGrads, clip, apply, dispose).
 */
import { CodedError } from '../../shared/errors';
import { tf } from '../tf';

/** Clips to a global norm and steps; returns the pre-clip norm (owned by the caller). Adam in policies/adam.ts. */
export interface Optimizer {
  apply(params: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, learningRate: number, gradClip: number): tf.Tensor;
  /** Its slots (Adam's moments) cloned on the device and its step count: a fork that downloads nothing (core/snapshot.ts). */
  snapshot(): OptimizerSnapshot;
  /** Back to `snapshot`, which stays valid (and owned by the caller). */
  restore(snapshot: OptimizerSnapshot): void;
}

/** An optimiser's state on the device: its slot tensors (tf.clone) and its step count. */
export interface OptimizerSnapshot {
  readonly step: number;
  readonly slots: readonly tf.Tensor[];
}

/** What the training step updates: a model's variables (by name) and the optimiser whose state it checkpoints. */
export interface Trainable {
  readonly variables: Record<string, tf.Variable>;
  readonly optimizer: Optimizer;
}

export interface StepOptions {
  learningRate: number;
  gradClip: number;
}

export interface StepResult {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Scalars the objective kept for reporting (a KL estimate, say), read after the step. */
  aux: Record<string, number>;
}

/** Builds the loss; `keep` reports a scalar (not necessarily part of the loss) by name. */
export type Objective = (keep: (name: string, value: tf.Tensor) => void) => tf.Scalar;

export function trainStep(model: Trainable, objective: Objective, options: StepOptions): StepResult {
  if (!(options.learningRate >= 0) || !(options.gradClip > 0)) {
    throw new CodedError('invalid_request', `a training step needs learningRate >= 0 and gradClip > 0 (got ${options.learningRate}, ${options.gradClip})`);
  }
  const kept: Record<string, tf.Tensor> = {};
  const disposeKept = () => {
    for (const t of Object.values(kept)) t.dispose();
  };
  let out: tf.Tensor;
  try {
    out = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => objective((name, t) => (kept[name] = tf.keep(t))), Object.values(model.variables));
      const byName: Record<string, tf.Tensor> = {};
      for (const [name, v] of Object.entries(model.variables)) byName[name] = grads[v.name]!;
      const norm = model.optimizer.apply(model.variables, byName, options.learningRate, options.gradClip);
      return tf.stack([value, norm]);
    });
  } catch (error) {
    // tidy has disposed its intermediates; only the kept scalars would outlive a failed step.
    disposeKept();
    throw error;
  }
  const [loss, gradNorm] = out.dataSync();
  out.dispose();
  const aux: Record<string, number> = {};
  for (const [name, t] of Object.entries(kept)) aux[name] = t.dataSync()[0]!;
  disposeKept();
  return { loss: loss!, gradNorm: gradNorm!, aux };
}

/**
 * The same clip + optimiser step from gradients computed elsewhere (a worker pool's averaged shard gradients, by
 * variable name, as flat values in each variable's shape). Returns the pre-clip global norm.
 */
export function applyGradients(model: Trainable, grads: Record<string, Float32Array>, options: StepOptions): { gradNorm: number } {
  if (!(options.learningRate >= 0) || !(options.gradClip > 0)) {
    throw new CodedError('invalid_request', `a training step needs learningRate >= 0 and gradClip > 0 (got ${options.learningRate}, ${options.gradClip})`);
  }
  for (const [name, v] of Object.entries(model.variables)) {
    if (grads[name]?.length !== v.size)
      throw new CodedError('internal', `the gradient of "${name}" has ${grads[name]?.length ?? 0} values, expected ${v.size}`);
  }
  const norm = tf.tidy(() => {
    const byName: Record<string, tf.Tensor> = {};
    for (const [name, v] of Object.entries(model.variables)) byName[name] = tf.tensor(grads[name]!, v.shape);
    return model.optimizer.apply(model.variables, byName, options.learningRate, options.gradClip);
  });
  const gradNorm = norm.dataSync()[0]!;
  norm.dispose();
  return { gradNorm };
}
