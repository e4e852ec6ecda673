import type { EventPayload } from '../../../shared/contract';
import type { RunConfig } from '../../../shared/config';
import { ProgressBar } from '../../components/progress-bar';
import { formatBytes, formatDuration, formatNumber } from '../../lib/format';
import type { PhaseTiming } from './run-store';

/** One cell per iteration: done, in flight, to come; the hover text carries the key metrics. */
export function IterationTimeline({
  total,
  done,
  current,
  metricsAt,
}: {
  total: number;
  done: number[];
  current: number | null;
  metricsAt: (iteration: number) => string;
}) {
  // Iteration 0 holds the warm-up's metrics; the timeline counts self-improvement iterations only.
  const doneSet = new Set(done.filter((i) => i >= 1));
  const cells = Array.from({ length: Math.max(total, Math.max(0, ...doneSet)) }, (_, i) => i + 1);
  return (
    <section className="panel">
      <h2>
        Iterations{' '}
        <span className="muted small" data-testid="iterations-done">
          {doneSet.size} / {total}
        </span>
      </h2>
      <ol className="timeline" data-testid="timeline">
        {cells.map((i) => (
          <li
            key={i}
            className={doneSet.has(i) ? 'done' : current === i ? 'current' : 'todo'}
            title={doneSet.has(i) ? `Iteration ${i}\n${metricsAt(i)}` : `Iteration ${i}`}
          >
            {i}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function PhaseProgress({ progress }: { progress: EventPayload<'run.progress'> | null }) {
  if (!progress) return <p className="muted small">Waiting for the engine to report progress…</p>;
  return (
    <ProgressBar
      done={progress.done}
      total={progress.total}
      label={`${progress.iteration === 0 ? '' : `iteration ${progress.iteration} · `}${progress.phase} ${progress.done}/${progress.total}`}
    />
  );
}

export function PhaseTimings({ timings, reported }: { timings: PhaseTiming[]; reported: Array<[string, number]> }) {
  const recent = timings.slice(-8).reverse();
  return (
    <section className="panel">
      <h2>Phase timings</h2>
      {recent.length === 0 && reported.length === 0 && <p className="muted small">Shown as phases finish.</p>}
      <table className="kv">
        <tbody>
          {recent.map((t, i) => (
            <tr key={`${t.iteration}-${t.phase}-${i}`}>
              <th>
                {t.iteration === 0 ? 'warm-up' : `it ${t.iteration}`} · {t.phase}
              </th>
              <td>{formatDuration(t.ms)}</td>
            </tr>
          ))}
          {reported.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{formatNumber(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function MemoryPanel({ memory }: { memory: Array<[string, number]> }) {
  return (
    <section className="panel">
      <h2>tf.memory</h2>
      {memory.length === 0 ? (
        <p className="muted small">Reported with each iteration.</p>
      ) : (
        <table className="kv" data-testid="memory">
          <tbody>
            {memory.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{k.includes('bytes') ? formatBytes(v) : formatNumber(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ConfigPanel({ config }: { config: RunConfig | null }) {
  return (
    <section className="panel">
      <details>
        <summary>
          <h2 className="inline-h">Config</h2> <span className="muted small">the run's genome as started</span>
        </summary>
        <pre className="config-json" data-testid="config-json">
          {config ? JSON.stringify(config, null, 2) : '—'}
        </pre>
      </details>
    </section>
  );
}
