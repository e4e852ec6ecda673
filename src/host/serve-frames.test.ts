import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { nodeSpawner } from './engine-host';
import { encodeRawFrame, RawWs } from './fixtures/raw-ws';
import { serve, type ServeHandle } from './serve';

const fakeEngine = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fake-engine.mjs');

let dir: string;
let handle: ServeHandle;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolab-frames-'));
  handle = await serve({
    workspace: path.join(dir, 'ws'),
    rendererDir: path.join(dir, 'renderer'),
    spawn: nodeSpawner({ entry: fakeEngine, execArgv: [] }),
    log: () => undefined,
  });
  port = Number(new URL(handle.url).port);
});

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function health(): Promise<unknown> {
  const reply = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { Authorization: `Bearer ${handle.token}` } });
  return reply.json();
}

const text = (payload: Buffer | string) => ({ opcode: 0x1, payload });
// Each a single write: the frame a hostile or broken client sends, and the close code RFC 6455 asks for.
const malformed: Array<[string, number, Buffer]> = [
  ['an unmasked frame', 1002, encodeRawFrame({ ...text('{}'), mask: false })],
  ['a frame over 1 MiB', 1009, encodeRawFrame({ ...text(''), length: 2 * 1024 * 1024 })],
  ['a reserved data opcode', 1002, encodeRawFrame({ opcode: 0x3, payload: 'x' })],
  ['a reserved control opcode', 1002, encodeRawFrame({ opcode: 0xb, payload: 'x' })],
  ['RSV1 without an extension', 1002, encodeRawFrame({ ...text('{}'), rsv: 4 })],
  ['RSV2 and RSV3', 1002, encodeRawFrame({ ...text('{}'), rsv: 3 })],
  ['a text frame that is not UTF-8', 1007, encodeRawFrame(text(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))],
  ['a 2^63 length', 1009, encodeRawFrame({ ...text(''), length: 2n ** 63n })],
  ['a leading continuation frame', 1002, encodeRawFrame({ opcode: 0x0, payload: 'x' })],
  ['a ping over 125 bytes', 1002, encodeRawFrame({ opcode: 0x9, payload: Buffer.alloc(126, 1) })],
  ['a fragmented ping', 1002, encodeRawFrame({ opcode: 0x9, payload: 'x', fin: false })],
  ['a close frame with an invalid code', 1002, encodeRawFrame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) })],
  ['a one-byte close payload', 1002, encodeRawFrame({ opcode: 0x8, payload: Buffer.from([0x03]) })],
  ['a text frame inside a fragmented message', 1002, Buffer.concat([encodeRawFrame({ ...text('{'), fin: false }), encodeRawFrame(text('}'))])],
  ['an HTTP request instead of a frame', 1002, Buffer.from('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n')],
];

describe('serve: malformed WebSocket frames', () => {
  it.each(malformed)('closes the connection on %s (code %i) while the host, the engine and other clients carry on', async (_kind, code, bytes) => {
    const bystander = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${handle.token}`);
    await new Promise((resolve, reject) => {
      bystander.once('open', resolve);
      bystander.once('error', reject);
    });
    try {
      const raw = await RawWs.open(port, `/ws?token=${handle.token}`);
      raw.write(bytes);
      expect(await raw.waitClosed(5000)).toEqual({ closed: true, closeCode: code });

      expect(await health()).toEqual({ ok: true, engine: 'ready' });
      expect(bystander.readyState).toBe(WebSocket.OPEN);
      const reply = new Promise<unknown>((resolve) => {
        bystander.on('message', (data) => {
          const frame = JSON.parse(data.toString()) as { type: string };
          if (frame.type === 'response') resolve(frame);
        });
      });
      bystander.send(JSON.stringify({ type: 'request', id: 1, name: 'runs.list', input: {} }));
      expect(await reply).toEqual({ type: 'response', id: 1, ok: true, output: [] });
    } finally {
      bystander.terminate();
    }
  });
});
