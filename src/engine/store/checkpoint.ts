import fs from 'node:fs';
import path from 'node:path';
import { syncDir } from './durable';
import { AuditHead } from '../../shared/oversight';

/**
 * A checkpoint is one file: magic, a JSON header, then the Float32 blobs the header points at. The state is
 * walked generically: every Float32Array anywhere in it becomes `{"$blob": i}` in the header and its bytes go
 * after the header, so the format does not change when a session adds a field.
 *
 * Layout: "EVOLABC1" | uint32 LE header length | header JSON (UTF-8) | zero padding to 4 bytes | blobs.
 * Blobs are little-endian float32, at the offsets listed in the header (relative to the blob section).
 */
const MAGIC = Buffer.from('EVOLABC1', 'ascii');
export const TEMP_SUFFIX = '.tmp';

export interface CheckpointHeader {
  format: 1;
  runId: string;
  iteration: number;
  createdAt: string;
  /** The run config (the genome of this run). */
  config: unknown;
  state: unknown;
  blobs: Array<{ offset: number; length: number }>;
  /** The run's audit head when the checkpoint was written (see Checkpoint.auditHead). */
  auditHead?: AuditHead | null;
}

export interface Checkpoint<S> {
  runId: string;
  iteration: number;
  config: unknown;
  state: S;
  /**
   * The run's audit head (store.oversight.head(runId)) when this checkpoint was written: an anchor outside the
   * database and the head file, so `evolab audit` notices entries removed even when both were rewritten together.
   */
  auditHead?: AuditHead | null;
}

interface BlobRef {
  $blob: number;
}

function isBlobRef(value: unknown): value is BlobRef {
  return typeof value === 'object' && value !== null && typeof (value as { $blob?: unknown }).$blob === 'number' && Object.keys(value).length === 1;
}

function extractBlobs(value: unknown, blobs: Float32Array[]): unknown {
  if (value instanceof Float32Array) {
    blobs.push(value);
    return { $blob: blobs.length - 1 };
  }
  if (ArrayBuffer.isView(value)) {
    throw new Error('Checkpoint state may hold Float32Array blobs only; convert other typed arrays to plain arrays.');
  }
  if (Array.isArray(value)) return value.map((v) => extractBlobs(v, blobs));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = extractBlobs(v, blobs);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // JSON cannot hold NaN/Infinity; keep them exact so resumed runs match.
    return { $number: String(value) };
  }
  return value;
}

function restoreBlobs(value: unknown, blobs: Float32Array[]): unknown {
  if (isBlobRef(value)) {
    const blob = blobs[value.$blob];
    if (!blob) throw new Error(`Checkpoint is corrupt: blob ${value.$blob} is missing.`);
    return blob;
  }
  if (Array.isArray(value)) return value.map((v) => restoreBlobs(v, blobs));
  if (typeof value === 'object' && value !== null) {
    const rec = value as Record<string, unknown>;
    if (Object.keys(rec).length === 1 && typeof rec.$number === 'string') return Number(rec.$number);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) out[k] = restoreBlobs(v, blobs);
    return out;
  }
  return value;
}

/** Writes the checkpoint durably: temp file, fsync, rename, fsync of the directory. Returns the final path. */
export function writeCheckpoint<S>(file: string, checkpoint: Checkpoint<S>): string {
  const blobs: Float32Array[] = [];
  const state = extractBlobs(checkpoint.state, blobs);
  let offset = 0;
  const refs = blobs.map((b) => {
    const ref = { offset, length: b.length };
    offset += b.byteLength;
    return ref;
  });
  const header: CheckpointHeader = {
    format: 1,
    runId: checkpoint.runId,
    iteration: checkpoint.iteration,
    createdAt: new Date().toISOString(),
    config: checkpoint.config,
    state,
    blobs: refs,
    ...(checkpoint.auditHead ? { auditHead: { seq: checkpoint.auditHead.seq, hash: checkpoint.auditHead.hash } } : {}),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  const pad = Buffer.alloc((4 - ((MAGIC.length + 4 + json.length) % 4)) % 4);

  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = file + TEMP_SUFFIX;
  const fd = fs.openSync(temp, 'w');
  try {
    for (const part of [MAGIC, len, json, pad]) fs.writeSync(fd, part);
    for (const blob of blobs) fs.writeSync(fd, toLittleEndian(blob));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  syncDir(path.dirname(file));
  return file;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function toLittleEndian(blob: Float32Array): Uint8Array {
  const bytes = new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  if (littleEndian) return bytes;
  const out = Buffer.alloc(blob.byteLength);
  for (let i = 0; i < blob.length; i++) out.writeFloatLE(blob[i], i * 4);
  return out;
}

/** Reads a checkpoint written by writeCheckpoint; throws naming the file when it is not one. */
export function readCheckpoint<S>(file: string): Checkpoint<S> {
  const buf = fs.readFileSync(file);
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(`${file} is not an Evolab checkpoint.`);
  }
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  const header = JSON.parse(buf.subarray(headerStart, headerStart + headerLength).toString('utf8')) as CheckpointHeader;
  if (header.format !== 1) throw new Error(`${file} has checkpoint format ${String(header.format)}, which this Evolab cannot read.`);
  let blobStart = headerStart + headerLength;
  blobStart += (4 - (blobStart % 4)) % 4;
  const blobs = header.blobs.map(({ offset, length }) => {
    const start = blobStart + offset;
    if (start + length * 4 > buf.length) throw new Error(`${file} is truncated.`);
    const out = new Float32Array(length);
    if (littleEndian) new Uint8Array(out.buffer).set(buf.subarray(start, start + length * 4));
    else for (let i = 0; i < length; i++) out[i] = buf.readFloatLE(start + i * 4);
    return out;
  });
  return {
    runId: header.runId,
    iteration: header.iteration,
    config: header.config,
    state: restoreBlobs(header.state, blobs) as S,
    ...(header.auditHead ? { auditHead: header.auditHead } : {}),
  };
}

/** The audit head a checkpoint recorded, reading only its header; null when it has none or is not a checkpoint. */
export function readCheckpointAuditHead(file: string): AuditHead | null {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, 'r');
    const start = Buffer.alloc(MAGIC.length + 4);
    if (fs.readSync(fd, start, 0, start.length, 0) < start.length || !start.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    const header = Buffer.alloc(start.readUInt32LE(MAGIC.length));
    fs.readSync(fd, header, 0, header.length, start.length);
    const parsed = AuditHead.safeParse((JSON.parse(header.toString('utf8')) as CheckpointHeader).auditHead);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export function checkpointFileName(iteration: number): string {
  return `iter-${String(iteration).padStart(6, '0')}.ckpt`;
}

/** Removes temp files a killed writer left behind. */
export function removeTempFiles(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let removed = 0;
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith(TEMP_SUFFIX)) {
      fs.rmSync(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}
