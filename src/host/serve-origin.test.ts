import { describe, expect, it } from 'vitest';
import { isAllowedHost, isAllowedOrigin } from './serve-origin';

describe('isAllowedHost', () => {
  it('accepts the bound address and loopback names on any port (an SSH tunnel forwards another), nothing else', () => {
    const rules = { bindHost: '192.168.1.5', port: 8080 };
    for (const ok of ['192.168.1.5:8080', 'localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'localhost:9000', '192.168.1.5:8081', 'localhost'])
      expect(isAllowedHost(ok, rules)).toBe(true);
    for (const bad of ['192.168.1.6:8080', 'evil.example:8080', 'localhost.:8080', 'localhost:99999', undefined]) expect(isAllowedHost(bad, rules)).toBe(false);
  });

  it('accepts any IP literal with the port under a wildcard bind, but no other name', () => {
    const rules = { bindHost: '0.0.0.0', port: 8080 };
    expect(isAllowedHost('10.0.0.7:8080', rules)).toBe(true);
    expect(isAllowedHost('[fe80::1]:8080', rules)).toBe(true);
    expect(isAllowedHost('gpu-box.evil.example:8080', rules)).toBe(false);
    expect(isAllowedHost('10.0.0.7:9090', rules)).toBe(true);
  });
});

describe('isAllowedOrigin', () => {
  const rules = { bindHost: '127.0.0.1', port: 8080 };
  it('passes no Origin and http origins on our own names only', () => {
    expect(isAllowedOrigin(undefined, rules)).toBe(true);
    expect(isAllowedOrigin('http://localhost:8080', rules)).toBe(true);
    expect(isAllowedOrigin('http://[::1]:8080', rules)).toBe(true);
    expect(isAllowedOrigin('http://localhost:9000', rules)).toBe(true);
    for (const bad of ['null', '', 'https://localhost:8080', 'http://evil.example:8080', 'http://u@localhost:8080']) {
      expect(isAllowedOrigin(bad, rules)).toBe(false);
    }
  });
});
