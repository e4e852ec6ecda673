import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { nodeSpawner } from './engine-host';
import { serve, type ServeHandle } from './serve';

const fakeEngine = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fake-engine.mjs');
const spawn = nodeSpawner({ entry: fakeEngine, execArgv: [] });

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw http.request so paths like /../ reach the server unnormalised. */
function get(base: string, rawPath: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: rawPath, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type WsFrame = {
  type: string;
  id?: number;
  ok?: boolean;
  output?: unknown;
  error?: { code: string; issues: { path: string }[] };
  name?: string;
  payload?: unknown;
};

class Client {
  readonly frames: WsFrame[] = [];
  private waiters: Array<{ test: (f: WsFrame) => boolean; resolve: (f: WsFrame) => void }> = [];
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as WsFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.test(frame) ? (w.resolve(frame), false) : true));
    });
  }
  static open(url: string): Promise<Client> {
    const socket = new WebSocket(url);
    const client = new Client(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }
  next(test: (f: WsFrame) => boolean): Promise<WsFrame> {
    const seen = this.frames.find(test);
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
  request(id: number, name: string, input: unknown): Promise<WsFrame> {
    this.socket.send(JSON.stringify({ type: 'request', id, name, input }));
    return this.next((f) => f.type === 'response' && f.id === id);
  }
}

let dir: string;
let handle: ServeHandle;
let base: string;
let wsBase: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolab-serve-'));
  mkdirSync(path.join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Evolab</title><script src="/assets/app.js"></script>');
  writeFileSync(path.join(dir, 'renderer', 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  handle = await serve({ workspace: path.join(dir, 'ws'), rendererDir: path.join(dir, 'renderer'), spawn, log: () => undefined });
  const url = new URL(handle.url);
  base = `${url.protocol}//${url.host}`;
  wsBase = `ws://${url.host}`;
});

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve: the token', () => {
  it('prints a loopback URL carrying a 32-character base64url token', () => {
    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(handle.url.endsWith(handle.token)).toBe(true);
  });

  it.each(['/', '/assets/app.js', '/api/health', '/index.html?token=wrong-token'])('refuses %s without a valid token', async (p) => {
    const reply = await get(base, p);
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('needs its access token');
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('refuses API calls that carry the token only in the page cookie', async () => {
    const page = await get(base, `/?token=${handle.token}`);
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect((await get(base, '/api/health', { Cookie: cookie })).status).toBe(401);
    const ok = await get(base, '/api/health', { Authorization: `Bearer ${handle.token}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, engine: 'ready' });
  });

  it('refuses a WebSocket without the token, or with a wrong one', async () => {
    for (const url of [`${wsBase}/ws`, `${wsBase}/ws?token=${'x'.repeat(32)}`]) {
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(url);
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => undefined);
      });
      expect(status).toBe(401);
    }
  });
});

describe('serve: pages and assets', () => {
  it('serves the page with a strict CSP and sets an HttpOnly SameSite=Strict cookie', async () => {
    const page = await get(base, `/?token=${handle.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${wsBase}`);
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain(handle.token);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await get(base, '/assets/app.js', { Cookie: cookie.split(';')[0] });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.body).toBe('console.log("app")');
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt'])(
    'does not leave the renderer folder for %s',
    async (p) => {
      const reply = await get(base, `${p}?token=${handle.token}`);
      expect(reply.body).not.toContain('outside the renderer');
      expect(reply.status).toBe(404);
    },
  );

  it('says how to build the renderer when it is missing', async () => {
    const other = await serve({ workspace: path.join(dir, 'ws2'), rendererDir: path.join(dir, 'nothing'), spawn, log: () => undefined });
    try {
      const reply = await get(other.url, `/?token=${other.token}`);
      expect(reply.status).toBe(503);
      expect(reply.body).toContain('npm run build:renderer');
    } finally {
      await other.close();
    }
  });
});

describe('serve: the WebSocket bridge', () => {
  it('forwards valid requests and answers malformed frames with coded errors', async () => {
    const client = await Client.open(`${wsBase}/ws?token=${handle.token}`);
    try {
      const status = await client.next((f) => f.type === 'event' && f.name === 'engine.status');
      expect(status.payload).toEqual({ state: 'ready' });
      expect(await client.request(1, 'runs.list', {})).toMatchObject({ ok: true, output: [] });

      client.socket.send('this is not json');
      const notJson = await client.next((f) => f.type === 'response' && f.id === -1);
      expect(notJson.error?.code).toBe('invalid_request');

      client.socket.send(JSON.stringify({ type: 'requets', id: 7, name: 'runs.list', input: {} }));
      const badType = await client.next((f) => f.type === 'response' && f.id === 7);
      expect(badType.error?.code).toBe('invalid_request');

      const badInput = await client.request(2, 'runs.get', { runId: 5 });
      expect(badInput.ok).toBe(false);
      expect(badInput.error?.code).toBe('invalid_request');
      expect(badInput.error?.issues.map((i) => i.path)).toEqual(['runId']);

      const unknown = await client.request(3, 'runs.explode', {});
      expect(unknown.error?.issues.map((i) => i.path)).toEqual(['name']);
    } finally {
      client.socket.close();
    }
  });

  it('kills the engine on engine.kill, broadcasts the states and serves again from a fresh process', async () => {
    const client = await Client.open(`${wsBase}/ws?token=${handle.token}`);
    try {
      await client.next((f) => f.type === 'event' && f.name === 'engine.status');
      const killed = await client.request(11, 'engine.kill', {});
      expect(killed).toMatchObject({ ok: true, output: { killed: true } });
      const states = client.frames.filter((f) => f.type === 'event' && f.name === 'engine.status').map((f) => (f.payload as { state: string }).state);
      expect(states).toEqual(['killed', 'starting', 'ready']);
      expect(await client.request(12, 'runs.list', {})).toMatchObject({ ok: true });
    } finally {
      client.socket.close();
    }
  });
});

function wsStatus(url: string, options: { headers?: Record<string, string>; origin?: string } = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, options);
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => undefined);
  });
}

describe('serve: Host and Origin (DNS rebinding)', () => {
  const port = () => new URL(base).port;

  it.each(['evil.example:PORT', '127.0.0.1.evil.example:PORT', 'evil.example', 'localhost.evil.example:PORT', '127.0.0.1:PORT@evil.example'])(
    'refuses Host %j with 421 before looking at the token',
    async (host) => {
      const value = host.replace('PORT', port());
      for (const p of [`/?token=${handle.token}`, '/api/health']) {
        const reply = await get(base, p, { Host: value, Authorization: `Bearer ${handle.token}` });
        expect(reply.status).toBe(421);
        expect(reply.body).toContain('answers only to its own address');
        expect(reply.headers['set-cookie']).toBeUndefined();
      }
      expect(await wsStatus(`${wsBase}/ws?token=${handle.token}`, { headers: { Host: value } })).toBe(421);
    },
  );

  // Any port: an SSH tunnel reaches the server as localhost:<the forwarded port>.
  it.each(['localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT', 'LocalHost:PORT', 'localhost:9000', 'localhost'])('answers Host %s', async (host) => {
    const value = host.replace('PORT', port());
    const reply = await get(base, '/api/health', { Host: value, Authorization: `Bearer ${handle.token}` });
    expect(reply.status).toBe(200);
    expect(await wsStatus(`${wsBase}/ws?token=${handle.token}`, { headers: { Host: value } })).toBe(101);
  });

  it.each(['http://evil.example', 'http://localhost.evil.example:PORT', 'null', `https://127.0.0.1:PORT`, 'http://127.0.0.1:PORT/x'])(
    'refuses a WebSocket opened by a page of origin %s with 403',
    async (origin) => {
      expect(await wsStatus(`${wsBase}/ws?token=${handle.token}`, { origin: origin.replace('PORT', port()) })).toBe(403);
    },
  );

  it('accepts a WebSocket from its own page under either loopback name, and from clients that send no Origin', async () => {
    expect(await wsStatus(`${wsBase}/ws?token=${handle.token}`, { origin: `http://127.0.0.1:${port()}` })).toBe(101);
    expect(await wsStatus(`${wsBase}/ws?token=${handle.token}`, { origin: `http://localhost:${port()}` })).toBe(101);
    // The page as an SSH tunnel serves it, on the forwarded port.
    expect(await wsStatus(`${wsBase}/ws?token=${handle.token}`, { origin: 'http://localhost:9000' })).toBe(101);
    expect(await wsStatus(`${wsBase}/ws?token=${handle.token}`)).toBe(101);
  });
});

describe('serve: the API', () => {
  const auth = () => ({ Authorization: `Bearer ${handle.token}` });

  it.each(['bearer', 'BEARER', 'BeArEr'])('accepts the token under the scheme name %s', async (scheme) => {
    const reply = await get(base, '/api/health', { Authorization: `${scheme} ${handle.token}` });
    expect(reply.status).toBe(200);
  });

  it.each(['/api/runs.%E0%A4%A', '/api/runs%', '/api/%zz'])('answers a malformed percent-escape in %s with 400 naming the request name', async (p) => {
    const reply = await get(base, p, auth(), 'POST', '{}');
    expect(reply.status).toBe(400);
    const body = JSON.parse(reply.body) as { ok: boolean; error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.issues.map((i) => i.path)).toEqual(['name']);
  });

  it.each(['http://[/', 'http://127.0.0.1:1/api/health'])('answers the target %s (not a path) with 400, not 500', async (p) => {
    expect((await get(base, p, auth())).status).toBe(400);
  });

  it('answers an unknown run with 404 and its coded error', async () => {
    const reply = await get(base, '/api/runs.get', { ...auth(), 'Content-Type': 'application/json' }, 'POST', JSON.stringify({ runId: 'missing' }));
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'unknown_run' } });
  });

  it('answers an invalid input with 400', async () => {
    const reply = await get(base, '/api/runs.get', auth(), 'POST', JSON.stringify({ runId: 5 }));
    expect(reply.status).toBe(400);
  });

  it('answers a body over 1 MiB with 413, whether it says its length or not', async () => {
    const big = JSON.stringify({ runId: 'x'.repeat(1 << 20) });
    const declared = await get(base, '/api/runs.get', auth(), 'POST', big);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const chunked = await get(base, '/api/runs.get', { ...auth(), 'Transfer-Encoding': 'chunked' }, 'POST', big);
    expect(chunked.status).toBe(413);
    expect((await get(base, '/api/health', auth())).status).toBe(200);
  });
});

describe('serve: task files', () => {
  const jsonl = (file: string) => JSON.stringify({ config: { task: { kind: 'jsonl', path: file } } });
  const auth = () => ({ Authorization: `Bearer ${handle.token}` });

  it('refuses a runs.start whose task file lies outside the workspace, over HTTP and the WebSocket, before the engine sees it', async () => {
    const reply = await get(base, '/api/runs.start', auth(), 'POST', jsonl(path.join(dir, 'secret.txt')));
    expect(reply.status).toBe(403);
    const body = JSON.parse(reply.body) as { error: { code: string; message: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('path_not_allowed');
    expect(body.error.issues.map((i) => i.path)).toEqual(['task.path']);
    expect(body.error.message).toContain('--allow-path');
    const client = await Client.open(`${wsBase}/ws?token=${handle.token}`);
    try {
      const viaWs = await client.request(21, 'runs.start', JSON.parse(jsonl(path.join(dir, 'ws', '..', 'secret.txt'))));
      expect(viaWs).toMatchObject({ ok: false, error: { code: 'path_not_allowed' } });
    } finally {
      client.socket.close();
    }
  });

  it('forwards a task file inside the workspace as its real path', async () => {
    const reply = await get(base, '/api/runs.start', auth(), 'POST', jsonl(path.join(dir, 'ws', 'tasks', 'p.jsonl')));
    expect(reply.status).toBe(200);
    const forwarded = (JSON.parse(reply.body) as { output: { forwarded: { config: { task: { path: string } } } } }).output.forwarded;
    expect(forwarded.config.task.path).toBe(path.join(realpathSync(dir), 'ws', 'tasks', 'p.jsonl'));
  });

  it('refuses files.pickTask with 501 and says to use --allow-path or the workspace: a browser page has no native dialog', async () => {
    const reply = await get(base, '/api/files.pickTask', auth(), 'POST', '{}');
    expect(reply.status).toBe(501);
    const body = JSON.parse(reply.body) as { ok: boolean; error: { code: string; message: string } };
    expect(body).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(body.error.message).toContain('evolab serve --allow-path FILE');
    expect(body.error.message).toContain('into the workspace');
    const client = await Client.open(`${wsBase}/ws?token=${handle.token}`);
    try {
      expect(await client.request(22, 'files.pickTask', {})).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    } finally {
      client.socket.close();
    }
    // Nothing was allowed by asking: a file outside stays refused.
    expect((await get(base, '/api/runs.start', auth(), 'POST', jsonl(path.join(dir, 'secret.txt')))).status).toBe(403);
  });

  it('lets a file given with --allow-path through', async () => {
    const other = await serve({
      workspace: path.join(dir, 'ws3'),
      rendererDir: path.join(dir, 'renderer'),
      allowPaths: [path.join(dir, 'secret.txt')],
      spawn,
      log: () => undefined,
    });
    try {
      const reply = await get(other.url, '/api/runs.start', { Authorization: `Bearer ${other.token}` }, 'POST', jsonl(path.join(dir, 'secret.txt')));
      expect(reply.status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
