/**
 * TensorBoard's event-file format, written by hand so that no TensorFlow or protobuf package is needed.
 *
 * A file is a sequence of TFRecords: uint64 length (little-endian), uint32 masked CRC32C of those 8 bytes, the
 * data, uint32 masked CRC32C of the data. Each record's data is one `tensorflow.Event` protobuf (event.proto):
 * wall_time (1, double), step (2, int64), file_version (3, string), summary (5, Summary). A Summary is repeated
 * Value (1); a Value has tag (1), simple_value (2, float: a scalar), tensor (8, TensorProto) and metadata (9,
 * SummaryMetadata, whose plugin_data (1) names the plugin: "text" for text summaries). The first record of a file
 * is the Event with file_version "brain.Event:2". TensorBoard reads files whose name contains "tfevents".
 */

const CASTAGNOLI = 0x82f63b78;
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum TFRecords use. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The masked CRC of TFRecords: rotate right by 15, add a constant (so a CRC of CRCs does not degenerate). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord around `data`. */
export function tfRecord(data: Uint8Array): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length), 0);
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([header, data, footer]);
}

/** A minimal protobuf encoder: the wire types event.proto and summary.proto use. */
class Proto {
  private readonly parts: Buffer[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    this.parts.push(Buffer.from(bytes));
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(Math.trunc(value));
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.parts.push(b);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array | string): this {
    const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    this.key(field, 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  message(field: number, inner: Proto): this {
    return this.bytes(field, inner.done());
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** TensorFlow's DT_STRING (types.proto). */
const DT_STRING = 7;

export type SummaryValue = { tag: string; scalar: number } | { tag: string; text: string };

function summaryValue(v: SummaryValue): Proto {
  const value = new Proto().bytes(1, v.tag);
  if ('scalar' in v) return value.float(2, v.scalar);
  // A text summary: a scalar DT_STRING tensor, marked for the text plugin.
  const tensor = new Proto().int(1, DT_STRING).message(2, new Proto()).bytes(8, v.text);
  const metadata = new Proto().message(1, new Proto().bytes(1, 'text'));
  return value.message(8, tensor).message(9, metadata);
}

/** The Event record that opens every event file. */
export function fileVersionRecord(wallTime: number): Buffer {
  return tfRecord(new Proto().double(1, wallTime).bytes(3, 'brain.Event:2').done());
}

/** One Event at `step` holding `values` (scalars and texts), as a TFRecord. */
export function summaryRecord(step: number, wallTime: number, values: SummaryValue[]): Buffer {
  const summary = new Proto();
  for (const v of values) summary.message(1, summaryValue(v));
  return tfRecord(new Proto().double(1, wallTime).int(2, step).message(5, summary).done());
}

/** The name TensorBoard looks for: `events.out.tfevents.<seconds>.<host>`. */
export function eventFileName(wallTime: number, host: string): string {
  const safeHost = host.replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';
  return `events.out.tfevents.${Math.floor(wallTime)}.${safeHost}`;
}
