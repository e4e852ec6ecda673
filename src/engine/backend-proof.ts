/**
 * A backend is proved, not assumed: once a candidate loads, a tiny forward and backward of each model family (text
 * LM, policy-value MLP, classifier) runs on it and on the pure-JS cpu backend from the same seed, and its loss and
 * every gradient must match within a stated tolerance. A backend that loads but computes wrong (a driver bug, a
 * kernel missing its gradient, TF32 gone too far) is skipped with the family, the quantity and the difference, and
 * auto goes on to the next. It lives beside tf.ts rather than in it because it builds the models, which import tf.ts.
 */
import type { BackendName } from '../shared/config';
import type { BackendReport } from '../shared/run';
import { createClassifier } from './policies/classifier';
import { createMlpPolicy } from './policies/mlp';
import { createTransformerPolicy } from './policies/transformer';
import { createRng } from './rng';
import { initBackend, tf, type BackendProof, type ConcreteBackend, type ProbeResult } from './tf';

/**
 * Loss: |a - b| <= LOSS_TOL * max(1, |b|). A gradient tensor: max |a - b| <= GRAD_TOL * max |b| + 1e-6. Loose
 * enough for float32 summed in another order and for TF32 matmuls on Ampere and newer GPUs (10-bit mantissa,
 * about 1e-3 relative), tight enough that a wrong kernel (differences of order one) never passes.
 */
export const PROOF_TOLERANCE = { loss: 2e-3, grad: 2e-2 } as const;

const SEED = 17;

/** What one family's tiny step produced, read back to plain numbers. */
export interface FamilyResult {
  loss: number;
  grads: Record<string, Float32Array>;
}

export type Family = 'text LM' | 'policy-value MLP' | 'classifier';

/** Loss and gradients of one family at the fixed seed, on whatever backend is active; nothing is left allocated. */
export function runFamily(family: Family): FamilyResult {
  const rng = createRng(SEED);
  const model =
    family === 'text LM'
      ? createTransformerPolicy({ kind: 'transformer', dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8, vocabSize: 10 }, rng)
      : family === 'policy-value MLP'
        ? createMlpPolicy({ hidden: [16, 16], activation: 'tanh', inputSize: 6, numActions: 3 }, rng)
        : createClassifier({ hidden: [16, 12], activation: 'elu', inputSize: 8, numClasses: 4 }, rng);
  try {
    const vars = model.trainable.variables;
    const lossFn = lossOf(family, model, rng);
    const out: FamilyResult = { loss: NaN, grads: {} };
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, Object.values(vars));
      out.loss = value.dataSync()[0]!;
      for (const [name, v] of Object.entries(vars)) out.grads[name] = Float32Array.from(grads[v.name]!.dataSync());
    });
    return out;
  } finally {
    model.dispose();
  }
}

type AnyModel = ReturnType<typeof createTransformerPolicy> | ReturnType<typeof createMlpPolicy> | ReturnType<typeof createClassifier>;

/** Each family's loss as its algorithms build it: next-token likelihood, actor-critic, cross-entropy. */
function lossOf(family: Family, model: AnyModel, rng: ReturnType<typeof createRng>): () => tf.Scalar {
  if (family === 'text LM') {
    const lm = model as ReturnType<typeof createTransformerPolicy>;
    const sequences = [
      [1, 3, 4, 5, 2],
      [1, 6, 7, 8, 9, 2],
    ];
    const prepared = lm.prepare({ sequences, targetStart: [2, 2] });
    return () => {
      const mask = tf.tensor2d(prepared.mask, [prepared.batch, prepared.time]);
      return tf.neg(tf.div(tf.sum(tf.mul(lm.tokenLogProbs(prepared, true), mask)), tf.sum(mask))) as tf.Scalar;
    };
  }
  const n = 5;
  if (family === 'policy-value MLP') {
    const mlp = model as ReturnType<typeof createMlpPolicy>;
    const obs = Float32Array.from({ length: n * mlp.inputSize }, () => rng.normal());
    const actions = Array.from({ length: n }, () => rng.int(mlp.numActions));
    const returns = Float32Array.from({ length: n }, () => rng.normal());
    return () => {
      const { logits, value } = mlp.forward(tf.tensor2d(obs, [n, mlp.inputSize]));
      const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(actions, 'int32'), mlp.numActions)), 1);
      // The policy term weighted by fixed returns, the value term a squared error: both heads and the trunk get gradients.
      const target = tf.tensor1d(returns);
      return tf.add(tf.neg(tf.mean(tf.mul(picked, target))), tf.mul(0.5, tf.mean(tf.square(tf.sub(target, value))))) as tf.Scalar;
    };
  }
  const clf = model as ReturnType<typeof createClassifier>;
  const x = Float32Array.from({ length: n * clf.inputSize }, () => rng.normal());
  const labels = Array.from({ length: n }, () => rng.int(clf.numClasses));
  return () => {
    const logp = tf.logSoftmax(clf.logits(tf.tensor2d(x, [n, clf.inputSize])));
    return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(labels, 'int32'), clf.numClasses)), 1))) as tf.Scalar;
  };
}

export const FAMILIES: readonly Family[] = ['text LM', 'policy-value MLP', 'classifier'];

/** The first way `got` differs from the cpu's `want` beyond the tolerance, or null; and the worst relative difference. */
export function compareFamily(family: Family, got: FamilyResult, want: FamilyResult): { failure: string | null; worst: number } {
  const lossDiff = Math.abs(got.loss - want.loss);
  const lossTol = PROOF_TOLERANCE.loss * Math.max(1, Math.abs(want.loss));
  if (!(lossDiff <= lossTol)) {
    return {
      failure: `${family}: the loss is ${fmt(got.loss)} against the cpu's ${fmt(want.loss)} (difference ${fmt(lossDiff)}, tolerance ${fmt(lossTol)})`,
      worst: Infinity,
    };
  }
  let worst = lossDiff / Math.max(1, Math.abs(want.loss));
  for (const [name, ref] of Object.entries(want.grads)) {
    const g = got.grads[name];
    if (!g || g.length !== ref.length) return { failure: `${family}: the gradient of ${name} is missing or mis-sized`, worst: Infinity };
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < ref.length; i++) {
      scale = Math.max(scale, Math.abs(ref[i]!));
      const d = Math.abs(g[i]! - ref[i]!);
      // NaN (or an infinite value) must fail, and must not be overwritten by a later finite difference.
      if (Number.isNaN(d) || Number.isNaN(diff)) diff = NaN;
      else diff = Math.max(diff, d);
    }
    const tol = PROOF_TOLERANCE.grad * scale + 1e-6;
    if (!(diff <= tol)) {
      return {
        failure: `${family}: the gradient of ${name} differs from the cpu's by up to ${fmt(diff)} (largest cpu value ${fmt(scale)}, tolerance ${fmt(tol)})`,
        worst: Infinity,
      };
    }
    worst = Math.max(worst, diff / (scale + 1e-6));
  }
  return { failure: null, worst };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : String(x);
}

/**
 * Proves the active backend (`name`) against cpu and leaves it active again. cpu is the reference, so it passes as
 * itself. A family that throws on the candidate (a kernel or gradient it lacks) fails the proof with the message.
 */
export const proveBackend: BackendProof = async (name: ConcreteBackend): Promise<ProbeResult> => {
  if (name === 'cpu') return { ok: true, details: 'the reference backend' };
  const started = performance.now();
  const active = tf.getBackend();
  const results: FamilyResult[] = [];
  for (const family of FAMILIES) {
    try {
      results.push(runFamily(family));
    } catch (e) {
      return { ok: false, reason: `${family}: the forward and backward failed on ${name}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
    }
  }
  const onCandidate = performance.now() - started;
  let reference: FamilyResult[];
  try {
    await tf.setBackend('cpu');
    reference = FAMILIES.map((f) => runFamily(f));
  } finally {
    await tf.setBackend(active);
  }
  let worst = 0;
  for (let i = 0; i < FAMILIES.length; i++) {
    const { failure, worst: w } = compareFamily(FAMILIES[i]!, results[i]!, reference[i]!);
    if (failure) return { ok: false, reason: failure };
    worst = Math.max(worst, w);
  }
  return {
    ok: true,
    details: `loss and gradients of the text LM, policy-value MLP and classifier match cpu (worst relative difference ${fmt(worst)}; ${Math.round(onCandidate)} ms on ${name})`,
  };
};

/** The backend a run or `evolab doctor` uses: chosen by auto's order, each candidate proved before it is accepted. */
export function initProvenBackend(requested: BackendName): Promise<BackendReport> {
  return initBackend(requested, proveBackend);
}
