/**
 * An event-file reader for tests, written against the formats' own specs and sharing no code with the writer
 * (tfevents.ts): TFRecord framing (tensorflow/core/lib/io/record_writer.cc: uint64 length, masked CRC32C of the
 * length, data, masked CRC32C of the data), a bit-at-a-time CRC-32C (RFC 3720, appendix B.4), and a generic
 * protobuf decoder reading event.proto / summary.proto by field number. Every CRC is checked.
 */
import fs from 'node:fs';

export function crc32cBitwise(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function unmask(masked: number): number {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot << 15) | (rot >>> 17)) >>> 0;
}

/** The data of every record, throwing on a bad length or data CRC. */
export function readRecords(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 12 > buf.length) throw new Error(`truncated record header at byte ${at}`);
    const lengthBytes = buf.subarray(at, at + 8);
    if (unmask(buf.readUInt32LE(at + 8)) !== crc32cBitwise(lengthBytes)) throw new Error(`bad length CRC at byte ${at}`);
    const length = Number(buf.readBigUInt64LE(at));
    const data = buf.subarray(at + 12, at + 12 + length);
    if (data.length !== length || at + 16 + length > buf.length) throw new Error(`truncated record at byte ${at}`);
    if (unmask(buf.readUInt32LE(at + 12 + length)) !== crc32cBitwise(data)) throw new Error(`bad data CRC at byte ${at}`);
    out.push(Buffer.from(data));
    at += 16 + length;
  }
  return out;
}

type Field = { wire: 0; value: bigint } | { wire: 1; value: Buffer } | { wire: 2; value: Buffer } | { wire: 5; value: Buffer };

/** field number -> every occurrence, in order. */
function decode(buf: Buffer): Map<number, Field[]> {
  const fields = new Map<number, Field[]>();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[at++];
      if (b === undefined) throw new Error('truncated varint');
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let f: Field;
    if (wire === 0) f = { wire, value: varint() };
    else if (wire === 1) f = { wire, value: buf.subarray(at, (at += 8)) };
    else if (wire === 5) f = { wire, value: buf.subarray(at, (at += 4)) };
    else if (wire === 2) {
      const n = Number(varint());
      f = { wire, value: buf.subarray(at, (at += n)) };
    } else throw new Error(`unexpected wire type ${wire}`);
    const list = fields.get(field) ?? [];
    list.push(f);
    fields.set(field, list);
  }
  return fields;
}

export interface ReadEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: Record<string, number>;
  texts: Record<string, string>;
}

export function parseEvent(data: Buffer): ReadEvent {
  const f = decode(data);
  const ev: ReadEvent = {
    wallTime: (f.get(1)?.[0]?.value as Buffer | undefined)?.readDoubleLE(0) ?? 0,
    step: Number((f.get(2)?.[0]?.value as bigint | undefined) ?? 0n),
    scalars: {},
    texts: {},
  };
  const version = f.get(3)?.[0];
  if (version) ev.fileVersion = (version.value as Buffer).toString('utf8');
  const summary = f.get(5)?.[0];
  if (!summary) return ev;
  for (const v of decode(summary.value as Buffer).get(1) ?? []) {
    const value = decode(v.value as Buffer);
    const tag = (value.get(1)![0].value as Buffer).toString('utf8');
    const simple = value.get(2)?.[0];
    if (simple) ev.scalars[tag] = (simple.value as Buffer).readFloatLE(0);
    const tensor = value.get(8)?.[0];
    if (tensor) {
      const t = decode(tensor.value as Buffer);
      const plugin = decode(decode(value.get(9)![0].value as Buffer).get(1)![0].value as Buffer);
      if ((plugin.get(1)![0].value as Buffer).toString('utf8') !== 'text') throw new Error(`tag ${tag}: tensor without the text plugin`);
      if (Number(t.get(1)![0].value) !== 7) throw new Error(`tag ${tag}: dtype is not DT_STRING`);
      ev.texts[tag] = (t.get(8)![0].value as Buffer).toString('utf8');
    }
  }
  return ev;
}

export function readEventFile(file: string): ReadEvent[] {
  return readRecords(fs.readFileSync(file)).map(parseEvent);
}
