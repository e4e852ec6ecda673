/**
 * The desktop app's Content-Security-Policy: self only. The dev server additionally needs its HMR socket
 * and React's inline refresh preamble. Free of electron imports so the build config can use it too.
 */
export function contentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self'" + (dev ? " 'unsafe-inline'" : ''),
    "img-src 'self' data:",
    "font-src 'self'",
    dev ? "connect-src 'self' ws://localhost:* http://localhost:*" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
