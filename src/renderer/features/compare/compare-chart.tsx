import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, formatTick } from '../../lib/format';
import { xRange, yRange } from '../../lib/series';
import type { SeriesBuffer } from '../../lib/series';
import { themedAxis } from '../../components/chart-theme';

export interface CompareLine {
  label: string;
  color: string;
  buffer: SeriesBuffer;
}

interface Props {
  title: string;
  xLabel: string;
  lines: CompareLine[];
  /** Bumped whenever a line's data changed. */
  version: number;
  height?: number;
  /** What the metric means (hover text). */
  definition?: string;
}

/**
 * Several runs on one uPlot chart, styled like the run screen's LineChart. Runs record at different budget values,
 * so their (x, y) columns are joined on the union of x values and each line spans the gaps of the others.
 */
export function CompareChart({ title, xLabel, lines, version, height = 240, definition }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const latest = useRef(lines);
  latest.current = lines;
  const key = lines.map((l) => `${l.label}|${l.color}`).join(';');

  function buildData(): uPlot.AlignedData {
    const tables = latest.current.map((l): uPlot.AlignedData => [l.buffer.x.subarray(0, l.buffer.length), l.buffer.y.subarray(0, l.buffer.length)]);
    if (tables.length === 0) return [[]];
    return uPlot.join(tables);
  }

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const axis = themedAxis();
    const series: uPlot.Series[] = [
      { label: xLabel, value: (_u, v) => (v === null ? '—' : formatNumber(v)) },
      ...latest.current.map((l): uPlot.Series => ({
        label: l.label,
        stroke: l.color,
        width: 2,
        spanGaps: true,
        points: { size: 5, fill: l.color },
        value: (_u, v) => formatNumber(v),
      })),
    ];
    const plot = new uPlot(
      {
        width: Math.max(240, host.clientWidth),
        height,
        scales: { x: { time: false, range: (_u, min, max) => xRange(min, max) }, y: { range: (_u, min, max) => yRange(min, max, { log: false }) } },
        axes: [
          { ...axis, label: xLabel, labelSize: 16, labelFont: '11px system-ui, sans-serif', values: (_u, ticks) => ticks.map((t) => formatTick(t)) },
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
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, host.clientWidth), height }));
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
    // The plot is rebuilt when its set of lines changes; data updates go through setData below.
  }, [key, xLabel, height]);

  useEffect(() => {
    const frame = requestAnimationFrame(() => plotRef.current?.setData(buildData()));
    return () => cancelAnimationFrame(frame);
  }, [version]);

  const points = lines.reduce((n, l) => n + l.buffer.length, 0);
  return (
    <figure
      className="chart compare-chart"
      data-testid="compare-chart"
      data-metric={title}
      data-lines={lines.length}
      data-points={points}
      title={definition ? `${title}: ${definition}` : title}
    >
      <figcaption>{title}</figcaption>
      <div ref={hostRef} className="chart-host" />
    </figure>
  );
}
