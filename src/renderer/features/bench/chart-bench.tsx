import { useEffect, useRef, useState } from 'react';
import { LineChart } from '../../components/line-chart';
import { ErrorBoundary } from '../../components/error-boundary';
import { appendPoint, createBuffer, type SeriesBuffer } from '../../lib/series';
import { summarize, type FrameStats } from './frame-stats';

declare global {
  interface Window {
    __evolabFrameStats?: FrameStats;
  }
}

/**
 * Dev route `#/bench/charts?points=100000&charts=4`: streams synthetic points into the real chart component
 * (fill phase), then keeps appending for `seconds` while recording requestAnimationFrame deltas, and
 * publishes p50/p95 on window.__evolabFrameStats for the end-to-end suite.
 */
export function ChartBench({ points, charts, seconds }: { points: number; charts: number; seconds: number }) {
  const buffers = useRef<SeriesBuffer[]>(Array.from({ length: charts }, (_, i) => createBuffer(`bench/series_${i}`, points + 4096)));
  const [version, setVersion] = useState(0);
  const [stats, setStats] = useState<FrameStats | null>(null);

  useEffect(() => {
    let frame = 0;
    let last = 0;
    let measureUntil = 0;
    let n = 0;
    const deltas: number[] = [];
    const fillPerFrame = Math.max(1, Math.ceil(points / 60));
    const push = (count: number) => {
      for (let k = 0; k < count; k++, n++) {
        buffers.current.forEach((b, i) => appendPoint(b, n, Math.sin(n / 500 + i) + Math.random() * 0.2 + (i + 1) * 0.01 * Math.sqrt(n)));
      }
    };
    window.__evolabFrameStats = summarize([], 0, charts, false);
    const tick = (t: number) => {
      if (n < points) {
        push(Math.min(fillPerFrame, points - n));
        if (n >= points) measureUntil = t + seconds * 1000;
      } else {
        if (last > 0) deltas.push(t - last);
        push(Math.max(1, Math.round(points / 1000)));
      }
      last = t;
      setVersion((v) => v + 1);
      const done = measureUntil > 0 && t >= measureUntil;
      const current = summarize(deltas, n, charts, done);
      window.__evolabFrameStats = current;
      if (done) {
        setStats(current);
        return;
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [points, charts, seconds]);

  return (
    <div className="bench-screen">
      <header className="screen-head">
        <h1>Chart bench</h1>
        <span className="muted">
          {charts} charts × {points.toLocaleString()} points, then {seconds} s of streaming
        </span>
      </header>
      <p data-testid="bench-stats" className="mono">
        {stats ? `frames ${stats.frames} · p50 ${stats.p50} ms · p95 ${stats.p95} ms · max ${stats.max} ms` : 'running…'}
      </p>
      <div className="chart-grid">
        {buffers.current.map((b) => (
          <ErrorBoundary key={b.name} label={b.name}>
            <LineChart title={b.name} buffer={b} version={version} smoothing={0.6} logScale={false} />
          </ErrorBoundary>
        ))}
      </div>
    </div>
  );
}
