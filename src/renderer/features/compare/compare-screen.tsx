import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { ErrorBox } from '../../components/error-box';
import { ErrorBoundary } from '../../components/error-boundary';
import { StatusBadge } from '../../components/status-badge';
import { formatDate, formatDuration, formatNumber } from '../../lib/format';
import { CompareChart, type CompareLine } from './compare-chart';
import { compareActions, compareStore, groupRuns, selectCommonMetrics, selectIterationRows, selectMode, selectRows, type CompareRow } from './compare-store';
import { IterationCompare } from './iteration-compare';
import './compare.css';

const STRATEGY_COLORS: Record<string, string> = { dgm: '#2563eb', hgm: '#e8590c', 'no-darwin': '#8b5cf6', 'no-selfimprove': '#6b7280' };
const SPARE_COLORS = ['#0d9488', '#db2777', '#65a30d', '#ca8a04', '#0891b2', '#9333ea'];

function colorsFor(rows: Array<Pick<CompareRow, 'run'>>): string[] {
  const used = new Set<string>();
  let spare = 0;
  return rows.map((r) => {
    const preferred = STRATEGY_COLORS[r.run.archive?.strategy ?? ''];
    const color = preferred && !used.has(preferred) ? preferred : SPARE_COLORS[spare++ % SPARE_COLORS.length];
    used.add(color);
    return color;
  });
}

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function CompareTable({ rows, colors }: { rows: CompareRow[]; colors: string[] }) {
  return (
    <table className="table compare-table" data-testid="compare-table">
      <thead>
        <tr>
          <th>strategy</th>
          <th>run</th>
          <th>status</th>
          <th className="num">budget used</th>
          <th className="num">children made</th>
          <th className="num">kept</th>
          <th className="num">best own score</th>
          <th className="num">final held-out</th>
          <th className="num">wall time</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={r.run.id} data-testid="compare-row" data-run-id={r.run.id} data-strategy={r.run.archive?.strategy ?? ''}>
            <td>
              <span className="swatch" style={{ background: colors[i] }} /> {r.label}
            </td>
            <td>
              <a href={`#/runs/${encodeURIComponent(r.run.id)}`}>{r.run.name ?? r.run.id}</a> ·{' '}
              <a href={`#/runs/${encodeURIComponent(r.run.id)}/lineage`}>lineage</a>
            </td>
            <td>
              <StatusBadge status={r.run.status} />
            </td>
            <td className="num">{formatNumber(r.budgetUsed)}</td>
            <td className="num">{formatNumber(r.made)}</td>
            <td className="num">{formatNumber(r.kept)}</td>
            <td className="num">{pct(r.bestScore)}</td>
            <td className="num" data-testid="compare-final-heldout">
              {pct(r.finalHeldout)}
            </td>
            <td className="num">{r.wallMs === null ? '—' : formatDuration(r.wallMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CompareScreen({ group, runs }: { group: string | null; runs: string[] }) {
  const s = useStore(compareStore);
  const runsKey = runs.join(',');
  useEffect(() => {
    void compareActions.open({ group, runs: runsKey ? runsKey.split(',') : [] });
    return () => compareActions.close();
  }, [group, runsKey]);

  const groups = useMemo(() => groupRuns(s.runs), [s.runs]);
  const allRuns = useMemo(() => [...s.runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [s.runs]);
  const mode = selectMode(s);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rows = useMemo(() => selectRows(s), [s.runs, s.series, s.seriesErrors, s.group, s.picked]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const iterationRows = useMemo(() => selectIterationRows(s), [s.runs, s.series, s.seriesErrors, s.group, s.picked]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const metrics = useMemo(() => selectCommonMetrics(s), [s.runs, s.series, s.group, s.picked]);
  const colors = colorsFor(rows);
  const comparedIds = new Set(rows.map((r) => r.run.id));
  const lines = (pick: (r: CompareRow) => CompareRow['size']): CompareLine[] => rows.map((r, i) => ({ label: r.label, color: colors[i], buffer: pick(r) }));
  const chosen = s.group !== null || s.picked.length > 0;

  return (
    <div className="compare-screen">
      <header className="screen-head">
        <h1>Compare</h1>
        <span className="muted small">
          Any runs side by side: tick them on the left (B-STaR, STaR and GRPO by iteration; open-ended runs by search budget). <code>evolab compare</code>{' '}
          starts a group of open-ended runs with the same seed and budget.
        </span>
      </header>
      <ErrorBox title="The runs could not be loaded." message={s.error} hint="The engine may be restarting; the list reloads on the next run event." />
      <div className="compare-body">
        <aside className="panel compare-picker">
          <h2>Comparisons</h2>
          {s.loaded && groups.length === 0 && (
            <p className="muted small">
              None yet. <code>evolab compare --preset &lt;id&gt;</code> runs DGM, HGM and the baselines under one comparison id.
            </p>
          )}
          <ul className="group-list" data-testid="compare-groups">
            {groups.map((g) => (
              <li key={g.id} className={g.id === s.group ? 'active' : undefined}>
                <a href={`#/compare?group=${encodeURIComponent(g.id)}`} data-testid="compare-group" data-group={g.id}>
                  {g.id}
                </a>
                <span className="muted small"> {g.runs.map((r) => r.archive?.strategy).join(', ')}</span>
              </li>
            ))}
          </ul>
          <h2>Runs</h2>
          {s.loaded && allRuns.length === 0 && <p className="muted small">No runs yet: start two presets on New run (the smoke presets take a minute).</p>}
          <ul className="run-picks" data-testid="compare-runs">
            {allRuns.map((r) => (
              <li key={r.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={comparedIds.has(r.id)}
                    data-testid="compare-pick"
                    data-run-id={r.id}
                    onChange={() => {
                      location.hash = compareActions.toggle(r.id);
                    }}
                  />
                  <span className="chip">{r.archive ? r.archive.strategy : r.recipe}</span> {r.name ?? r.preset ?? r.id}{' '}
                  <span className="muted small">
                    {r.id} · seed {r.seed} · {formatDate(r.createdAt)} · {r.status}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </aside>
        <section className="compare-main">
          {!chosen && <p className="empty">Choose a comparison on the left, or tick two or more runs to compare them.</p>}
          {chosen && rows.length === 0 && s.loaded && (
            <p className="empty">No runs found for {s.group ? `comparison ${s.group}` : 'this selection'}: they may have been deleted.</p>
          )}
          {rows.length > 0 && (
            <>
              <h2 data-testid="compare-mode" data-mode={mode}>
                {s.group ? (
                  <>
                    Comparison <code>{s.group}</code>
                  </>
                ) : (
                  'Runs picked by hand'
                )}
              </h2>
              {rows
                .filter((r) => r.error)
                .map((r) => (
                  <ErrorBox key={r.run.id} title={`Metrics of ${r.run.id} could not be loaded.`} message={r.error} />
                ))}
              {mode === 'iterations' && (
                <IterationCompare
                  rows={iterationRows}
                  colors={colors}
                  version={s.version}
                  series={s.series}
                  metrics={metrics}
                  metric={s.metric}
                  onMetric={compareActions.setMetric}
                />
              )}
              {mode === 'archive' && (
                <>
                  <div className="compare-charts">
                    <ErrorBoundary label="Chart best estimate">
                      <CompareChart
                        title="best agent's estimated score (posterior mean) vs budget used"
                        xLabel="budget used (evaluation units)"
                        lines={lines((r) => r.bestEstimate)}
                        version={s.version}
                      />
                    </ErrorBoundary>
                    <ErrorBoundary label="Chart archive size">
                      <CompareChart
                        title="archive size vs budget used"
                        xLabel="budget used (evaluation units)"
                        lines={lines((r) => r.size)}
                        version={s.version}
                      />
                    </ErrorBoundary>
                  </div>
                  <CompareTable rows={rows} colors={colors} />
                  <p className="muted small">
                    Best own score: on the search set. Final held-out: the final chosen agent on unseen levels, recorded when the run ends.
                  </p>
                </>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}
