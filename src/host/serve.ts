import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { CodedError, type ErrorCode } from '../shared/errors';
import { EngineHost, packageRoot, type EngineSpawner } from './engine-host';
import { UNAUTHORIZED_MESSAGE, authenticate, createToken, sessionCookie, tokensEqual } from './serve-auth';
import { attachBridge, encodeFrame } from './serve-bridge';
import { foreignOriginMessage, isAllowedHost, isAllowedOrigin, misdirectedMessage, type HostRules } from './serve-origin';
import { createRouter, toErrorShape } from './serve-router';
import { baseHeaders, contentSecurityPolicy, rendererMissingMessage, serveStatic } from './serve-static';
import { createTaskPathPolicy } from './task-paths';

export interface ServeOptions {
  port?: number;
  host?: string;
  workspace: string;
  backend?: string;
  rendererDir?: string;
  /** How the engine is started; default: fork src/engine/main.ts with the running Node. */
  spawn?: EngineSpawner;
  /** Task files or folders outside the workspace that runs started here may read (`--allow-path`). */
  allowPaths?: string[];
  /** Called with each engine lifecycle line (crash reasons); default: stderr. */
  log?: (line: string) => void;
}

export interface ServeHandle {
  url: string;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;

/**
 * The headless host: supervises the engine and serves the built renderer over HTTP + WebSocket, behind a
 * random token, on 127.0.0.1 unless told otherwise.
 */
export async function serve(options: ServeOptions): Promise<ServeHandle> {
  const bindHost = options.host ?? '127.0.0.1';
  const rendererDir = path.resolve(options.rendererDir ?? path.join(packageRoot(), 'out', 'renderer'));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const token = createToken();

  const engine = new EngineHost({
    workspace: options.workspace,
    spawn: options.spawn,
    env: options.backend ? { EVOLAB_BACKEND: options.backend } : {},
    restartOnCrash: true,
  });
  engine.onCrash((exit) => log(`evolab: the engine crashed (${exit.reason}); starting a fresh one. Runs it held are interrupted and resume when asked.`));
  const taskPaths = createTaskPathPolicy({
    workspace: options.workspace,
    allowed: options.allowPaths,
    howToAllow: (file) => `start \`evolab serve\` with --allow-path ${file}`,
  });
  const route = createRouter(engine, { defaultBackend: options.backend, taskPaths });

  let port = 0;
  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });

  const hostRules = (): HostRules => ({ bindHost, port });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isAllowedHost(request.headers.host, hostRules())) {
      response.writeHead(421, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(misdirectedMessage(request.headers.host, hostRules()));
      return;
    }
    const url = requestUrl(request);
    if (!url) {
      response.writeHead(400, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('The request path is not a valid URL path.\n');
      return;
    }
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    const via = authenticate(request, url, token, port, !isApi);
    if (!via) {
      response.writeHead(401, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(UNAUTHORIZED_MESSAGE);
      return;
    }
    const headers: Record<string, string> = {
      ...baseHeaders(),
      'Content-Security-Policy': contentSecurityPolicy(wsOrigins(request)),
    };
    // The page loaded with ?token= sets the cookie so that its scripts, styles and images load without it.
    if (via === 'query') headers['Set-Cookie'] = sessionCookie(port, token);
    if (isApi) return handleApi(request, response, url, headers);
    return serveStatic(request, response, rendererDir, url.pathname, headers);
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL, headers: Record<string, string>) {
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/health' && request.method === 'GET') return json(200, { ok: true, engine: engine.state });
    const name = url.pathname.slice('/api/'.length);
    if (request.method !== 'POST' || name === '') {
      return json(404, { ok: false, error: new CodedError('invalid_request', 'Use GET /api/health or POST /api/<request name> with a JSON body.').toJSON() });
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      return json(400, {
        ok: false,
        error: new CodedError(
          'invalid_request',
          'The request name in the URL has a malformed percent-escape; use POST /api/<request name>, e.g. /api/runs.list.',
          [{ path: 'name', message: 'must be a request name such as "runs.list"' }],
        ).toJSON(),
      });
    }
    if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      // Said up front: answer without reading it, and drop the connection rather than drain a body we refuse.
      response.setHeader('Connection', 'close');
      return json(413, { ok: false, error: tooLarge().toJSON() });
    }
    let input: unknown;
    try {
      const body = await readBody(request);
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        response.setHeader('Connection', 'close');
        return json(413, { ok: false, error: tooLarge().toJSON() });
      }
      return json(400, { ok: false, error: new CodedError('invalid_request', `The body is not JSON: ${String(error)}`).toJSON() });
    }
    try {
      return json(200, { ok: true, output: await route(decoded, input) });
    } catch (error) {
      const shape = toErrorShape(error);
      return json(httpStatus(shape.code), { ok: false, error: shape });
    }
  }

  function wsOrigins(request: IncomingMessage): string[] {
    const origins = new Set([`ws://${urlHost(bindHost)}:${port}`]);
    const hostHeader = request.headers.host;
    // The browser may reach us as localhost:PORT; a well-formed Host header names the origin it will use.
    if (hostHeader && /^[A-Za-z0-9.-]+:\d+$|^\[[0-9A-Fa-f:.]+\]:\d+$/.test(hostHeader)) origins.add(`ws://${hostHeader}`);
    return [...origins];
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  const detach = attachBridge(wss, route, (listener) => engine.onEvent(listener));
  server.on('upgrade', (request, socket, head) => {
    // Node hands the socket over without its error listener; a client that resets it mid-refusal must not crash us.
    socket.on('error', () => socket.destroy());
    const refuse = (status: string, message: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${message}`);
    };
    if (!isAllowedHost(request.headers.host, hostRules())) return refuse('421 Misdirected Request', misdirectedMessage(request.headers.host, hostRules()));
    const origin = request.headers.origin;
    if (!isAllowedOrigin(origin, hostRules())) return refuse('403 Forbidden', foreignOriginMessage(origin ?? ''));
    const url = requestUrl(request);
    if (!url) return refuse('400 Bad Request', 'The request path is not a valid URL path.\n');
    if (url.pathname !== '/ws' || !tokensEqual(url.searchParams.get('token'), token)) {
      return refuse('401 Unauthorized', UNAUTHORIZED_MESSAGE);
    }
    wss.handleUpgrade(request, socket, head, (client) => {
      wss.emit('connection', client, request);
      // A client that connects after the engine started still needs to know its state.
      const state = engine.state;
      if (state !== 'idle') client.send(encodeFrame({ type: 'event', name: 'engine.status', payload: { state } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  if (!existsSync(path.join(rendererDir, 'index.html'))) log(`evolab: ${rendererMissingMessage(rendererDir)}`);
  await engine.start().catch((error: unknown) => log(`evolab: ${error instanceof Error ? error.message : String(error)}`));

  return {
    url: `http://${urlHost(bindHost)}:${port}/?token=${token}`,
    token,
    async close() {
      detach();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        engine.stop(5000),
      ]);
    },
  };
}

/** A wildcard bind is reached through loopback; IPv6 literals need brackets in URLs. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The request target as a URL, or null. Only origin-form (`/path?query`) is served; prefixing our own origin keeps
 * `//name/...` a path rather than a host, and a target that still fails to parse is the client's error, not ours.
 */
function requestUrl(request: IncomingMessage): URL | null {
  const target = request.url ?? '/';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return null;
  }
}

/** The HTTP status of each coded error, so that scripts can tell "no such run" from a broken server. */
export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'invalid_request':
    case 'invalid_config':
      return 400;
    case 'unauthorized':
      return 401;
    case 'path_not_allowed':
      return 403;
    case 'unknown_run':
    case 'unknown_proposal':
    case 'unknown_preset':
      return 404;
    case 'run_busy':
    case 'already_decided':
      return 409;
    case 'unsupported':
      return 501;
    case 'engine_crashed':
    case 'engine_unavailable':
      return 503;
    case 'workspace_unwritable':
    case 'output_unwritable':
    case 'audit_key_unavailable':
    case 'internal':
      return 500;
  }
}

class BodyTooLarge extends Error {}

function tooLarge(): CodedError {
  return new CodedError('invalid_request', `The body is larger than ${MAX_BODY_BYTES} bytes (1 MiB); send a smaller request.`);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        // Stop reading; the 413 goes out with Connection: close, which ends the rest.
        request.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
