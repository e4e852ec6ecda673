/**
 * The WebSocket frame fuzzer: the real host (`evolab serve` in its own process, so a crash is a crash) and the real
 * engine, a small training run in flight, one well-behaved
 * client connected throughout, and a seeded stream of broken frames from a client that holds the token. Each frame
 * goes over a fresh upgraded connection; after each, the host must answer GET /api/health with the engine ready.
 * Known-malformed frames must be answered with their RFC 6455 close code; mutated valid frames (bit flips,
 * truncations, junk) may be anything, and only the host's survival counts.
 *
 * FAULTS_SCALE (default 1) scales the time budget (60 s); FAULTS_SEED replays a sequence.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeRawFrame, RawWs, type FrameSpec } from '../fixtures/raw-ws';
import { startCli } from '../cli-process';
import { recordFaults } from './report';

const scale = Number(process.env.FAULTS_SCALE ?? 1) || 1;
const seed = Number(process.env.FAULTS_SEED ?? 0x5eed) >>> 0;
const budgetMs = 60_000 * scale;

/** mulberry32: tiny, seeded, good enough to pick faults. */
function prng(state: number) {
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    int(n: number): number {
      return Math.floor(this.next() * n);
    },
    bytes(n: number): Buffer {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = this.int(256);
      return out;
    },
    pick<T>(items: readonly T[]): T {
      return items[this.int(items.length)]!;
    },
  };
}
type Rng = ReturnType<typeof prng>;

interface Fault {
  kind: string;
  bytes: Buffer;
  /** The close code RFC 6455 asks for, or null when the mutation may have left the frame valid or incomplete. */
  expect: number | null;
}

const request = (id: number) => JSON.stringify({ type: 'request', id, name: 'runs.list', input: {} });

/** Masked frames a real client sends; the mutations start from these. */
function validFrames(rng: Rng): Buffer[] {
  return [
    encodeRawFrame({ opcode: 0x1, payload: request(rng.int(1000)) }),
    encodeRawFrame({ opcode: 0x9, payload: rng.bytes(rng.int(126)) }),
    encodeRawFrame({ opcode: 0xa, payload: rng.bytes(rng.int(16)) }),
    encodeRawFrame({ opcode: 0x2, payload: rng.bytes(rng.int(300)) }),
    Buffer.concat([encodeRawFrame({ opcode: 0x1, payload: '{"type":"req', fin: false }), encodeRawFrame({ opcode: 0x0, payload: 'uest","id":1}' })]),
    encodeRawFrame({ opcode: 0x1, payload: 'x'.repeat(200 + rng.int(70_000)) }),
  ];
}

const malformed: Array<{ kind: string; expect: number; make: (rng: Rng) => FrameSpec | Buffer }> = [
  { kind: 'unmasked', expect: 1002, make: (rng) => ({ opcode: 0x1, payload: request(rng.int(9)), mask: false }) },
  { kind: 'too-big', expect: 1009, make: (rng) => ({ opcode: rng.pick([0x1, 0x2]), length: (1 << 20) + 1 + rng.int(1 << 30) }) },
  { kind: 'length-2^63', expect: 1009, make: (rng) => ({ opcode: 0x1, length: 2n ** 63n + BigInt(rng.int(1000)) }) },
  { kind: 'length-over-2^53', expect: 1009, make: (rng) => ({ opcode: 0x2, length: 2n ** 53n + BigInt(rng.int(1000)) }) },
  { kind: 'bad-opcode', expect: 1002, make: (rng) => ({ opcode: rng.pick([0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf]), payload: 'x' }) },
  { kind: 'rsv-bits', expect: 1002, make: (rng) => ({ opcode: 0x1, payload: '{}', rsv: 1 + rng.int(7) }) },
  {
    kind: 'bad-utf8',
    expect: 1007,
    make: (rng) => ({
      opcode: 0x1,
      payload: Buffer.concat([
        Buffer.from('{"a":"'),
        rng.pick([Buffer.from([0xff]), Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x28, 0xa1])]),
        Buffer.from('"}'),
      ]),
    }),
  },
  { kind: 'leading-continuation', expect: 1002, make: (rng) => ({ opcode: 0x0, payload: rng.bytes(1 + rng.int(20)), fin: rng.int(2) === 0 }) },
  { kind: 'large-ping', expect: 1002, make: (rng) => ({ opcode: rng.pick([0x8, 0x9, 0xa]), payload: rng.bytes(126 + rng.int(1000)) }) },
  { kind: 'fragmented-control', expect: 1002, make: (rng) => ({ opcode: rng.pick([0x9, 0xa]), payload: 'p', fin: false }) },
  // Codes below 768 and from 5120 up are never valid (RFC 6455 7.4).
  {
    kind: 'bad-close-code',
    expect: 1002,
    make: (rng) => ({ opcode: 0x8, payload: Buffer.from([rng.pick([0x00, 0x01, 0x02, 0x14, 0x80, 0xff]), rng.int(256)]) }),
  },
  {
    kind: 'new-message-mid-fragment',
    expect: 1002,
    make: () => Buffer.concat([encodeRawFrame({ opcode: 0x1, payload: '{', fin: false }), encodeRawFrame({ opcode: 0x2, payload: '}' })]),
  },
  // Byte 0 of random junk with RSV bits set, as in almost any text a confused client writes.
  { kind: 'random-bytes', expect: 1002, make: (rng) => Buffer.concat([Buffer.from([0x70 | rng.int(16)]), rng.bytes(1 + rng.int(200))]) },
];

function nextFault(rng: Rng): Fault {
  if (rng.next() < 0.5) {
    const entry = rng.pick(malformed);
    const made = entry.make(rng);
    return { kind: entry.kind, bytes: Buffer.isBuffer(made) ? made : encodeRawFrame(made), expect: entry.expect };
  }
  const base = Buffer.from(rng.pick(validFrames(rng)));
  const mutation = rng.pick(['bit-flip', 'truncate', 'append-junk', 'random-junk', 'overwrite-header'] as const);
  let bytes: Buffer;
  switch (mutation) {
    case 'bit-flip':
      for (let i = 1 + rng.int(4); i > 0; i--) base[rng.int(base.length)]! ^= 1 << rng.int(8);
      bytes = base;
      break;
    case 'truncate':
      bytes = base.subarray(0, rng.int(base.length));
      break;
    case 'append-junk':
      bytes = Buffer.concat([base, rng.bytes(1 + rng.int(64))]);
      break;
    case 'random-junk':
      bytes = rng.bytes(1 + rng.int(512));
      break;
    case 'overwrite-header':
      base[0] = rng.int(256);
      base[1] = rng.int(256);
      bytes = base;
      break;
  }
  return { kind: `mutated:${mutation}`, bytes, expect: null };
}

/** Writes in random pieces sometimes, so the parser sees frames split at every boundary. */
async function writeSplit(raw: RawWs, bytes: Buffer, rng: Rng): Promise<void> {
  if (bytes.length < 2 || rng.next() < 0.7) return raw.write(bytes);
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + rng.int(Math.min(64, bytes.length - at));
    raw.write(bytes.subarray(at, at + size));
    at += size;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

let dir: string;
let host: ChildProcess;
let hostExited = false;
let hostOutput = '';
let port: number;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolab-frames-fuzz-'));
  host = startCli(['serve', '--port', '0', '--backend', 'cpu', '--workspace', path.join(dir, 'ws')]);
  host.once('exit', () => (hostExited = true));
  host.stderr!.on('data', (chunk: Buffer) => (hostOutput += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    host.stdout!.on('data', (chunk: Buffer) => {
      hostOutput += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(hostOutput);
      if (match && !token) {
        port = Number(match[1]);
        token = match[2]!;
        resolve();
      }
    });
    host.once('exit', (code, signal) => reject(new Error(`evolab serve exited (${code ?? signal}) before printing its URL:\n${hostOutput}`)));
  });
});

afterAll(async () => {
  if (host && !hostExited) {
    const exited = new Promise((resolve) => host.once('exit', resolve));
    host.kill('SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function health(): Promise<boolean> {
  try {
    const reply = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
    const body = (await reply.json()) as { ok?: boolean; engine?: string };
    return reply.status === 200 && body.ok === true && body.engine === 'ready';
  } catch {
    return false;
  }
}

/** The client that behaves: it must stay connected and keep getting answers. */
class Bystander {
  private nextId = 1;
  private readonly waiting = new Map<number, (frame: { ok: boolean; output?: unknown }) => void>();
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: number; ok: boolean; output?: unknown };
      if (frame.type === 'response' && frame.id !== undefined) this.waiting.get(frame.id)?.(frame);
    });
  }
  static async open(): Promise<Bystander> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new Bystander(socket);
  }
  call(name: string, input: unknown, timeoutMs = 10_000): Promise<{ ok: boolean; output?: unknown } | null> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      this.waiting.set(id, (frame) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(frame);
      });
      this.socket.send(JSON.stringify({ type: 'request', id, name, input }));
    });
  }
}

describe('fault injection: malformed WebSocket frames', () => {
  it(`the host, its engine, a training run and other clients survive ~${Math.round(budgetMs / 1000)} s of broken frames (seed ${seed})`, async () => {
    const rng = prng(seed);
    const bystander = await Bystander.open();
    const started = await bystander.call('runs.start', { preset: 'addition-star-smoke', seed: 1 }, 60_000);
    expect(started?.ok, 'the training run starts').toBe(true);
    const runId = (started!.output as { runId: string }).runId;

    const failures = { hostDown: 0, otherClientDropped: 0, noCloseCode: 0, wrongCloseCode: 0, engineRestarted: 0, runInterrupted: 0 };
    const perKind: Record<string, number> = {};
    const closeCodes: Record<string, number> = {};
    const firstFailures: string[] = [];
    const fail = (what: keyof typeof failures, trial: number, kind: string, detail = '') => {
      failures[what]++;
      if (firstFailures.length < 20) firstFailures.push(`trial ${trial} (${kind}): ${what}${detail ? ` ${detail}` : ''}`);
    };

    const deadline = Date.now() + budgetMs;
    let trials = 0;
    while (Date.now() < deadline) {
      const fault = nextFault(rng);
      trials++;
      perKind[fault.kind] = (perKind[fault.kind] ?? 0) + 1;
      let raw: RawWs | null = null;
      try {
        raw = await RawWs.open(port, `/ws?token=${token}`);
      } catch (error) {
        fail('hostDown', trials, fault.kind, `upgrade failed: ${String(error)}`);
      }
      if (raw) {
        await writeSplit(raw, fault.bytes, rng);
        const seen = await raw.waitClosed(fault.expect === null ? 100 : 5000);
        closeCodes[String(seen.closeCode)] = (closeCodes[String(seen.closeCode)] ?? 0) + 1;
        if (fault.expect !== null && seen.closeCode === null) fail('noCloseCode', trials, fault.kind);
        else if (fault.expect !== null && seen.closeCode !== fault.expect) fail('wrongCloseCode', trials, fault.kind, `${seen.closeCode} != ${fault.expect}`);
      }
      if (!(await health())) {
        fail('hostDown', trials, fault.kind, hostExited ? `the host exited:\n${hostOutput.slice(-600)}` : 'no health answer');
        if (hostExited) break;
      }
      if (bystander.socket.readyState !== WebSocket.OPEN) {
        fail('otherClientDropped', trials, fault.kind);
        break;
      }
      if (trials % 50 === 0 && !(await bystander.call('runs.list', {}))?.ok) fail('otherClientDropped', trials, fault.kind, 'no answer');
    }

    failures.engineRestarted = hostOutput.split('\n').filter((line) => line.includes('the engine crashed')).length;
    const run = await bystander.call('runs.get', { runId });
    const runStatus = (run?.output as { status?: string } | undefined)?.status ?? 'unknown';
    if (!run?.ok || runStatus === 'interrupted' || runStatus === 'failed') failures.runInterrupted = 1;
    bystander.socket.terminate();

    recordFaults('frames', {
      summary: `${trials} broken WebSocket frames (half known-malformed, half mutated valid frames) against the real host and engine with a training run in flight; health checked after each`,
      trials,
      failures,
      details: { seed, scale, budgetMs, perKind, closeCodes, runStatus, firstFailures },
    });
    expect(firstFailures).toEqual([]);
    expect(failures).toEqual({ hostDown: 0, otherClientDropped: 0, noCloseCode: 0, wrongCloseCode: 0, engineRestarted: 0, runInterrupted: 0 });
  });
});
