/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun's: two zero bytes, a type byte, a dimension count, each
 * dimension as a big-endian 32-bit integer, then the data), gzipped or not. Only unsigned bytes (type 0x08) are
 * read: images and labels of every MNIST-format data set are. A malformed file is refused naming the file, the
 * byte offset and the fix.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { CodedError } from '../../../shared/errors';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

/** A coded error for a data file: `<file>: <where>: <problem>; <fix>`, with the config field that names the file. */
export function dataError(field: string, file: string, where: string, problem: string, fix: string): CodedError {
  return new CodedError('invalid_config', `${file}: ${where}: ${problem}; ${fix}`, [{ path: field, message: `${where}: ${problem}` }]);
}

/** Reads a file's bytes, gunzipping when it starts with the gzip magic. */
export function readDataFile(field: string, file: string): Buffer {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CodedError('invalid_config', `${file}: cannot read it (${reason}); check ${field}, or install the data set`, [
      { path: field, message: `cannot read ${file}` },
    ]);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return zlib.gunzipSync(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw dataError(field, file, 'byte 0', `a gzip file that does not decompress (${reason})`, 'download or copy the file again');
    }
  }
  return raw;
}

/** Parses IDX bytes; `file` and `field` only name the file in errors. */
export function parseIdx(bytes: Uint8Array, file: string, field: string): IdxArray {
  const fail = (offset: number, problem: string, fix: string): never => {
    throw dataError(field, file, `byte ${offset}`, problem, fix);
  };
  if (bytes.length < 4) fail(0, `${bytes.length} bytes, shorter than the 4-byte IDX magic number`, 'give an IDX file (such as train-images-idx3-ubyte)');
  if (bytes[0] !== 0 || bytes[1] !== 0)
    fail(
      0,
      `the magic number starts ${hex(bytes[0]!)} ${hex(bytes[1]!)}, not 0x00 0x00: not an IDX file`,
      'give an IDX file (a CSV file goes under data.source "csv")',
    );
  const type = bytes[2]!;
  if (type !== 0x08)
    fail(
      2,
      `data type ${hex(type)} (${TYPE_NAMES[type] ?? 'unknown'}); only unsigned bytes (0x08) are read`,
      'convert the images and labels to unsigned bytes (0..255)',
    );
  const rank = bytes[3]!;
  if (rank < 1 || rank > 4) fail(3, `${rank} dimensions; images have 2 or 3 (count, rows, columns) and labels 1`, 'give an MNIST-format IDX file');
  const header = 4 + 4 * rank;
  if (bytes.length < header)
    fail(bytes.length, `the file ends inside its header (${header} bytes for ${rank} dimensions)`, 'the file is truncated: copy it again');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) {
    const n = view.getUint32(4 + 4 * d, false);
    if (n === 0) fail(4 + 4 * d, `dimension ${d} is 0`, 'give a file with at least one example');
    dims.push(n);
  }
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header < size)
    fail(
      bytes.length,
      `the data ends after ${bytes.length - header} of the ${size} bytes its header [${dims.join(' x ')}] promises`,
      'the file is truncated: copy it again',
    );
  if (bytes.length - header > size)
    fail(
      header + size,
      `${bytes.length - header - size} bytes after the ${size} its header [${dims.join(' x ')}] promises`,
      'give the file as written, without anything appended',
    );
  return { dims, data: bytes.subarray(header, header + size) };
}

/** Images (count x features, the trailing dimensions flattened) and their labels, checked against each other. */
export function readIdxPair(
  images: { file: string; field: string },
  labels: { file: string; field: string },
): { count: number; features: number; pixels: Uint8Array; labels: Uint8Array } {
  const img = parseIdx(readDataFile(images.field, images.file), images.file, images.field);
  const lab = parseIdx(readDataFile(labels.field, labels.file), labels.file, labels.field);
  if (img.dims.length < 2)
    throw dataError(
      images.field,
      images.file,
      'byte 3',
      'one dimension: this is a label file',
      `give the images file here and ${img.dims[0]} labels in ${labels.field}`,
    );
  if (lab.dims.length !== 1)
    throw dataError(
      labels.field,
      labels.file,
      'byte 3',
      `${lab.dims.length} dimensions: this is not a label file`,
      `give the labels file here (one dimension) and the images in ${images.field}`,
    );
  if (lab.dims[0] !== img.dims[0])
    throw dataError(
      labels.field,
      labels.file,
      'byte 4',
      `${lab.dims[0]} labels for ${img.dims[0]} images in ${images.file}`,
      'give the label file that belongs to these images',
    );
  const features = img.dims.slice(1).reduce((a, b) => a * b, 1);
  return { count: img.dims[0]!, features, pixels: img.data, labels: lab.data };
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}
