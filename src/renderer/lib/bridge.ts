import type { Bridge } from '../../shared/contract';
import { connectionActions } from './connection-store';
import { resolveToken, WsBridge } from './ws-bridge';

declare global {
  interface Window {
    evolab?: Bridge;
  }
}

let instance: Bridge | null = null;

/** The preload's bridge inside Electron; otherwise a WebSocket to the `evolab serve` host that served this page. */
export function getBridge(): Bridge {
  if (instance) return instance;
  if (window.evolab) {
    const bridge = window.evolab;
    connectionActions.transport('open');
    bridge.subscribe('engine.status', (p) => connectionActions.engine(p));
    instance = bridge;
    return bridge;
  }
  const storage = typeof sessionStorage === 'undefined' ? null : sessionStorage;
  const token = resolveToken(location.search, storage) ?? '';
  connectionActions.token(token !== '');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  instance = new WsBridge(`${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`);
  return instance;
}

/** Tests and the chart bench install their own bridge. */
export function setBridge(bridge: Bridge | null): void {
  instance = bridge;
}

/** A message fit for the screen: coded errors keep their code and field paths. */
export function describeError(error: unknown): { message: string; issues: Array<{ path: string; message: string }>; code: string | null } {
  if (error && typeof error === 'object' && 'message' in error) {
    const issues = 'issues' in error && Array.isArray(error.issues) ? (error.issues as Array<{ path: string; message: string }>) : [];
    const code = 'code' in error && typeof error.code === 'string' ? error.code : null;
    return { message: String(error.message), issues, code };
  }
  return { message: String(error), issues: [], code: null };
}
