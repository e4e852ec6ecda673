import { useEffect, useState } from 'react';
import type { ConfusionView, Trajectory } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';

/**
 * A class stream's evaluation as its confusion matrix: rows are the true classes (as labelled after the shifts so
 * far), columns the predicted ones; a cell's shade is its share of its row, the diagonal is what the classifier
 * got right. The classes a shift relabelled are marked with the class they now stand for.
 */
export function ConfusionMatrix({ view }: { view: ConfusionView }) {
  const k = view.matrix.length;
  const moved = new Map<number, number>();
  view.labelMap.forEach((now, original) => {
    if (now !== original) moved.set(now, original);
  });
  const name = (c: number) => view.classNames[c] ?? String(c);
  return (
    <table
      className="confusion"
      data-testid="confusion-matrix"
      data-classes={k}
      aria-label={`Confusion matrix, ${k} classes, accuracy ${view.accuracy.toFixed(3)}`}
    >
      <thead>
        <tr>
          <th className="muted small">true \ predicted</th>
          {view.matrix.map((_, c) => (
            <th key={c} className="small" title={name(c)}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {view.matrix.map((row, t) => {
          const total = row.reduce((a, b) => a + b, 0);
          return (
            <tr key={t}>
              <th className="small" title={moved.has(t) ? `now labels the examples of ${name(moved.get(t)!)}` : undefined}>
                {t}
                {name(t) !== String(t) ? ` ${name(t)}` : ''}
                {moved.has(t) ? ` ← ${moved.get(t)}` : ''}
              </th>
              {row.map((n, p) => {
                const share = total > 0 ? n / total : 0;
                return (
                  <td
                    key={p}
                    data-testid="confusion-cell"
                    className={`mono small${p === t ? ' diagonal' : ''}`}
                    style={{ background: `rgba(${p === t ? '22, 163, 74' : '220, 38, 38'}, ${share.toFixed(3)})` }}
                    title={`${n} of ${total} examples of class ${t} predicted as ${p}`}
                  >
                    {n}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The confusion matrix of a run's latest evaluation, above the list (nothing for runs without one). */
export function LatestConfusion({ runId, iterations, version }: { runId: string; iterations: number[]; version: number }) {
  const [latest, setLatest] = useState<Trajectory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const last = iterations.length > 0 ? iterations[iterations.length - 1]! : null;
  useEffect(() => {
    if (last === null) return;
    let live = true;
    getBridge()
      .request('runs.trajectories', { runId, iteration: last, filter: 'all', limit: 10, offset: 0 })
      .then((r) => live && setLatest(r.items.find((t) => t.episode?.kind === 'confusion') ?? null))
      .catch((e: unknown) => live && setError(describeError(e).message));
    return () => {
      live = false;
    };
  }, [runId, last, version]);
  if (error) return <p className="muted small">The latest evaluation could not be loaded: {error}</p>;
  if (latest?.episode?.kind !== 'confusion') return null;
  return (
    <section className="panel latest-confusion" data-testid="latest-confusion" data-iteration={latest.iteration}>
      <h2>
        Latest evaluation · iteration {latest.iteration} · accuracy {latest.episode.accuracy.toFixed(3)}
      </h2>
      <ConfusionMatrix view={latest.episode} />
    </section>
  );
}
