import { describe, expect, it } from 'vitest';
import { parseRoute } from './router';
import { shortcutFor } from './shortcuts';
import { backoffMs, resolveToken } from '../lib/ws-bridge';
import { connectionStore, selectBanner } from '../lib/connection-store';

describe('routes, shortcuts, connection', () => {
  it('parses every screen route', () => {
    expect(parseRoute('')).toEqual({ screen: 'runs' });
    expect(parseRoute('#/new')).toEqual({ screen: 'new' });
    expect(parseRoute('#/runs/abc%20d')).toEqual({ screen: 'run', runId: 'abc d' });
    expect(parseRoute('#/runs/abc/trajectories')).toEqual({ screen: 'trajectories', runId: 'abc' });
    expect(parseRoute('#/bench/charts?points=1000&charts=2')).toEqual({ screen: 'bench', points: 1000, charts: 2, seconds: 3 });
    expect(parseRoute('#/bench/charts?points=-5')).toMatchObject({ points: 100_000 });
    expect(parseRoute('#/approvals')).toEqual({ screen: 'approvals', tab: 'pending', runId: null });
    expect(parseRoute('#/approvals/decided?run=r%201')).toEqual({ screen: 'approvals', tab: 'decided', runId: 'r 1' });
    expect(parseRoute('#/approvals/policy')).toEqual({ screen: 'approvals', tab: 'policy', runId: null });
    expect(parseRoute('#/approvals/nonsense')).toEqual({ screen: 'approvals', tab: 'pending', runId: null });
    expect(parseRoute('#/audit/abc')).toEqual({ screen: 'audit', runId: 'abc' });
    expect(parseRoute('#/audit')).toEqual({ screen: 'audit', runId: null });
    expect(parseRoute('#/rate')).toEqual({ screen: 'rate', runId: null });
    expect(parseRoute('#/rate?run=r%201')).toEqual({ screen: 'rate', runId: 'r 1' });
    expect(parseRoute('#/play/r%201')).toEqual({ screen: 'play', runId: 'r 1' });
    expect(parseRoute('#/play')).toEqual({ screen: 'play', runId: null });
    expect(parseRoute('#/runs/r%201/lineage')).toEqual({ screen: 'lineage', runId: 'r 1' });
    expect(parseRoute('#/runs/abc/unknown')).toEqual({ screen: 'run', runId: 'abc' });
    expect(parseRoute('#/compare')).toEqual({ screen: 'compare', group: null, runs: [] });
    expect(parseRoute('#/offswitch')).toEqual({ screen: 'offswitch' });
    expect(parseRoute('#/compare?group=cmp%20a')).toEqual({ screen: 'compare', group: 'cmp a', runs: [] });
    expect(parseRoute('#/compare?runs=r1,%20r2,,')).toEqual({ screen: 'compare', group: null, runs: ['r1', 'r2'] });
  });

  it('maps Ctrl+Shift+K/P/S to the off switch and nothing else', () => {
    expect(shortcutFor({ ctrlKey: true, metaKey: false, shiftKey: true, key: 'K' })).toBe('kill');
    expect(shortcutFor({ ctrlKey: true, metaKey: false, shiftKey: true, key: 'p' })).toBe('pause');
    expect(shortcutFor({ ctrlKey: false, metaKey: true, shiftKey: true, key: 's' })).toBe('stop');
    expect(shortcutFor({ ctrlKey: true, metaKey: false, shiftKey: false, key: 'k' })).toBeNull();
  });

  it('remembers the token of the URL for reloads without it', () => {
    const memory = new Map<string, string>();
    const storage = { getItem: (k: string) => memory.get(k) ?? null, setItem: (k: string, v: string) => void memory.set(k, v) };
    expect(resolveToken('?token=abc', storage)).toBe('abc');
    expect(resolveToken('', storage)).toBe('abc');
    expect(resolveToken('', null)).toBeNull();
  });

  it('backs off up to 5 s and explains a lost connection', () => {
    expect(backoffMs(0)).toBe(250);
    expect(backoffMs(10)).toBe(5000);
    connectionStore.setState({ transport: 'closed', retryInMs: 2000, engine: 'ready', everOpened: true });
    expect(selectBanner(connectionStore.getState())).toMatch(/Disconnected.*Reconnecting in 2 s/);
    connectionStore.setState({ transport: 'open', engine: 'killed', engineReason: null });
    expect(selectBanner(connectionStore.getState())).toMatch(/Engine killed.*Resume/);
    connectionStore.setState({ engine: 'ready' });
    expect(selectBanner(connectionStore.getState())).toBeNull();
  });

  it('says a page without its token needs the printed URL, not that the host stopped', () => {
    connectionStore.setState({ transport: 'closed', retryInMs: 1000, engine: 'unknown', hasToken: false, everOpened: false });
    expect(selectBanner(connectionStore.getState())).toMatch(/without its access token.*URL that `evolab serve` printed/);
    expect(selectBanner(connectionStore.getState())).not.toMatch(/stopped/);
    connectionStore.setState({ hasToken: true });
    expect(selectBanner(connectionStore.getState())).toMatch(/did not accept this page.*new URL/);
    connectionStore.setState({ transport: 'open', engine: 'ready', everOpened: true });
    expect(selectBanner(connectionStore.getState())).toBeNull();
  });
});
