import { useEffect } from 'react';
import { useStore } from 'zustand';
import { RunStatus } from '../../../shared/run';
import { ErrorBox } from '../../components/error-box';
import { StatusBadge } from '../../components/status-badge';
import { formatDate, formatNumber } from '../../lib/format';
import { metricDefinition, SCORE_LABELS } from '../../../shared/metric-definitions';
import { HELDOUT_HARDEST, EVAL_SUCCESS_RATE } from '../../../shared/metrics';
import { runsActions, runsStore, selectCompareHash, selectVisibleRuns, type RunSort, type RunSortKey } from './runs-store';
import { SeedGroups } from './seed-groups';
import './runs.css';

/** A column header that sorts the list; aria-sort says how it is sorted now. */
function SortHeader({ label, sortKey, sort, num, title }: { label: string; sortKey: RunSortKey; sort: RunSort; num?: boolean; title?: string }) {
  const active = sort.key === sortKey;
  return (
    <th className={num ? 'num' : undefined} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} title={title}>
      <button type="button" className="link sort-header" onClick={() => runsActions.sortBy(sortKey)} data-testid={`sort-${sortKey}`}>
        {label}
        {active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
}

const BEST_TITLE = `Best score so far: ${SCORE_LABELS[HELDOUT_HARDEST]} for a text run (${metricDefinition(HELDOUT_HARDEST)?.definition ?? ''}), ${SCORE_LABELS[EVAL_SUCCESS_RATE]} for an episodic run.`;

export function RunsScreen() {
  const s = useStore(runsStore);
  const visible = selectVisibleRuns(s);
  useEffect(() => {
    void runsActions.load();
  }, []);

  return (
    <div className="runs-screen">
      <header className="screen-head">
        <h1>Runs</h1>
        <input
          type="search"
          placeholder="Filter by name, preset, recipe…"
          value={s.text}
          onChange={(e) => runsActions.setText(e.target.value)}
          data-testid="runs-filter"
          aria-label="Filter runs"
        />
        <select
          value={s.status}
          onChange={(e) => runsActions.setStatus(e.target.value as RunStatus | 'all')}
          data-testid="runs-status-filter"
          aria-label="Status"
        >
          <option value="all">all statuses</option>
          {RunStatus.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <a
          className={`button${selectCompareHash(s) ? '' : ' disabled'}`}
          href={selectCompareHash(s) ?? undefined}
          aria-disabled={selectCompareHash(s) === null}
          title="Tick two or more runs to overlay their curves"
          data-testid="runs-compare"
        >
          Compare{s.picked.length > 0 ? ` (${s.picked.length})` : ''}
        </a>
        <a className="button primary" href="#/new">
          New run
        </a>
      </header>
      <ErrorBox title="Runs could not be listed." message={s.error} hint="Is the engine running? The banner above says; reload when it is back." />
      {s.loaded && s.runs.length === 0 && (
        <div className="empty" data-testid="runs-empty">
          <p>
            <strong>No runs yet.</strong>
          </p>
          <p>
            Open <a href="#/new">New run</a> and click a preset: the smoke presets finish in under a minute on any machine.
          </p>
        </div>
      )}
      {s.runs.length > 0 && visible.length === 0 && <p className="empty">No run matches these filters.</p>}
      {visible.length > 0 && (
        <table className="table" data-testid="runs-table">
          <thead>
            <tr>
              <th aria-label="Compare" />
              <SortHeader label="Name" sortKey="name" sort={s.sort} />
              <SortHeader label="Id" sortKey="id" sort={s.sort} />
              <SortHeader label="Status" sortKey="status" sort={s.sort} />
              <SortHeader label="Preset" sortKey="preset" sort={s.sort} />
              <SortHeader label="Recipe" sortKey="recipe" sort={s.sort} />
              <SortHeader label="Seed" sortKey="seed" sort={s.sort} num />
              <SortHeader label="Best score" sortKey="bestScore" sort={s.sort} num title={BEST_TITLE} />
              <SortHeader label="Iterations" sortKey="iterations" sort={s.sort} num />
              <SortHeader label="Started" sortKey="createdAt" sort={s.sort} />
              <th />
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr key={r.id} data-testid="run-row" data-run-id={r.id}>
                <td>
                  <input
                    type="checkbox"
                    checked={s.picked.includes(r.id)}
                    onChange={() => runsActions.togglePick(r.id)}
                    aria-label={`Compare ${r.name ?? r.id}`}
                    data-testid="run-pick"
                  />
                </td>
                <td>
                  <a href={`#/runs/${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</a>
                  {r.error && <div className="error-text small">{r.error}</div>}
                </td>
                <td className="mono small" data-testid="run-id">
                  {r.id}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{r.preset ?? '—'}</td>
                <td>{r.recipe}</td>
                <td className="num" data-testid="run-seed">
                  {r.seed}
                </td>
                <td className="num">{formatNumber(r.bestScore)}</td>
                <td className="num">
                  {r.iterationsDone} / {r.iterationsTotal}
                </td>
                <td>{formatDate(r.createdAt)}</td>
                <td className="actions">
                  {s.confirming === r.id ? (
                    <>
                      <span className="small">Delete run and its checkpoints?</span>
                      <button type="button" className="danger" onClick={() => void runsActions.confirmDelete(r.id)} data-testid="confirm-delete">
                        Delete
                      </button>
                      <button type="button" onClick={() => runsActions.askDelete(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="subtle"
                      onClick={() => runsActions.askDelete(r.id)}
                      data-testid="delete-run"
                      disabled={r.status === 'running' || r.status === 'stopping'}
                      title={r.status === 'running' ? 'Stop the run before deleting it' : 'Delete'}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SeedGroups />
    </div>
  );
}
