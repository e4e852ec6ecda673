import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, formatTick } from '../../lib/format';
import type { Band } from './seed-groups-data';
import { cssVar, themedAxis } from '../../components/chart-theme';

/** Iterations are whole numbers: no 1.5 ticks on the x axis. */
const INTEGER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5];

/** A mean curve across seeds with its interval as a filled band (uPlot's bands), styled like the run screen's charts. */
export function BandChart({ title, band, seeds, height = 220 }: { title: string; band: Band; seeds: number; height?: number }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const latest = useRef(band);
  latest.current = band;
  const data = (): uPlot.AlignedData => [latest.current.x, latest.current.mean, latest.current.lo, latest.current.hi];

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const accent = cssVar('--accent', '#3b82f6');
    const axis = themedAxis();
    const plot = new uPlot(
      {
        width: Math.max(240, host.clientWidth),
        height,
        scales: { x: { time: false, range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [min, max]) } },
        axes: [
          {
            ...axis,
            incrs: INTEGER_INCRS,
            label: 'iteration',
            labelSize: 16,
            labelFont: '11px system-ui, sans-serif',
            values: (_u, ticks) => ticks.map((t) => formatTick(t)),
          },
          { ...axis, size: 52, values: (_u, ticks) => ticks.map((t) => formatTick(t)) },
        ],
        series: [
          { label: 'iteration', value: (_u, v) => (v === null ? '—' : String(v)) },
          { label: `mean of ${seeds} seeds`, stroke: accent, width: 2, points: { show: false }, value: (_u, v) => formatNumber(v) },
          { label: '95% CI low', stroke: `${accent}66`, width: 1, points: { show: false }, value: (_u, v) => formatNumber(v) },
          { label: '95% CI high', stroke: `${accent}66`, width: 1, points: { show: false }, value: (_u, v) => formatNumber(v) },
        ],
        bands: [{ series: [3, 2], fill: `${accent}33` }],
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
      },
      data(),
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
  }, [seeds, height]);

  useEffect(() => {
    const frame = requestAnimationFrame(() => plotRef.current?.setData(data()));
    return () => cancelAnimationFrame(frame);
  }, [band]);

  let width = 0;
  for (let i = 0; i < band.x.length; i++) width = Math.max(width, band.hi[i] - band.lo[i]);
  return (
    <figure
      className="chart band-chart"
      data-testid="band-chart"
      data-metric={title}
      data-seeds={seeds}
      data-points={band.x.length}
      data-band-width={width.toFixed(4)}
    >
      <figcaption>
        {title} <span className="muted small">mean across {seeds} seeds, band: bootstrap 95% interval of the mean</span>
      </figcaption>
      <div ref={hostRef} className="chart-host" />
    </figure>
  );
}
