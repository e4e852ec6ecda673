import { ErrorBoundary } from '../../components/error-boundary';
import { StatusBadge } from '../../components/status-badge';
import { formatDuration, formatNumber } from '../../lib/format';
import { metricDefinition, SCORE_LABELS } from '../../../shared/metric-definitions';
import { REWARD_MEAN, SCORE_METRICS, TRAIN_LOSS } from '../../../shared/metrics';
import { CompareChart, type CompareLine } from './compare-chart';
import { iterationCurve, type IterationRow } from './compare-store';
import type { MetricSeries } from '../../../shared/run';

interface Props {
  rows: IterationRow[];
  colors: string[];
  version: number;
  series: Record<string, MetricSeries>;
  metrics: string[];
  metric: string | null;
  onMetric: (metric: string) => void;
}

const scoreTitle = (rows: IterationRow[]): string => {
  const names = [...new Set(rows.map((r) => r.scoreMetric).filter((n): n is string => n !== null))];
  const labels = names.map((n) => SCORE_LABELS[n as (typeof SCORE_METRICS)[number]] ?? n);
  return `score (${labels.join(' / ') || 'none yet'}) per iteration`;
};

/**
 * Any runs side by side by iteration (B-STaR against STaR against GRPO, two seeds of one preset): their score and
 * reward overlaid, one more metric of the person's choice, and a table. A text run's curves start at iteration 1;
 * the score its warm-up reached is the table's "start" column.
 */
export function IterationCompare({ rows, colors, version, series, metrics, metric, onMetric }: Props) {
  const lines = (pick: (r: IterationRow) => IterationRow['score']): CompareLine[] =>
    rows.map((r, i) => ({ label: r.label, color: colors[i], buffer: pick(r) }));
  const extra = metric && metrics.includes(metric) ? metric : (metrics.find((m) => m === TRAIN_LOSS) ?? metrics[0] ?? null);
  const extraDef = extra ? metricDefinition(extra) : undefined;
  return (
    <>
      <div className="compare-charts">
        <ErrorBoundary label="Chart score">
          <CompareChart title={scoreTitle(rows)} xLabel="iteration" lines={lines((r) => r.score)} version={version} />
        </ErrorBoundary>
        <ErrorBoundary label="Chart reward">
          <CompareChart
            title={`${REWARD_MEAN} per iteration`}
            xLabel="iteration"
            lines={lines((r) => r.reward)}
            version={version}
            definition={metricDefinition(REWARD_MEAN)?.definition}
          />
        </ErrorBoundary>
        {extra && (
          <ErrorBoundary label="Chart chosen metric">
            <CompareChart
              title={`${extra} per iteration`}
              xLabel="iteration"
              lines={lines((r) => iterationCurve(series[r.run.id], extra, r.fromIteration))}
              version={version}
              definition={extraDef?.definition}
            />
          </ErrorBoundary>
        )}
      </div>
      {metrics.length > 0 && (
        <label className="inline small">
          Third chart:{' '}
          <select value={extra ?? ''} onChange={(e) => onMetric(e.target.value)} data-testid="compare-metric">
            {metrics.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          {extraDef && <span className="muted"> {extraDef.definition}</span>}
        </label>
      )}
      <table className="table compare-table" data-testid="compare-table">
        <thead>
          <tr>
            <th>run</th>
            <th>recipe</th>
            <th className="num">seed</th>
            <th>status</th>
            <th className="num">iterations</th>
            <th className="num" title="The score the self-improvement started from: after the warm-up (text runs) or of the untrained agent (episodic runs)">
              start score
            </th>
            <th className="num" title="The score at the last evaluated iteration">
              final score
            </th>
            <th className="num" title="The highest score of any iteration">
              best score
            </th>
            <th className="num" title={metricDefinition(REWARD_MEAN)?.definition}>
              final reward
            </th>
            <th className="num">wall time</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.run.id} data-testid="compare-row" data-run-id={r.run.id}>
              <td>
                <span className="swatch" style={{ background: colors[i] }} /> <a href={`#/runs/${encodeURIComponent(r.run.id)}`}>{r.label}</a>{' '}
                <span className="muted small">{r.run.id}</span>
              </td>
              <td>
                {r.run.recipe}
                {r.run.preset ? <span className="muted small"> · {r.run.preset}</span> : null}
              </td>
              <td className="num">{r.run.seed}</td>
              <td>
                <StatusBadge status={r.run.status} />
              </td>
              <td className="num">
                {r.run.iterationsDone} / {r.run.iterationsTotal}
              </td>
              <td className="num">{formatNumber(r.startScore)}</td>
              <td className="num" data-testid="compare-final-score">
                {formatNumber(r.finalScore)}
              </td>
              <td className="num">{formatNumber(r.run.bestScore)}</td>
              <td className="num">{formatNumber(r.finalReward)}</td>
              <td className="num">{r.wallMs === null ? '—' : formatDuration(r.wallMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Scores are each run&apos;s own: held-out accuracy on the hardest level for text runs, evaluation success rate for episodic runs. Runs of different seeds
        differ by chance too; compare several seeds before reading a difference.
      </p>
    </>
  );
}
