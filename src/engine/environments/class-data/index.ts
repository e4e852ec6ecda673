/**
 * The labelled examples of a class stream, by the task's data source: Fashion-MNIST (Debian's IDX files), the
 * user's IDX or CSV files, or a generated set. Every source gives the same shape: examples as rows of features
 * (unsigned bytes with a scale, or floats), integer labels 0..K-1, a training and a validation split. Checked in
 * full when read, so preflight refuses a malformed file before the run exists; the last data set read is kept for
 * the session that starts next, so a large file is read once.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ClassStreamTaskConfig } from '../../../shared/config';
import { CodedError } from '../../../shared/errors';
import { createRng } from '../../rng';
import { readIdxPair } from './idx';
import { readLabelledCsv } from './labelled-csv';

export interface ClassSplit {
  size: number;
  /** size x features, row-major: unsigned bytes (multiply by `scale`) or floats (already scaled). */
  features: Uint8Array | Float32Array;
  scale: number;
  /** The original label of each example, 0..numClasses-1. */
  labels: Int32Array;
}

export interface ClassData {
  /** Where the examples came from, in words. */
  name: string;
  numClasses: number;
  inputSize: number;
  classNames: string[];
  train: ClassSplit;
  validation: ClassSplit;
}

const FASHION_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

let remembered: { key: string; data: ClassData } | null = null;

/** Reads (or generates) and checks the examples a class-stream task names; throws a coded error naming the file. */
export function loadClassData(config: ClassStreamTaskConfig): ClassData {
  const key = JSON.stringify([config.data, config.trainLimit, config.validationLimit]);
  if (remembered?.key === key) return remembered.data;
  const data = limit(read(config), config);
  remembered = { key, data };
  return data;
}

function read(config: ClassStreamTaskConfig): ClassData {
  const d = config.data;
  switch (d.source) {
    case 'fashion-mnist': {
      const file = (name: string) => ({ file: findIdx(d.dir, name), field: 'task.data.dir' });
      const train = readIdxPair(file('train-images-idx3-ubyte'), file('train-labels-idx1-ubyte'));
      const validation = readIdxPair(file('t10k-images-idx3-ubyte'), file('t10k-labels-idx1-ubyte'));
      return checked('Fashion-MNIST', idxSplit(train), idxSplit(validation), train.features, validation.features, FASHION_NAMES, 'task.data.dir');
    }
    case 'idx': {
      const train = readIdxPair({ file: d.trainImages, field: 'task.data.trainImages' }, { file: d.trainLabels, field: 'task.data.trainLabels' });
      const validation = readIdxPair(
        { file: d.validationImages, field: 'task.data.validationImages' },
        { file: d.validationLabels, field: 'task.data.validationLabels' },
      );
      return checked(
        `IDX ${path.basename(d.trainImages)}`,
        idxSplit(train),
        idxSplit(validation),
        train.features,
        validation.features,
        null,
        'task.data.validationImages',
      );
    }
    case 'csv': {
      const train = readLabelledCsv(d.train, 'task.data.train', d.featureScale);
      const validation = readLabelledCsv(d.validation, 'task.data.validation', d.featureScale);
      const split = (c: typeof train): ClassSplit => ({ size: c.count, features: c.values, scale: 1, labels: c.labels });
      return checked(`CSV ${path.basename(d.train)}`, split(train), split(validation), train.features, validation.features, null, 'task.data.validation');
    }
    case 'generated':
      return generated(d.classes, d.features, d.trainSize, d.validationSize, d.noise);
  }
}

/** The gzipped or plain IDX file of that name in `dir`. */
function findIdx(dir: string, name: string): string {
  for (const candidate of [path.join(dir, name), path.join(dir, `${name}.gz`)]) if (fs.existsSync(candidate)) return candidate;
  throw new CodedError(
    'invalid_config',
    `${path.join(dir, name)}(.gz): no such file; install Fashion-MNIST (apt-get install dataset-fashion-mnist) or set task.data.dir to the folder holding its IDX files`,
    [{ path: 'task.data.dir', message: `no ${name} in ${dir}` }],
  );
}

function idxSplit(pair: { count: number; pixels: Uint8Array; labels: Uint8Array }): ClassSplit {
  return { size: pair.count, features: pair.pixels, scale: 1 / 255, labels: Int32Array.from(pair.labels) };
}

/** The two splits agree on the feature count; classes are 0..max label; at least two of them. */
function checked(
  name: string,
  train: ClassSplit,
  validation: ClassSplit,
  trainFeatures: number,
  validationFeatures: number,
  names: string[] | null,
  field: string,
): ClassData {
  if (trainFeatures !== validationFeatures)
    throw new CodedError(
      'invalid_config',
      `${name}: the validation examples have ${validationFeatures} features and the training examples ${trainFeatures}; give validation data of the same shape`,
      [{ path: field, message: `${validationFeatures} features, training has ${trainFeatures}` }],
    );
  let max = 0;
  for (const l of train.labels) max = Math.max(max, l);
  let valMax = 0;
  for (const l of validation.labels) valMax = Math.max(valMax, l);
  if (valMax > max)
    throw new CodedError(
      'invalid_config',
      `${name}: a validation label is ${valMax} but the training labels stop at ${max}; give validation labels of the training classes`,
      [{ path: field, message: `label ${valMax} never seen in training` }],
    );
  if (max < 1)
    throw new CodedError('invalid_config', `${name}: every training label is 0; a classifier needs at least two classes`, [
      { path: field, message: 'one class only' },
    ]);
  const numClasses = max + 1;
  return { name, numClasses, inputSize: trainFeatures, classNames: names ?? Array.from({ length: numClasses }, (_, i) => String(i)), train, validation };
}

function limit(data: ClassData, config: ClassStreamTaskConfig): ClassData {
  const cut = (s: ClassSplit, n: number | undefined): ClassSplit =>
    n === undefined || n >= s.size ? s : { size: n, features: s.features.subarray(0, n * data.inputSize), scale: s.scale, labels: s.labels.subarray(0, n) };
  return { ...data, train: cut(data.train, config.trainLimit), validation: cut(data.validation, config.validationLimit) };
}

/** One Gaussian cloud per class around a centre drawn from a fixed seed (not the run's): the same set on every machine. */
function generated(classes: number, features: number, trainSize: number, validationSize: number, noise: number): ClassData {
  const rng = createRng(20220517);
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: features }, () => rng.normal()));
  const split = (size: number): ClassSplit => {
    const values = new Float32Array(size * features);
    const labels = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const c = rng.int(classes);
      labels[i] = c;
      for (let k = 0; k < features; k++) values[i * features + k] = centres[c]![k]! + noise * rng.normal();
    }
    return { size, features: values, scale: 1, labels };
  };
  const train = split(trainSize);
  const validation = split(validationSize);
  return {
    name: `generated (${classes} classes, ${features} features)`,
    numClasses: classes,
    inputSize: features,
    classNames: Array.from({ length: classes }, (_, i) => String(i)),
    train,
    validation,
  };
}
