import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 24 random bytes, base64url: what `evolab serve` prints in its URL. */
export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison; hashing first gives both sides the same length, so length leaks nothing either. */
export function tokensEqual(candidate: string | null | undefined, expected: string): boolean {
  if (typeof candidate !== 'string' || candidate.length === 0) return false;
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Cookies ignore ports, so two servers on one machine need different cookie names. */
export function cookieName(port: number): string {
  return `evolab_token_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export type AuthVia = 'query' | 'header' | 'cookie';

/**
 * Which credential the request carries, or null. The cookie is accepted only where `allowCookie`
 * (page and asset loads), so a script on another local port cannot ride it into the API.
 */
export function authenticate(request: IncomingMessage, url: URL, token: string, port: number, allowCookie: boolean): AuthVia | null {
  if (tokensEqual(url.searchParams.get('token'), token)) return 'query';
  // RFC 9110: the scheme name is case-insensitive.
  const bearer = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
  if (bearer && tokensEqual(bearer[1], token)) return 'header';
  if (allowCookie && tokensEqual(readCookie(request.headers.cookie, cookieName(port)), token)) return 'cookie';
  return null;
}

export const UNAUTHORIZED_MESSAGE = 'This Evolab server needs its access token. Open the exact URL that `evolab serve` printed (it ends with ?token=...).\n';
