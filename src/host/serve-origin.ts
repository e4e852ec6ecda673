import { isIP } from 'node:net';

/**
 * DNS-rebinding defence. A page on evil.example whose name is re-pointed at 127.0.0.1 reaches this server with
 * `Host: evil.example:PORT`; only names that are this machine's own (loopback, or the address we bound) pass.
 * IP literals cannot be re-pointed, so with a wildcard bind (--host 0.0.0.0) any IP literal passes. The port is
 * not part of the rule: the name is what rebinding forges, and an SSH tunnel (`ssh -L 9000:127.0.0.1:8080`)
 * rightly reaches us as localhost:9000.
 */
export interface HostRules {
  /** The --host the server listens on. */
  bindHost: string;
  port: number;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

function isWildcard(bindHost: string): boolean {
  return bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '';
}

/** The host names a browser may use for this server. */
function allowedNames(rules: HostRules): string[] {
  const bound = rules.bindHost.includes(':') ? `[${rules.bindHost}]` : rules.bindHost;
  return [...new Set([...LOOPBACK_NAMES, ...(isWildcard(rules.bindHost) ? [] : [bound.toLowerCase()])])];
}

/** The `host:port` values to suggest in a refusal. */
export function allowedHosts(rules: HostRules): string[] {
  return allowedNames(rules).map((name) => `${name}:${rules.port}`);
}

/** Splits `name:port` (IPv6 in brackets); null when it is not that shape. */
function splitHost(value: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value);
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), port: match[2] === undefined ? null : Number(match[2]) };
}

export function isAllowedHost(header: string | undefined, rules: HostRules): boolean {
  if (!header) return false;
  const parsed = splitHost(header.trim());
  if (!parsed) return false;
  if (parsed.port !== null && (parsed.port < 1 || parsed.port > 65535)) return false;
  if (allowedNames(rules).includes(parsed.name)) return true;
  if (!isWildcard(rules.bindHost)) return false;
  const literal = parsed.name.startsWith('[') ? parsed.name.slice(1, -1) : parsed.name;
  return isIP(literal) !== 0;
}

/**
 * A browser names the page that opens a WebSocket in Origin; only a page on one of our own names may (any port:
 * through a tunnel our page is served on another one, and a page must still hold the token). Clients that are not
 * browsers (scripts with the token) send none, and pass. `null` (sandboxed frames, file: pages) is refused.
 */
export function isAllowedOrigin(origin: string | undefined, rules: HostRules): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || url.origin !== origin.toLowerCase().replace(/\/$/, '')) return false;
  return isAllowedHost(url.port === '' ? `${url.hostname}:80` : url.host, rules);
}

export function misdirectedMessage(header: string | undefined, rules: HostRules): string {
  return (
    `This Evolab server answers only to its own address, not to Host ${JSON.stringify(header ?? '')}. ` +
    `Open it as http://${allowedHosts(rules)[0]}/ or one of ${allowedHosts(rules).join(', ')} ` +
    '(through an SSH tunnel, open the forwarded port on localhost).\n'
  );
}

export function foreignOriginMessage(origin: string): string {
  return `This Evolab server accepts WebSocket connections only from its own page, not from ${JSON.stringify(origin)}.\n`;
}
