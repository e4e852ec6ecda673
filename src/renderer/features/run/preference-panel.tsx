import type { ReactNode } from 'react';
import { formatNumber } from '../../lib/format';
import type { SeriesBuffer } from '../../lib/series';

/**
 * The preference monitors a preference-learning run (DPO, SPO, SPPO, Self-Rewarding and CREAM, the reward-model
 * baseline) is read by, drawn together in one open group instead of scattered over their namespaces: the class
 * shares against the Minimax Winner, Kendall tau, the implicit-reward margin, the self-reward's agreement with the
 * rater and the win rates against the previous iteration and the reference.
 */
export const PREFERENCE_METRICS: readonly string[] = [
  'pref/kendall_tau',
  'pref/consistency',
  'pref/reward_margin',
  'dpo/reward_margin',
  'pref/chosen_reward',
  'pref/rejected_reward',
  'pref/self_agreement',
  'pref/win_rate_prev',
  'pref/win_rate_ref',
  'pref/minimax_distance',
  'pref/minimax_distance_avg',
  'pref/exploitability',
];
const SHARE = /^pref\/share_(.+)$/;

/** The names of `names` the preference group draws: its monitors in their order, then the class shares. */
export function preferenceNames(names: readonly string[]): { monitors: string[]; shares: string[] } {
  const have = new Set(names);
  return { monitors: PREFERENCE_METRICS.filter((n) => have.has(n)), shares: names.filter((n) => SHARE.test(n)).sort(shareOrder) };
}

// "other" (no class at all) last, the classes in name order.
function shareOrder(a: string, b: string): number {
  return Number(a.endsWith('_other')) - Number(b.endsWith('_other')) || a.localeCompare(b);
}

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const W = 640;
const H = 190;
const PAD = { l: 40, r: 12, t: 12, b: 26 };

/**
 * Each output class's share of the policy's held-out answers against the iteration (iteration 0 is the warm-up), with
 * the Minimax Winner of the cyclic rater and of the panel, the uniform mix, as a dashed line at 1 / classes.
 */
export function ClassSharesChart({ buffers, shares, version }: { buffers: Map<string, SeriesBuffer>; shares: string[]; version: number }) {
  const series = shares.flatMap((name) => {
    const b = buffers.get(name);
    return b && b.length > 0 ? [{ name, label: SHARE.exec(name)![1]!, buffer: b }] : [];
  });
  if (series.length === 0) return null;
  const classes = series.filter((s) => s.label !== 'other').length;
  const xs = series.flatMap((s) => Array.from(s.buffer.x.subarray(0, s.buffer.length)));
  const xMin = Math.min(...xs);
  const xMax = Math.max(xMin + 1, ...xs);
  const sx = (x: number) => PAD.l + ((x - xMin) / (xMax - xMin)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => PAD.t + (1 - y) * (H - PAD.t - PAD.b);
  const path = (b: SeriesBuffer) =>
    Array.from(b.x.subarray(0, b.length), (x, i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(b.y[i]!).toFixed(1)}`).join(' ');
  return (
    <figure className="class-shares" data-testid="class-shares" data-classes={classes} data-version={version}>
      <figcaption>
        <strong>Class shares</strong>{' '}
        <span className="muted small">
          of the held-out answers; {classes > 0 && <>dashed: the Minimax Winner (the uniform mix, 1/{classes} each) · </>}
          {series.map((s, k) => (
            <span key={s.name} className="legend-item" data-testid="class-share-legend">
              <span style={{ color: COLOURS[k % COLOURS.length] }}>■</span> {s.label} {formatNumber(s.buffer.y[s.buffer.length - 1]!)}{' '}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} style={{ maxWidth: '100%' }} role="img" aria-label={`Class shares over ${xMax - xMin} iterations`}>
        {[0, 0.5, 1].map((y) => (
          <g key={y}>
            <line x1={PAD.l} x2={W - PAD.r} y1={sy(y)} y2={sy(y)} stroke="var(--grid, #e5e7eb)" />
            <text x={PAD.l - 4} y={sy(y) + 4} textAnchor="end" fontSize="10" fill="currentColor">
              {y}
            </text>
          </g>
        ))}
        {classes > 0 && (
          <line
            x1={PAD.l}
            x2={W - PAD.r}
            y1={sy(1 / classes)}
            y2={sy(1 / classes)}
            stroke="currentColor"
            strokeOpacity="0.6"
            strokeDasharray="5 4"
            data-testid="minimax-line"
          />
        )}
        {series.map((s, k) => (
          <path key={s.name} d={path(s.buffer)} fill="none" stroke={COLOURS[k % COLOURS.length]} strokeWidth="2" data-testid="class-share-line" />
        ))}
        <text x={sx(xMin)} y={H - 6} textAnchor="start" fontSize="10" fill="currentColor">
          {xMin}
        </text>
        <text x={(PAD.l + W - PAD.r) / 2} y={H - 6} textAnchor="middle" fontSize="10" fill="currentColor">
          iteration
        </text>
        <text x={sx(xMax)} y={H - 6} textAnchor="end" fontSize="10" fill="currentColor">
          {xMax}
        </text>
      </svg>
    </figure>
  );
}

/** The open group of preference monitors: the class-shares chart (where the task has classes), then each monitor's chart. */
export function PreferenceGroup({ count, children }: { count: number; children: ReactNode }) {
  return (
    <details className="chart-group" open data-testid="chart-group" data-namespace="preferences">
      <summary>
        <h3 className="inline-h">preferences</h3> <span className="muted small">{count}</span>
      </summary>
      {children}
    </details>
  );
}
