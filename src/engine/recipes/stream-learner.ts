/**
 * The loop the class-stream learners share (homeostatic-lr.ts, constant-lr.ts, random-lr.ts): plain minibatch SGD
 * on the mean cross-entropy, as in the homeostatic paper's code. Each minibatch is first classified with the
 * current weights (the online training accuracy), then the learner's rule may move the learning rate eta, then one
 * shared training step updates the weights at eta (no clipping: the paper's update is w -= eta / m * sum of the
 * examples' gradients), then the stream applies a concept shift if one is due. The learners differ only in their
 * rule; each is one file with one registry line. With a memory of examples (`replay` > 0, replay-memory.ts) the
 * update is the mean over the minibatch and the next minibatch of remembered examples (off in the paper).
 */
import type { ConstantLrRecipeConfig, HomeostaticLrRecipeConfig, RandomLrRecipeConfig } from '../../shared/config';
import {
  LR_CHANGES,
  LR_ETA,
  LR_ETA_MAX,
  LR_ETA_MEAN,
  LR_ETA_MIN,
  SHIFT_ACC_AFTER,
  SHIFT_ACC_BEFORE,
  SHIFT_COUNT,
  SHIFT_RECOVERED,
  SHIFT_RECOVERY_STEPS,
  SHIFT_UNRECOVERED,
  TIME_TRAIN_S,
  TRAIN_ACCURACY,
  TRAIN_LOSS,
  TRAIN_REPLAYED,
  TRAIN_STEPS,
} from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import { trainStep } from '../core/train-step';
import type { StreamBatch } from '../environments/class-stream';
import { emptyShiftEvents, ShiftMonitor, type ShiftMonitorState } from '../monitors/shift';
import { tf } from '../tf';
import type { ClassifierModel, ClassStreamRecipe, ClassStreamRecipeContext, IterationResult } from '../types';
import { emptyReplay, ReplayMemory, type ReplayState } from './replay-memory';

export type LearnerConfig = HomeostaticLrRecipeConfig | ConstantLrRecipeConfig | RandomLrRecipeConfig;

/** What a learner's rule sees of one minibatch before its update. */
export interface RuleInput {
  batch: StreamBatch;
  /** The class each example of the batch is predicted as, by the weights before the update. */
  guesses: Int32Array;
  ctx: ClassStreamRecipeContext;
}

/** A learning-rate rule: the new eta for this minibatch's update (it may read and change the rule's own state). */
export interface RateRule {
  adjust(eta: number, input: RuleInput): number;
}

/** The least learning rate: where the paper's code clips a rate that went negative. */
export const MIN_ETA = 1e-8;

/** Mean cross-entropy of a batch, -mean(log softmax(logits)[label]); `weights` as in ClassifierModel.logits. */
export function crossEntropy(model: ClassifierModel, x: tf.Tensor2D, labels: tf.Tensor1D, weights?: Record<string, tf.Tensor>): tf.Scalar {
  const logp = tf.logSoftmax(model.logits(x, weights));
  return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(labels, model.numClasses)), 1))) as tf.Scalar;
}

export interface LearnerState {
  eta: number;
  monitor: ShiftMonitorState;
  /** The memory of examples; absent in checkpoints from before it existed (read as empty). */
  replay?: ReplayState;
}

/** The learning rate a learner's state holds (the rate now, not eta_0). */
export function learnerRate(state: unknown): number {
  const eta = (state as LearnerState | null)?.eta;
  if (typeof eta !== 'number') throw new Error('this learner state has no learning rate');
  return eta;
}

/** Concatenates two example batches' rows. */
function rowsOf(a: StreamBatch, b: { n: number; x: Float32Array; labels: Int32Array } | null, inputSize: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  if (!b || b.n === 0) return { x: tf.tensor2d(a.x, [a.n, inputSize]), y: tf.tensor1d(a.labels, 'int32') };
  const x = new Float32Array((a.n + b.n) * inputSize);
  x.set(a.x, 0);
  x.set(b.x, a.n * inputSize);
  const labels = new Int32Array(a.n + b.n);
  labels.set(a.labels, 0);
  labels.set(b.labels, a.n);
  return { x: tf.tensor2d(x, [a.n + b.n, inputSize]), y: tf.tensor1d(labels, 'int32') };
}

export function createStreamLearner(config: LearnerConfig, rule: RateRule): ClassStreamRecipe {
  let eta = config.learningRate;
  let monitorState: ShiftMonitorState = { recent: [], sinceShift: 0, open: [] };
  let replayState: ReplayState = emptyReplay();

  return {
    kind: config.kind,
    getState: (): LearnerState => ({ eta, monitor: structuredClone(monitorState), replay: structuredClone(replayState) }),
    setState(state: unknown) {
      const s = state as LearnerState | null;
      // eta may be exactly 0 (lrh.py clips only a rate below 0), never negative.
      if (typeof s?.eta !== 'number' || !(s.eta >= 0) || !s.monitor)
        throw new Error(`${config.kind}: the checkpoint's learner state has no learning rate or monitor`);
      eta = s.eta;
      monitorState = structuredClone(s.monitor);
      replayState = new ReplayMemory(config.replay, s.replay ?? emptyReplay()).getState();
    },
    async iterate(ctx: ClassStreamRecipeContext): Promise<IterationResult> {
      const t0 = performance.now();
      const mon = new ShiftMonitor(ctx.stream.config.recoveryWindow, ctx.stream.config.recoveryFraction);
      mon.setState(monitorState);
      const { model, stream, rng } = ctx;
      const memory = new ReplayMemory(config.replay, replayState);
      let replayed = 0;
      const events = emptyShiftEvents();
      const batches = config.batchesPerIteration;
      let correct = 0;
      let seen = 0;
      let loss = 0;
      let etaSum = 0;
      let etaMin = Infinity;
      let etaMax = -Infinity;
      let changes = 0;
      for (let b = 0; b < batches; b++) {
        if (b % 50 === 0) {
          ctx.progress('train', b, batches);
          await ctx.stepBoundary();
        }
        const batch = stream.nextBatch(rng);
        const guesses = model.predict(batch);
        const flags = Array.from(guesses, (g, i) => g === batch.labels[i]);
        correct += flags.filter(Boolean).length;
        seen += batch.n;
        const next = rule.adjust(eta, { batch, guesses, ctx });
        if (next !== eta) changes += 1;
        eta = next;
        const recalled = memory.next(config.batchSize);
        replayed += recalled.indices.length;
        const { x, y } = rowsOf(batch, recalled.indices.length > 0 ? stream.remembered(recalled.indices, recalled.labels) : null, model.inputSize);
        try {
          loss += trainStep(model.trainable, () => crossEntropy(model, x, y), { learningRate: eta, gradClip: Infinity }).loss;
        } finally {
          x.dispose();
          y.dispose();
        }
        memory.remember(stream.indicesAt(batch.positions), batch.labels);
        etaSum += eta;
        etaMin = Math.min(etaMin, eta);
        etaMax = Math.max(etaMax, eta);
        const swapped = stream.endBatch(rng);
        mon.afterBatch(flags, swapped !== null, events);
      }
      ctx.progress('train', batches, batches);
      monitorState = mon.getState();
      replayState = memory.getState();
      const seconds = (performance.now() - t0) / 1000;
      const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
      const metrics: Metrics = {
        [TRAIN_ACCURACY]: correct / Math.max(1, seen),
        [TRAIN_LOSS]: loss / batches,
        [TRAIN_STEPS]: batches,
        [LR_ETA]: eta,
        [LR_ETA_MEAN]: etaSum / batches,
        [LR_ETA_MIN]: etaMin,
        [LR_ETA_MAX]: etaMax,
        [LR_CHANGES]: changes,
        [SHIFT_COUNT]: events.shifts,
        [SHIFT_RECOVERED]: events.recoverySteps.length,
        [SHIFT_UNRECOVERED]: events.unrecovered,
        'stream/epoch': stream.epoch,
        [TIME_TRAIN_S]: seconds,
        'perf/examples_per_s': seconds > 0 ? seen / seconds : 0,
      };
      if (config.replay > 0) metrics[TRAIN_REPLAYED] = replayed;
      if (events.before.length > 0) metrics[SHIFT_ACC_BEFORE] = mean(events.before);
      if (events.after.length > 0) metrics[SHIFT_ACC_AFTER] = mean(events.after);
      if (events.recoverySteps.length > 0) metrics[SHIFT_RECOVERY_STEPS] = mean(events.recoverySteps);
      return { metrics, trajectories: [] };
    },
  };
}
