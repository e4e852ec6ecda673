/**
 * The class-stream environment family: labelled examples in epochs (each a fresh shuffle of the training set by the
 * run's random stream), read in minibatches, with concept shift as in Man, Damasio and Neven 2022: N times per
 * epoch the labels of two random classes swap, in training and validation alike (the swaps compose: a label is its
 * original class through the current permutation). The rate N follows the task's schedule (from epoch e on, the
 * latest stage begun wins), so it may change during a run.
 *
 * Shift timing: after minibatch j of an epoch of B minibatches when floor((j+1) N / B) > floor(j N / B), i.e. N
 * swaps spread evenly over the epoch, the last one after its final minibatch. When the minibatch size divides
 * (training examples / N), as in the paper's runs, this is the authors' rule (a swap whenever the examples read in
 * the epoch are a multiple of training examples / N). Examples left over after the last whole minibatch of an epoch
 * are skipped that epoch, as the authors' loop does. The evaluation is the validation accuracy under the current
 * labels, as a scorecard (score, named splits with sizes) with the confusion matrix.
 */
import type { ClassStreamTaskConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { Rng } from '../core/random';
import { loadClassData, type ClassData, type ClassSplit } from './class-data';

/** Examples as the model reads them: rows of features, the labels they carry now. */
export interface ExampleBatch {
  n: number;
  x: Float32Array;
  labels: Int32Array;
}

/** One minibatch of the stream, with each example's position in the epoch. */
export interface StreamBatch extends ExampleBatch {
  positions: number[];
}

export interface ClassScorecard {
  /** Validation accuracy under the current labels: the score. */
  score: number;
  splits: Array<{ name: string; size: number; accuracy: number }>;
  /** confusion[true][predicted] counts over the validation examples. */
  confusion: number[][];
  classNames: string[];
  seconds: number;
}

export interface ClassStreamState {
  epoch: number;
  /** The minibatch of the epoch read next; -1 before the first epoch began. */
  batch: number;
  order: number[];
  /** labelMap[original class] = the class it is labelled as now. */
  labelMap: number[];
  shifts: number;
}

export class ClassStream {
  readonly numClasses: number;
  readonly inputSize: number;
  readonly classNames: string[];
  private state: ClassStreamState;

  constructor(
    readonly config: ClassStreamTaskConfig,
    readonly data: ClassData,
    readonly batchSize: number,
  ) {
    this.numClasses = data.numClasses;
    this.inputSize = data.inputSize;
    this.classNames = data.classNames;
    const batches = this.batchesPerEpoch;
    if (batches < 1)
      throw new CodedError(
        'invalid_config',
        `${data.train.size} training examples do not fill one minibatch of ${batchSize}; lower recipe.batchSize or give more data`,
        [{ path: 'recipe.batchSize', message: `more than the ${data.train.size} training examples` }],
      );
    for (const rate of [config.swapsPerEpoch, ...config.schedule.map((s) => s.swapsPerEpoch)]) {
      if (rate > batches)
        throw new CodedError(
          'invalid_config',
          `${rate} swaps per epoch, but an epoch has only ${batches} minibatches of ${batchSize}; at most one swap follows each minibatch, so set the rate to at most ${batches}`,
          [{ path: rate === config.swapsPerEpoch ? 'task.swapsPerEpoch' : 'task.schedule', message: `at most ${batches}` }],
        );
    }
    this.state = { epoch: 0, batch: -1, order: [], labelMap: Array.from({ length: this.numClasses }, (_, i) => i), shifts: 0 };
  }

  get batchesPerEpoch(): number {
    return Math.floor(this.data.train.size / this.batchSize);
  }

  get epoch(): number {
    return this.state.epoch;
  }

  /** Swaps so far. */
  get shifts(): number {
    return this.state.shifts;
  }

  get labelMap(): readonly number[] {
    return this.state.labelMap;
  }

  /** The shift rate of an epoch under the schedule. */
  swapsPerEpochAt(epoch: number): number {
    let rate = this.config.swapsPerEpoch;
    let from = -1;
    for (const s of this.config.schedule) {
      if (s.fromEpoch <= epoch && s.fromEpoch >= from) {
        rate = s.swapsPerEpoch;
        from = s.fromEpoch;
      }
    }
    return rate;
  }

  /** The next minibatch; starts a new epoch (a fresh shuffle) when the current one is done. */
  nextBatch(rng: Rng): StreamBatch {
    if (this.state.batch < 0 || this.state.batch >= this.batchesPerEpoch) this.newEpoch(rng);
    const start = this.state.batch * this.batchSize;
    const positions = Array.from({ length: this.batchSize }, (_, k) => start + k);
    return { positions, ...this.examples(positions) };
  }

  /** The training examples at these positions of the current epoch, with their current labels. */
  examples(positions: number[]): ExampleBatch {
    return this.rows(
      this.data.train,
      positions.map((p) => this.state.order[p]!),
    );
  }

  /** Which training examples (indices into the training split) sit at these positions of the current epoch. */
  indicesAt(positions: number[]): number[] {
    return positions.map((p) => this.state.order[p]!);
  }

  /** Training examples by index with the labels given (a replay memory's: the labels they had when seen). */
  remembered(indices: number[], labels: number[]): ExampleBatch {
    const batch = this.rows(this.data.train, indices);
    labels.forEach((l, i) => (batch.labels[i] = l));
    return batch;
  }

  /**
   * Ends the minibatch just read: the concept shift, when one is due, swaps two random classes. Returns the
   * classes swapped, or null.
   */
  endBatch(rng: Rng): [number, number] | null {
    const j = this.state.batch;
    this.state.batch += 1;
    const n = this.swapsPerEpochAt(this.state.epoch);
    const b = this.batchesPerEpoch;
    if (n === 0 || Math.floor(((j + 1) * n) / b) <= Math.floor((j * n) / b)) return null;
    const a = rng.int(this.numClasses);
    let c = rng.int(this.numClasses - 1);
    if (c >= a) c += 1;
    this.state.labelMap = this.state.labelMap.map((l) => (l === a ? c : l === c ? a : l));
    this.state.shifts += 1;
    return [a, c];
  }

  /** The validation scorecard of a predictor (the predicted class of each row). */
  evaluate(predict: (batch: ExampleBatch) => Int32Array): ClassScorecard {
    const t0 = performance.now();
    const v = this.data.validation;
    const k = this.numClasses;
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let correct = 0;
    const chunk = 1000;
    for (let s = 0; s < v.size; s += chunk) {
      const indices = Array.from({ length: Math.min(chunk, v.size - s) }, (_, i) => s + i);
      const batch = this.rows(v, indices);
      const predicted = predict(batch);
      for (let i = 0; i < batch.n; i++) {
        const truth = batch.labels[i]!;
        const guess = Math.min(k - 1, Math.max(0, predicted[i]!));
        confusion[truth]![guess]! += 1;
        if (truth === guess) correct += 1;
      }
    }
    const score = correct / Math.max(1, v.size);
    return {
      score,
      splits: [{ name: 'validation', size: v.size, accuracy: score }],
      confusion,
      classNames: [...this.classNames],
      seconds: (performance.now() - t0) / 1000,
    };
  }

  getState(): ClassStreamState {
    return { ...this.state, order: [...this.state.order], labelMap: [...this.state.labelMap] };
  }

  setState(state: ClassStreamState): void {
    if (
      !state ||
      !Array.isArray(state.labelMap) ||
      state.labelMap.length !== this.numClasses ||
      (state.batch >= 0 && state.order.length !== this.data.train.size)
    )
      throw new CodedError('invalid_request', 'this checkpoint holds another class stream (its classes or training examples differ from the task config)');
    this.state = { ...state, order: [...state.order], labelMap: [...state.labelMap] };
  }

  private newEpoch(rng: Rng): void {
    if (this.state.batch >= 0) this.state.epoch += 1;
    const order = Array.from({ length: this.data.train.size }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    this.state.order = order;
    this.state.batch = 0;
  }

  private rows(split: ClassSplit, indices: number[]): ExampleBatch {
    const d = this.inputSize;
    const x = new Float32Array(indices.length * d);
    const labels = new Int32Array(indices.length);
    indices.forEach((idx, i) => {
      const row = split.features.subarray(idx * d, (idx + 1) * d);
      if (split.scale === 1) x.set(row, i * d);
      else for (let f = 0; f < d; f++) x[i * d + f] = row[f]! * split.scale;
      labels[i] = this.state.labelMap[split.labels[idx]!]!;
    });
    return { n: indices.length, x, labels };
  }
}

/** The class stream a task config names, read in minibatches of `batchSize`. */
export function createClassStream(config: ClassStreamTaskConfig, batchSize: number): ClassStream {
  return new ClassStream(config, loadClassData(config), batchSize);
}
