/**
 * The data readers of the class stream: IDX (gzipped or not) and CSV read right, and malformed files are refused
 * naming the file, the byte offset or line, and the fix; the generated set is fixed; Fashion-MNIST reads when the
 * Debian package is installed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ClassStreamTaskConfig, FASHION_MNIST_DIR } from '../../../shared/class-stream';
import { CodedError } from '../../../shared/errors';
import { parseIdx, readIdxPair } from './idx';
import { loadClassData } from './index';
import { readLabelledCsv } from './labelled-csv';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-classdata-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function idx(type: number, dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}
function write(name: string, content: Buffer | string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}
function refusal(fn: () => unknown): CodedError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodedError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('IDX', () => {
  it('reads images and labels, gzipped or not', () => {
    const images = write('img.gz', zlib.gzipSync(idx(0x08, [3, 2, 2], [0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])));
    const labels = write('lab', idx(0x08, [3], [0, 2, 1]));
    const pair = readIdxPair({ file: images, field: 'task.data.trainImages' }, { file: labels, field: 'task.data.trainLabels' });
    expect(pair.count).toBe(3);
    expect(pair.features).toBe(4);
    expect(Array.from(pair.pixels.subarray(0, 4))).toEqual([0, 255, 1, 2]);
    expect(Array.from(pair.labels)).toEqual([0, 2, 1]);
  });

  it('refuses malformed files naming the file, the byte offset and the fix', () => {
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from('1,2,3\n'), /byte 0: the magic number starts 0x31 0x2c.*not an IDX file; give an IDX file/],
      [idx(0x0d, [2], [0, 0, 0, 0, 0, 0, 0, 0]), /byte 2: data type 0x0d \(float\); only unsigned bytes.*convert/],
      [idx(0x08, [4, 2], [1, 2, 3]), /byte 15: the data ends after 3 of the 8 bytes its header \[4 x 2\] promises; the file is truncated/],
      [idx(0x08, [1], [1, 2]), /byte 9: 1 bytes after the 1 its header \[1\] promises/],
      [Buffer.from([0, 0, 8]), /byte 0: 3 bytes, shorter than the 4-byte IDX magic number/],
    ];
    for (const [bytes, message] of cases) {
      const error = refusal(() => parseIdx(bytes, 'bad.idx', 'task.data.trainImages'));
      expect(error.message).toMatch(/^bad\.idx: /);
      expect(error.message).toMatch(message);
      expect(error.issues[0]!.path).toBe('task.data.trainImages');
    }
  });

  it('refuses labels that do not belong to the images', () => {
    const images = write('img2', idx(0x08, [3, 2], [1, 2, 3, 4, 5, 6]));
    const labels = write('lab2', idx(0x08, [2], [0, 1]));
    const error = refusal(() => readIdxPair({ file: images, field: 'task.data.trainImages' }, { file: labels, field: 'task.data.trainLabels' }));
    expect(error.message).toContain(`${labels}: byte 4: 2 labels for 3 images`);
    expect(error.issues[0]!.path).toBe('task.data.trainLabels');
  });
});

describe('CSV', () => {
  it('reads a label column and features, skipping a header and blank lines, and scales', () => {
    const file = write('ok.csv', 'label,a,b\n1,255,0\n\n0,51,102\n');
    const csv = readLabelledCsv(file, 'task.data.train', 1 / 255);
    expect(csv.count).toBe(2);
    expect(csv.features).toBe(2);
    expect(Array.from(csv.labels)).toEqual([1, 0]);
    expect(csv.values[0]).toBeCloseTo(1);
    expect(csv.values[3]).toBeCloseTo(0.4);
  });

  it('refuses a malformed line naming the file, the line and the fix', () => {
    const cases: Array<[string, RegExp]> = [
      ['1,2,3\n0,4\n', /bad\.csv: line 2: 1 features where the first example has 2; give every line the same number of columns/],
      ['1,2,3\n0,4,x\n', /bad\.csv: line 2, column 3: "x" is not a number; write every feature as a plain number/],
      ['1,2,3\n2.5,4,5\n', /bad\.csv: line 2: the label "2\.5" is not an integer 0\.\.999; put the class number/],
      ['a,b\n', /bad\.csv: line 1: no examples/],
      ['1\n', /bad\.csv: line 1: a label without features/],
    ];
    for (const [text, message] of cases) {
      const file = write('bad.csv', text);
      const error = refusal(() => readLabelledCsv(file, 'task.data.train', 1));
      expect(error.message.replace(tmp + path.sep, '')).toMatch(message);
      expect(error.issues[0]!.path).toBe('task.data.train');
    }
  });

  it('refuses validation data of another shape or with classes training never had', () => {
    const train = write('t.csv', '0,1,2\n1,3,4\n');
    const wide = write('v.csv', '0,1,2,3\n');
    const config = (validation: string) => ClassStreamTaskConfig.parse({ kind: 'class-stream', data: { source: 'csv', train, validation, featureScale: 1 } });
    expect(refusal(() => loadClassData(config(wide))).message).toMatch(/validation examples have 3 features and the training examples 2/);
    const unseen = write('u.csv', '5,1,2\n');
    expect(refusal(() => loadClassData(config(unseen))).message).toMatch(/a validation label is 5 but the training labels stop at 1/);
  });
});

describe('sources', () => {
  it('generates the same set on every call, whatever the run seed, with every class present', () => {
    const config = ClassStreamTaskConfig.parse({
      kind: 'class-stream',
      data: { source: 'generated', classes: 3, features: 4, trainSize: 60, validationSize: 30 },
    });
    const a = loadClassData(config);
    const b = loadClassData({ ...config, trainLimit: 60 });
    expect(Array.from(a.train.features)).toEqual(Array.from(b.train.features));
    expect(new Set(a.train.labels).size).toBe(3);
    expect(a.numClasses).toBe(3);
    expect(a.inputSize).toBe(4);
    expect(loadClassData({ ...config, trainLimit: 20 }).train.size).toBe(20);
  });

  it('names the missing Fashion-MNIST folder and how to install it', () => {
    const error = refusal(() =>
      loadClassData(ClassStreamTaskConfig.parse({ kind: 'class-stream', data: { source: 'fashion-mnist', dir: path.join(tmp, 'none') } })),
    );
    expect(error.message).toMatch(/no such file; install Fashion-MNIST \(apt-get install dataset-fashion-mnist\) or set task\.data\.dir/);
    expect(error.issues[0]!.path).toBe('task.data.dir');
  });

  it.runIf(fs.existsSync(path.join(FASHION_MNIST_DIR, 'train-labels-idx1-ubyte.gz')))('reads Fashion-MNIST from the Debian package', () => {
    const data = loadClassData(ClassStreamTaskConfig.parse({ kind: 'class-stream', data: { source: 'fashion-mnist' }, trainLimit: 100, validationLimit: 50 }));
    expect(data.inputSize).toBe(784);
    expect(data.numClasses).toBe(10);
    expect(data.classNames[9]).toBe('Ankle boot');
    expect(data.train.size).toBe(100);
    expect(data.validation.size).toBe(50);
  });
});
