import { LR_ETA, LR_ETA_MAX, LR_ETA_MIN, SHIFT_COUNT } from '../../../shared/metrics';
import { formatNumber } from '../../lib/format';
import type { SeriesBuffer } from '../../lib/series';

const W = 640;
const H = 170;
const PAD = { l: 64, r: 12, t: 12, b: 26 };

/**
 * A class-stream run's learning rate against the iteration, with a mark at every iteration in which the labels
 * shifted (its count above it): where a homeostatic learner's rate reacts to the shifts. The band is the least and
 * greatest rate within each iteration. Drawn only for runs that report a learning-rate trace.
 */
export function LearningRateTrace({ buffers, version }: { buffers: Map<string, SeriesBuffer>; version: number }) {
  const eta = buffers.get(LR_ETA);
  if (!eta || eta.length === 0) return null;
  const shifts = buffers.get(SHIFT_COUNT);
  const lo = buffers.get(LR_ETA_MIN);
  const hi = buffers.get(LR_ETA_MAX);
  const n = eta.length;
  const xs = Array.from(eta.x.subarray(0, n));
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(xMin + 1, ...xs);
  const values = [
    ...Array.from(eta.y.subarray(0, n)),
    ...(lo ? Array.from(lo.y.subarray(0, lo.length)) : []),
    ...(hi ? Array.from(hi.y.subarray(0, hi.length)) : []),
  ];
  let yMin = Math.min(...values);
  let yMax = Math.max(...values);
  if (yMax - yMin < 1e-12) [yMin, yMax] = [yMin * 0.9, yMax * 1.1 + 1e-12];
  const sx = (x: number) => PAD.l + ((x - xMin) / (xMax - xMin)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => PAD.t + (1 - (y - yMin) / (yMax - yMin)) * (H - PAD.t - PAD.b);
  const line = xs.map((x, i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(eta.y[i]!).toFixed(1)}`).join(' ');
  const band =
    lo && hi && lo.length === hi.length && lo.length > 0
      ? [
          ...Array.from(hi.x.subarray(0, hi.length), (x, i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(hi.y[i]!).toFixed(1)}`),
          ...Array.from(lo.x.subarray(0, lo.length), (x, i) => [x, lo.y[i]!] as const)
            .reverse()
            .map(([x, y]) => `L${sx(x).toFixed(1)},${sy(y).toFixed(1)}`),
          'Z',
        ].join(' ')
      : null;
  const marks: Array<{ x: number; count: number }> = [];
  if (shifts) for (let i = 0; i < shifts.length; i++) if (shifts.y[i]! > 0) marks.push({ x: shifts.x[i]!, count: shifts.y[i]! });
  const total = marks.reduce((a, m) => a + m.count, 0);
  return (
    <section className="panel lr-trace" data-testid="lr-trace" data-points={n} data-shifts={total} data-version={version}>
      <header className="panel-head">
        <h2>Learning rate</h2>
        <span className="muted small">
          eta now {formatNumber(eta.y[n - 1]!)} · {total} label shift{total === 1 ? '' : 's'} so far (red marks)
        </span>
      </header>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        style={{ maxWidth: '100%' }}
        role="img"
        aria-label={`Learning rate over ${n} iterations with ${total} concept shifts`}
      >
        {[0, 0.5, 1].map((f) => {
          const y = yMin + f * (yMax - yMin);
          return (
            <g key={f}>
              <line x1={PAD.l} x2={W - PAD.r} y1={sy(y)} y2={sy(y)} stroke="var(--grid, #e5e7eb)" />
              <text x={PAD.l - 4} y={sy(y) + 4} textAnchor="end" fontSize="10" fill="currentColor">
                {y.toExponential(2)}
              </text>
            </g>
          );
        })}
        {marks.map((m) => (
          <g key={m.x} data-testid="shift-mark">
            <line x1={sx(m.x)} x2={sx(m.x)} y1={PAD.t} y2={H - PAD.b} stroke="#dc2626" strokeOpacity="0.5" strokeDasharray="3 2" />
            {m.count > 1 && (
              <text x={sx(m.x)} y={PAD.t + 8} textAnchor="middle" fontSize="9" fill="#dc2626">
                {m.count}
              </text>
            )}
          </g>
        ))}
        {band && <path d={band} fill="var(--accent, #3b82f6)" fillOpacity="0.15" stroke="none" />}
        <path d={line} fill="none" stroke="var(--accent, #3b82f6)" strokeWidth="2" />
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
    </section>
  );
}
