import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, formatTick } from '../lib/format';
import { positiveOnly, smooth, type SeriesBuffer } from '../lib/series';

interface Props {
  title: string;
  buffer: SeriesBuffer;
  /** Bumped by the owner whenever `buffer` changed in place. */
  version: number;
  smoothing: number;
  logScale: boolean;
  height?: number;
}

const INTEGER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6];

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/**
 * One monitor as a uPlot line chart. Data stays in typed arrays; redraws are coalesced into one per
 * animation frame however many points arrive, which is what keeps 100k-point charts smooth.
 */
export function LineChart({ title, buffer, version, smoothing, logScale, height = 150 }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const frameRef = useRef<number | null>(null);
  const scratch = useRef(new Float64Array(0));
  const latest = useRef({ buffer, smoothing, logScale });
  latest.current = { buffer, smoothing, logScale };
  const smoothed = smoothing > 0;

  function buildData(): uPlot.AlignedData {
    const { buffer: b, smoothing: w, logScale: log } = latest.current;
    let x = b.x.subarray(0, b.length);
    let y = b.y.subarray(0, b.length);
    if (log) [x, y] = positiveOnly(b.x, b.y, b.length);
    if (w <= 0) return [x, y];
    if (scratch.current.length < y.length) scratch.current = new Float64Array(Math.max(64, y.length * 2));
    return [x, y, smooth(y, y.length, w, scratch.current)];
  }

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const accent = cssVar('--accent', '#3b82f6');
    const muted = cssVar('--fg-muted', '#888');
    const grid = cssVar('--grid', 'rgba(128,128,128,0.15)');
    const axis: uPlot.Axis = {
      stroke: muted,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '11px system-ui, sans-serif',
      size: 36,
    };
    const series: uPlot.Series[] = [
      { label: 'iteration', value: (_u, v) => (v === null ? '—' : String(v)) },
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
        // One iteration alone would otherwise get an arbitrary 0..100 range.
        scales: { x: { time: false, range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [min, max]) }, y: { distr: logScale ? 3 : 1 } },
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
  }, [logScale, smoothed, height]);

  useEffect(() => {
    if (frameRef.current !== null) return;
    frameRef.current = requestAnimationFrame(() => {
      frameRef.current = null;
      plotRef.current?.setData(buildData());
    });
  }, [version, smoothing]);

  return (
    <figure className="chart" data-testid="chart" data-metric={title} data-points={buffer.length}>
      <figcaption>{title}</figcaption>
      <div ref={hostRef} className="chart-host" />
    </figure>
  );
}
