import { ErrorBoundary } from '../../components/error-boundary';
import { LineChart } from '../../components/line-chart';
import { groupByNamespace, namespaceOf, type SeriesBuffer } from '../../lib/series';
import { EPISODE_SUCCESS_RATE, EVAL_SUCCESS_RATE, HELDOUT_HARDEST, REWARD_MEAN } from '../../../shared/metrics';

/**
 * The groups drawn first, whichever a run has: its score (held-out accuracy of a text task, the evaluation of an
 * episodic one), then the training reward and the collected episodes; the rest follow alphabetically.
 */
const HEADLINE_NAMESPACES = [namespaceOf(HELDOUT_HARDEST), namespaceOf(EVAL_SUCCESS_RATE), namespaceOf(REWARD_MEAN), namespaceOf(EPISODE_SUCCESS_RATE)];

interface Props {
  names: string[];
  buffers: Map<string, SeriesBuffer>;
  version: number;
  smoothing: number;
  logScale: boolean;
  onSmoothing: (value: number) => void;
  onLogScale: (value: boolean) => void;
}

export function ChartsPanel({ names, buffers, version, smoothing, logScale, onSmoothing, onLogScale }: Props) {
  const groups = groupByNamespace(names, HEADLINE_NAMESPACES);
  return (
    <section className="panel charts-panel">
      <header className="panel-head">
        <h2>Monitors</h2>
        <label className="inline">
          Smoothing
          <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => onSmoothing(Number(e.target.value))} data-testid="smoothing" />
          <span className="mono">{smoothing.toFixed(2)}</span>
        </label>
        <label className="inline">
          <input type="checkbox" checked={logScale} onChange={(e) => onLogScale(e.target.checked)} data-testid="log-scale" /> Log scale
        </label>
      </header>
      {groups.length === 0 && <p className="empty">No metrics yet. Charts appear after the first iteration finishes (after the warm-up).</p>}
      {groups.map((group) => (
        <div key={group.namespace} className="chart-group">
          <h3>{group.namespace}</h3>
          <div className="chart-grid">
            {group.names.map((name) => {
              const buffer = buffers.get(name);
              if (!buffer) return null;
              return (
                <ErrorBoundary key={name} label={`Chart ${name}`}>
                  <LineChart title={name} buffer={buffer} version={version} smoothing={smoothing} logScale={logScale} />
                </ErrorBoundary>
              );
            })}
          </div>
        </div>
      ))}
    </section>
  );
}
