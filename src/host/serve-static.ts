import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** Self only; the WebSocket origins are named because `'self'` does not cover ws: in every browser. */
export function contentSecurityPolicy(wsOrigins: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${wsOrigins.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every response carries, the 401 included; the token sits in the URL, so no Referer may leak it. */
export function baseHeaders(): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/**
 * Resolves a URL path inside `root`, or null when it would leave it (`..`, encoded slashes,
 * NUL bytes, absolute paths): no directory traversal.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = path.resolve(root);
  const resolved = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
  if (resolved !== base && !resolved.startsWith(base + path.sep)) return null;
  return resolved;
}

const NOT_BUILT_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Evolab: renderer not built</title></head>
<body><h1>The Evolab interface is not built yet</h1>
<p>Run <code>npm run build:renderer</code> in the Evolab folder, then reload this page. The engine is already running.</p>
</body></html>`;

export function rendererMissingMessage(rendererDir: string): string {
  return `The renderer is not built (no ${path.join(rendererDir, 'index.html')}): run npm run build:renderer, then reload the page.`;
}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}

/** GET/HEAD of the built renderer; unknown extension-less paths fall back to index.html for client routes. */
export async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  rendererDir: string,
  pathname: string,
  headers: Record<string, string>,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Only GET and HEAD are served here.\n');
    return;
  }
  const index = path.join(rendererDir, 'index.html');
  if (!(await isFile(index))) {
    response.writeHead(503, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : NOT_BUILT_PAGE);
    return;
  }
  const resolved = resolveInside(rendererDir, pathname);
  if (!resolved) {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Not found.\n');
    return;
  }
  let file = resolved;
  if (!(await isFile(file))) {
    if (path.extname(pathname) !== '') {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Not found.\n');
      return;
    }
    file = index;
  }
  const info = await stat(file);
  response.writeHead(200, {
    ...headers,
    'Content-Type': mimeType(file),
    'Content-Length': String(info.size),
    // Hashed assets may be cached; the page itself must be fetched again so a rebuild shows up.
    'Cache-Control': file === index ? 'no-store' : 'private, max-age=3600',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}
