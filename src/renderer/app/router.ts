import { useSyncExternalStore } from 'react';

export type Route =
  | { screen: 'runs' }
  | { screen: 'new' }
  | { screen: 'run'; runId: string }
  | { screen: 'trajectories'; runId: string }
  | { screen: 'lineage'; runId: string }
  | { screen: 'compare'; group: string | null; runs: string[] }
  | { screen: 'settings' }
  | { screen: 'approvals'; tab: 'pending' | 'decided' | 'policy'; runId: string | null }
  | { screen: 'audit'; runId: string | null }
  | { screen: 'offswitch' }
  | { screen: 'rate'; runId: string | null }
  | { screen: 'play'; runId: string | null }
  | { screen: 'bench'; points: number; charts: number; seconds: number };

function intParam(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const value = Number(params.get(name));
  return Number.isInteger(value) && value > 0 ? Math.min(value, max) : fallback;
}

/**
 * Hash routes: `#/runs`, `#/new`, `#/runs/<id>`, `#/runs/<id>/trajectories`, `#/approvals[/decided|/policy][?run=<id>]`,
 * `#/audit[/<id>]`, `#/rate[?run=<id>]`, `#/play[/<id>]`, `#/settings`, `#/bench/charts?points=`, `#/runs/<id>/lineage`,
 * `#/compare[?group=<id>|?runs=<id>,<id>]`, `#/offswitch`.
 */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'new') return { screen: 'new' };
  if (parts[0] === 'settings') return { screen: 'settings' };
  if (parts[0] === 'offswitch') return { screen: 'offswitch' };
  if (parts[0] === 'approvals') {
    const tab = parts[1] === 'decided' || parts[1] === 'policy' ? parts[1] : 'pending';
    return { screen: 'approvals', tab, runId: new URLSearchParams(query).get('run') || null };
  }
  if (parts[0] === 'compare') {
    const params = new URLSearchParams(query);
    const runs = (params.get('runs') ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    return { screen: 'compare', group: params.get('group') || null, runs };
  }
  if (parts[0] === 'audit') return { screen: 'audit', runId: parts[1] ?? null };
  if (parts[0] === 'rate') return { screen: 'rate', runId: new URLSearchParams(query).get('run') || null };
  if (parts[0] === 'play') return { screen: 'play', runId: parts[1] ?? null };
  if (parts[0] === 'bench' && parts[1] === 'charts') {
    const params = new URLSearchParams(query);
    return {
      screen: 'bench',
      points: intParam(params, 'points', 100_000, 2_000_000),
      charts: intParam(params, 'charts', 4, 32),
      seconds: intParam(params, 'seconds', 3, 60),
    };
  }
  if (parts[0] === 'runs' && parts[1]) {
    if (parts[2] === 'trajectories') return { screen: 'trajectories', runId: parts[1] };
    if (parts[2] === 'lineage') return { screen: 'lineage', runId: parts[1] };
    return { screen: 'run', runId: parts[1] };
  }
  return { screen: 'runs' };
}

function subscribe(callback: () => void): () => void {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => location.hash);
}
