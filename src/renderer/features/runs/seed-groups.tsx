import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { ErrorBoundary } from '../../components/error-boundary';
import { BandChart } from './band-chart';
import { seedBand } from './seed-groups-data';
import { seedGroupsActions, seedGroupsStore } from './seed-groups-store';

/**
 * The Runs screen's seed groups: completed runs whose configs differ only in their seed, one curve per group (the
 * mean across seeds) with a band (the bootstrap 95% interval of the mean), with the run screen's smoothing.
 */
export function SeedGroups() {
  const s = useStore(seedGroupsStore);
  useEffect(() => {
    void seedGroupsActions.load();
  }, []);
  const band = useMemo(() => (s.metric ? seedBand(s.series, s.metric, s.smoothing) : null), [s.series, s.metric, s.smoothing]);
  const group = s.groups.find((g) => g.key === s.selected);
  if (!s.loaded || (s.completed === 0 && !s.error)) return null;
  return (
    <section className="seed-groups" data-testid="seed-groups">
      <h2>Across seeds</h2>
      {s.error && <p className="error-text">Seed groups could not be read: {s.error}</p>}
      {s.groups.length === 0 ? (
        <p className="empty small" data-testid="seed-groups-empty">
          Runs of one config with different seeds are drawn here as a mean and a band. Start a few, e.g.{' '}
          <code>evolab sweep --preset gridworld-a2c-smoke --seeds 1-3</code>.
        </p>
      ) : (
        <>
          <div className="seed-group-list" role="list">
            {s.groups.map((g) => (
              <button
                key={g.key}
                type="button"
                role="listitem"
                className={g.key === s.selected ? 'seed-group selected' : 'seed-group'}
                onClick={() => void seedGroupsActions.select(g.key)}
                data-testid="seed-group"
                data-seeds={g.runs.length}
                aria-pressed={g.key === s.selected}
              >
                <strong>{g.label}</strong>{' '}
                <span className="small muted">
                  {g.runs.length} seeds: {g.runs.map((r) => r.seed).join(', ')}
                </span>
              </button>
            ))}
          </div>
          {group && (
            <div className="seed-group-view">
              <label>
                Metric{' '}
                <select value={s.metric ?? ''} onChange={(e) => seedGroupsActions.setMetric(e.target.value)} data-testid="seed-group-metric">
                  {s.metrics.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </select>
              </label>{' '}
              <label>
                Smoothing{' '}
                <input
                  type="range"
                  min={0}
                  max={0.95}
                  step={0.05}
                  value={s.smoothing}
                  onChange={(e) => seedGroupsActions.setSmoothing(Number(e.target.value))}
                  data-testid="seed-group-smoothing"
                  aria-label="Smoothing"
                />{' '}
                <span className="small">{s.smoothing.toFixed(2)}</span>
              </label>
              {band && s.metric && (
                <ErrorBoundary label={`the ${s.metric} band chart`}>
                  <BandChart title={s.metric} band={band} seeds={group.runs.length} />
                </ErrorBoundary>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
