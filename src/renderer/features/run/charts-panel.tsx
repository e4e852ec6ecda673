import type { ReactNode } from 'react';
import { ErrorBoundary } from '../../components/error-boundary';
import { LineChart } from '../../components/line-chart';
import { groupByNamespace, type SeriesBuffer } from '../../lib/series';
import { headlineMetrics, metricDefinition } from '../../../shared/metric-definitions';
import { MEM_PREFIX, PERF_PREFIX, TIME_PREFIX } from '../../../shared/metrics';
import { ClassSharesChart, PreferenceGroup, preferenceNames } from './preference-panel';

/** Groups open at first: what a run is judged by. The rest (throughput, time, memory, ...) open on a click. */
const OPEN_NAMESPACES = new Set(['heldout', 'eval', 'reward', 'explore', 'exploit', 'balance', 'archive', 'transfer']);
/** Namespaces shown last: the machine's side of a run rather than the agent's. */
const LAST = [PERF_PREFIX, TIME_PREFIX, MEM_PREFIX].map((p) => p.slice(0, -1));

interface Props {
  names: string[];
  buffers: Map<string, SeriesBuffer>;
  version: number;
  smoothing: number;
  logScale: boolean;
  onSmoothing: (value: number) => void;
  onLogScale: (value: boolean) => void;
  /** Iteration charts start here: 1 when iteration 0 is the warm-up (shown in its own panel), else 0. */
  fromIteration: number;
  /** How a chart's caption names iteration 0's value when it is not plotted ("after warm-up", or a branch's start). */
  baselineLabel?: string;
  /** Panels drawn between the headline charts and the groups (the warm-up; a recipe's own views). */
  children?: ReactNode;
}

function valueAt(buffer: SeriesBuffer, x: number): number | null {
  for (let i = 0; i < buffer.length && buffer.x[i] <= x; i++) if (buffer.x[i] === x) return buffer.y[i];
  return null;
}

/**
 * The run's monitors: its headline charts first and larger (score, reward, loss, the recipe's own monitor), then
 * every other metric grouped by namespace in collapsible groups. Every chart carries its metric's definition.
 */
export function ChartsPanel({
  names,
  buffers,
  version,
  smoothing,
  logScale,
  onSmoothing,
  onLogScale,
  fromIteration,
  baselineLabel = 'after warm-up',
  children,
}: Props) {
  const headline = headlineMetrics(names);
  // A preference-learning run's own monitors (tau, margins, class shares) are drawn together, not by namespace.
  const preference = preferenceNames(names.filter((n) => !headline.includes(n)));
  const inPreference = new Set([...preference.monitors, ...preference.shares]);
  const rest = names.filter((n) => !headline.includes(n) && !inPreference.has(n));
  const groups = groupByNamespace(rest).sort((a, b) => Number(LAST.includes(a.namespace)) - Number(LAST.includes(b.namespace)));
  const chart = (name: string, height: number) => {
    const buffer = buffers.get(name);
    if (!buffer) return null;
    const def = metricDefinition(name);
    const warm = fromIteration > 0 ? valueAt(buffer, 0) : null;
    return (
      <ErrorBoundary key={name} label={`Chart ${name}`}>
        <LineChart
          title={name}
          buffer={buffer}
          version={version}
          smoothing={smoothing}
          logScale={logScale}
          height={height}
          fromX={fromIteration}
          definition={def?.definition}
          unit={def?.unit}
          baseline={warm === null ? null : { label: baselineLabel, value: warm }}
        />
      </ErrorBoundary>
    );
  };
  return (
    <section className="panel charts-panel">
      <header className="panel-head">
        <h2>Monitors</h2>
        <label className="inline">
          Smoothing
          <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => onSmoothing(Number(e.target.value))} data-testid="smoothing" />
          <span className="mono">{smoothing.toFixed(2)}</span>
        </label>
        <label className="inline" title="Logarithmic y axis for every chart whose values are all positive">
          <input type="checkbox" checked={logScale} onChange={(e) => onLogScale(e.target.checked)} data-testid="log-scale" /> Log scale
        </label>
      </header>
      {names.length === 0 && (
        <p className="empty">
          No metrics yet. Charts appear after the first iteration finishes{fromIteration > 0 ? ' (the warm-up has its own panel below)' : ''}.
        </p>
      )}
      {headline.length > 0 && (
        <div className="headline-grid" data-testid="headline-charts">
          {headline.map((name) => chart(name, 220))}
        </div>
      )}
      {children}
      {inPreference.size > 0 && (
        <PreferenceGroup count={inPreference.size}>
          <ClassSharesChart buffers={buffers} shares={preference.shares} version={version} />
          <div className="chart-grid">{preference.monitors.map((name) => chart(name, 150))}</div>
        </PreferenceGroup>
      )}
      {groups.map((group) => (
        <details
          key={group.namespace}
          className="chart-group"
          open={OPEN_NAMESPACES.has(group.namespace)}
          data-testid="chart-group"
          data-namespace={group.namespace}
        >
          <summary>
            <h3 className="inline-h">{group.namespace}</h3> <span className="muted small">{group.names.length}</span>
          </summary>
          <div className="chart-grid">{group.names.map((name) => chart(name, 150))}</div>
        </details>
      ))}
    </section>
  );
}
