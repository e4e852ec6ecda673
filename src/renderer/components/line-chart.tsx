import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, formatTick } from '../lib/format';
import { allPositive, sliceFrom, smooth, xRange, yRange, type SeriesBuffer } from '../lib/series';
import { cssVar, themedAxis } from './chart-theme';

interface Props {
  title: string;
  buffer: SeriesBuffer;
  /** Bumped by the owner whenever `buffer` changed in place. */
  version: number;
  smoothing: number;
  logScale: boolean;
  height?: number;
  /** Points before this x are left out (an iteration chart starts at 1: iteration 0 is the warm-up). */
  fromX?: number;
  /** What the metric means and its unit (hover text); the unit '0–1' keeps the y axis within [0, 1]. */
  definition?: string;
  unit?: string;
  /** A value shown in the caption, not plotted: the warm-up's, for an iteration chart that starts after it. */
  baseline?: { label: string; value: number } | null;
  /** The x axis's name in the legend. */
  xLabel?: string;
  /** The figure's test id: 'chart' for a metric's chart (what tests count), another for charts beside them. */
  testId?: string;
}

const INTEGER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6];

/**
 * One monitor as a uPlot line chart. Data stays in typed arrays; redraws are coalesced into one per animation frame
 * however many points arrive, which is what keeps 100k-point charts smooth. Axes fit the data (one point, a
 * constant, a share); log scale applies to a series whose every value is positive, and a chart with values at or
 * below zero stays linear and says so.
 */
export function LineChart({
  title,
  buffer,
  version,
  smoothing,
  logScale,
  height = 150,
  fromX = -Infinity,
  definition,
  unit,
  baseline,
  xLabel = 'iteration',
  testId = 'chart',
}: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const frameRef = useRef<number | null>(null);
  const scratch = useRef(new Float64Array(0));
  const latest = useRef({ buffer, smoothing, fromX });
  latest.current = { buffer, smoothing, fromX };
  const smoothed = smoothing > 0;
  const points = sliceFrom(buffer, fromX);
  const log = logScale && allPositive(points.y);

  function buildData(): uPlot.AlignedData {
    const { buffer: b, smoothing: w, fromX: from } = latest.current;
    const { x, y } = sliceFrom(b, from);
    if (w <= 0) return [x, y];
    if (scratch.current.length < y.length) scratch.current = new Float64Array(Math.max(64, y.length * 2));
    return [x, y, smooth(y, y.length, w, scratch.current)];
  }

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const accent = cssVar('--accent', '#3b82f6');
    const axis = themedAxis();
    const series: uPlot.Series[] = [
      { label: xLabel, value: (_u, v) => (v === null ? '—' : String(v)) },
      // uPlot's default point display: dots while there is room for them (a run's first iterations), lines after.
      {
        label: smoothed ? 'raw' : 'value',
        stroke: smoothed ? `${accent}55` : accent,
        fill: undefined,
        width: 1.5,
        points: { size: 5, fill: accent },
        value: (_u, v) => formatNumber(v),
      },
    ];
    if (smoothed) series.push({ label: 'smoothed', stroke: accent, width: 1.75, points: { show: false }, value: (_u, v) => formatNumber(v) });
    const plot = new uPlot(
      {
        width: Math.max(200, host.clientWidth),
        height,
        scales: {
          x: { time: false, range: (_u, min, max) => xRange(min, max) },
          y: log ? { distr: 3, range: (_u, min, max) => yRange(min, max, { log: true }) } : { range: (_u, min, max) => yRange(min, max, { log: false, unit }) },
        },
        // Iterations are whole numbers: no 1.5 ticks on the x axis.
        axes: [
          { ...axis, incrs: INTEGER_INCRS },
          { ...axis, size: 52, values: (_u, ticks) => ticks.map((t) => formatTick(t)) },
        ],
        series,
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
      },
      buildData(),
      host,
    );
    plotRef.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, host.clientWidth), height }));
    resize.observe(host);
    return () => {
      resize.disconnect();
      if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
      frameRef.current = null;
      plot.destroy();
      plotRef.current = null;
    };
    // buildData reads refs; the plot is rebuilt only when its series or scale change.
  }, [log, smoothed, height, unit, xLabel]);

  useEffect(() => {
    if (frameRef.current !== null) return;
    frameRef.current = requestAnimationFrame(() => {
      frameRef.current = null;
      plotRef.current?.setData(buildData());
    });
  }, [version, smoothing, fromX]);

  const hover = definition ? `${title}${unit ? ` (${unit})` : ''}: ${definition}` : title;
  return (
    <figure className="chart" data-testid={testId} data-metric={title} data-points={points.x.length} data-log={log ? 'true' : 'false'} title={hover}>
      <figcaption>
        <span className="chart-title">{title}</span>
        {definition && (
          <span className="chart-info" aria-label={hover} data-testid="chart-definition">
            ?
          </span>
        )}
        {baseline && (
          <span className="muted small chart-baseline" data-testid="chart-baseline">
            {baseline.label} {formatNumber(baseline.value)}
          </span>
        )}
        {logScale && !log && points.y.length > 0 && <span className="muted small"> · linear: has values ≤ 0</span>}
      </figcaption>
      <div ref={hostRef} className="chart-host" />
    </figure>
  );
}
