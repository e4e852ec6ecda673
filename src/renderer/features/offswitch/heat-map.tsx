import type { IncentiveGrid } from '../../../shared/offswitch';

/** Positive (R lets the human decide) in blue, negative (R bypasses the switch or switches itself off) in red. */
const POSITIVE = [37, 99, 235];
const NEGATIVE = [194, 38, 29];
const NEUTRAL = [246, 246, 247];

/**
 * A diverging colour: white at 0, full blue at the grid's largest value and full red at its smallest. Each sign has
 * its own scale (the incentive's negative side is bounded by -|mu| / 2, its positive side grows with sigma), so the
 * red region stays visible beside a large blue one; the legend gives both ends.
 */
export function cellColour(v: number, min: number, max: number): string {
  const scale = v >= 0 ? max : -min;
  const t = scale > 0 ? Math.min(1, Math.abs(v) / scale) : 0;
  const end = v >= 0 ? POSITIVE : NEGATIVE;
  const [r, g, b] = NEUTRAL.map((n, i) => Math.round(n + (end[i] - n) * t));
  return `rgb(${r}, ${g}, ${b})`;
}

const W = 520;
const H = 400;
const PAD = { left: 52, right: 12, top: 10, bottom: 40 };
const LEGEND_W = 90;
const fmt = (v: number) => String(+v.toFixed(3));

/** At most ~7 tick labels along an axis of n values. */
function tickIndices(n: number): number[] {
  const every = Math.max(1, Math.ceil(n / 7));
  const out: number[] = [];
  for (let i = 0; i < n; i += every) out.push(i);
  if (out.at(-1) !== n - 1) out.push(n - 1);
  return out;
}

/**
 * The incentive over sigma (x) and beta (y, rising upwards) as SVG cells, each centred on its grid value, with the
 * line where the sign changes drawn through the cells (value -> position is linear, grid values at cell centres).
 */
export function HeatMap({ grid, marker }: { grid: IncentiveGrid; marker?: { sigma: number; beta: number; step: number } | null }) {
  const ns = grid.sigmas.length;
  const nb = grid.betas.length;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const cw = plotW / ns;
  const ch = plotH / nb;
  const lo = Math.min(grid.min, 0);
  const hi = Math.max(grid.max, 0);
  const s0 = grid.sigmas[0];
  const s1 = grid.sigmas[ns - 1];
  const b0 = grid.betas[0];
  const b1 = grid.betas[nb - 1];
  const x = (sigma: number) => PAD.left + cw / 2 + ((sigma - s0) / (s1 - s0)) * (plotW - cw);
  const y = (beta: number) => PAD.top + plotH - ch / 2 - ((beta - b0) / (b1 - b0)) * (plotH - ch);
  let positive = 0;
  let negative = 0;
  const cells = grid.betas.flatMap((beta, b) =>
    grid.sigmas.map((sigma, s) => {
      const v = grid.values[b][s];
      const sign = v > 1e-9 ? 'positive' : v < -1e-9 ? 'negative' : 'zero';
      if (sign === 'positive') positive += 1;
      else if (sign === 'negative') negative += 1;
      return (
        <rect key={`${b}-${s}`} x={x(sigma) - cw / 2} y={y(beta) - ch / 2} width={cw + 0.5} height={ch + 0.5} fill={cellColour(v, lo, hi)} data-sign={sign}>
          <title>{`sigma ${fmt(sigma)}, beta ${fmt(beta)}: ${v.toFixed(4)}`}</title>
        </rect>
      );
    }),
  );
  const line = grid.boundary.map((p) => `${x(p.sigma).toFixed(1)},${y(p.beta).toFixed(1)}`).join(' ');
  const legendH = plotH;
  return (
    <svg
      className="heat-map"
      viewBox={`0 0 ${W + LEGEND_W} ${H}`}
      width={W + LEGEND_W}
      height={H}
      role="img"
      aria-label={`R's incentive to defer over sigma and beta at mu ${grid.mu}`}
      data-testid="heat-map"
      data-positive={positive}
      data-negative={negative}
      data-mu={grid.mu}
    >
      <g>{cells}</g>
      {grid.boundary.length > 1 && <polyline points={line} className="heat-map-line" data-testid="sign-line" data-points={grid.boundary.length} />}
      {grid.boundary.length === 1 && (
        <circle cx={x(grid.boundary[0].sigma)} cy={y(grid.boundary[0].beta)} r={3} className="heat-map-dot" data-testid="sign-line" data-points={1} />
      )}
      <rect x={PAD.left} y={PAD.top} width={plotW} height={plotH} className="heat-map-frame" />
      {marker && marker.sigma >= s0 && marker.sigma <= s1 && marker.beta >= b0 && marker.beta <= b1 && (
        <g data-testid="belief-marker" className="heat-map-marker">
          <circle cx={x(marker.sigma)} cy={y(marker.beta)} r={6} />
          <text x={x(marker.sigma) + 9} y={y(marker.beta) - 8} className="heat-map-axis">
            after {marker.step}
          </text>
        </g>
      )}
      {tickIndices(ns).map((i) => (
        <text key={`s${i}`} x={x(grid.sigmas[i])} y={PAD.top + plotH + 14} textAnchor="middle" className="heat-map-tick">
          {fmt(grid.sigmas[i])}
        </text>
      ))}
      {tickIndices(nb).map((i) => (
        <text key={`b${i}`} x={PAD.left - 6} y={y(grid.betas[i]) + 4} textAnchor="end" className="heat-map-tick">
          {fmt(grid.betas[i])}
        </text>
      ))}
      <text x={PAD.left + plotW / 2} y={H - 6} textAnchor="middle" className="heat-map-axis">
        σ: the robot&apos;s uncertainty about U
      </text>
      <text x={12} y={PAD.top + plotH / 2} textAnchor="middle" className="heat-map-axis" transform={`rotate(-90 12 ${PAD.top + plotH / 2})`}>
        β: the human&apos;s noise
      </text>
      <defs>
        <linearGradient id="offswitch-legend" x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor={cellColour(hi, lo, hi)} />
          <stop offset="0.5" stopColor={cellColour(0, lo, hi)} />
          <stop offset="1" stopColor={cellColour(lo, lo, hi)} />
        </linearGradient>
      </defs>
      <g transform={`translate(${W + 8}, ${PAD.top})`} data-testid="heat-map-legend">
        <rect width={14} height={legendH} fill="url(#offswitch-legend)" stroke="var(--border)" />
        <text x={20} y={10} className="heat-map-tick">
          {hi > 0 ? '+' : ''}
          {hi.toFixed(3)}
        </text>
        <text x={20} y={legendH / 2 + 4} className="heat-map-tick">
          0
        </text>
        <text x={20} y={legendH} className="heat-map-tick">
          {lo.toFixed(3)}
        </text>
        <text x={20} y={24} className="heat-map-tick muted-fill">
          defers
        </text>
        <text x={20} y={legendH - 14} className="heat-map-tick muted-fill">
          bypasses
        </text>
      </g>
    </svg>
  );
}
