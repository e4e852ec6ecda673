import { ErrorBoundary } from '../../components/error-boundary';
import { LineChart } from '../../components/line-chart';
import { ProgressBar } from '../../components/progress-bar';
import { formatDuration, formatNumber } from '../../lib/format';
import type { SeriesBuffer } from '../../lib/series';
import { metricDefinition } from '../../../shared/metric-definitions';
import { HELDOUT_HARDEST, TIME_ITERATION_S, TRAIN_LOSS, TRAIN_STEPS } from '../../../shared/metrics';
import type { WarmupTrack } from './run-store';

interface Props {
  /** What this page saw of the warm-up while it ran, or the curve the run kept of it (null: neither, e.g. a run stored before curves were kept). */
  track: WarmupTrack | null;
  etaS: number | null;
  /** Iteration 0's metrics once the warm-up has finished. */
  result: Record<string, number> | null;
  version: number;
  logScale: boolean;
}

/**
 * The supervised warm-up before self-improvement: its own loss curve (step by step, drawn live, and kept with the
 * run so a reload or a finished run draws it too) and ETA while it runs, its final loss and the held-out accuracy it
 * starts the iterations from once done. It is iteration 0 in the store, and kept off the iteration charts.
 */
export function WarmupPanel({ track, etaS, result, version, logScale }: Props) {
  const running = track !== null && track.done < track.total && result === null;
  const loss: SeriesBuffer | null = track && track.loss.length > 0 ? track.loss : null;
  return (
    <section className="warmup-panel" data-testid="warmup-panel" data-state={result ? 'done' : running ? 'running' : 'waiting'}>
      <h3 title="Supervised training on the easy levels before self-improvement starts: the baseline every iteration is measured against.">Warm-up</h3>
      {running && (
        <ProgressBar
          done={track.done}
          total={track.total}
          label={`step ${track.done}/${track.total}${etaS === null ? '' : ` · about ${formatDuration(etaS * 1000)} left`}`}
        />
      )}
      {result && (
        <p className="small" data-testid="warmup-result">
          {formatNumber(result[TRAIN_STEPS] ?? null)} steps · final loss <strong>{formatNumber(result[TRAIN_LOSS] ?? null)}</strong>
          {result[HELDOUT_HARDEST] !== undefined && (
            <>
              {' '}
              · held-out accuracy after it <strong title={metricDefinition(HELDOUT_HARDEST)?.definition}>{formatNumber(result[HELDOUT_HARDEST])}</strong>
            </>
          )}
          {result[TIME_ITERATION_S] !== undefined && <> · took {formatDuration(result[TIME_ITERATION_S] * 1000)}</>}
        </p>
      )}
      {loss ? (
        <ErrorBoundary label="Chart warm-up loss">
          <LineChart
            title="warmup/loss"
            buffer={loss}
            version={version}
            smoothing={0}
            logScale={logScale}
            height={140}
            xLabel="step"
            testId="warmup-chart"
            definition="Running mean of the warm-up's supervised loss over its last 20 steps, as the engine reports it with its progress; the run keeps at most 500 points of it (one every few steps of a long warm-up)."
            unit="nats"
          />
        </ErrorBoundary>
      ) : (
        <p className="muted small">
          {result
            ? 'No loss curve was kept for this warm-up: the run was stored before Evolab kept one, so only its final loss is known.'
            : 'Waiting for the warm-up to report.'}
        </p>
      )}
    </section>
  );
}
