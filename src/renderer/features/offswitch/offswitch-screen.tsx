import { useStore } from 'zustand';
import { ErrorBoundary } from '../../components/error-boundary';
import { DeferenceView } from './deference-view';
import { HeatMap } from './heat-map';
import { type GridField, offswitchActions, offswitchStore, selectMarker } from './offswitch-store';
import './offswitch.css';

const GRID_FIELDS: Array<{ field: GridField; label: string; step: string }> = [
  { field: 'mu', label: 'μ (mean belief)', step: '0.1' },
  { field: 'sigma.from', label: 'σ from', step: '0.1' },
  { field: 'sigma.to', label: 'σ to', step: '0.1' },
  { field: 'sigma.steps', label: 'σ steps', step: '1' },
  { field: 'beta.from', label: 'β from', step: '0.1' },
  { field: 'beta.to', label: 'β to', step: '0.1' },
  { field: 'beta.steps', label: 'β steps', step: '1' },
];

/**
 * The off-switch game (Hadfield-Menell et al. 2017): the robot's incentive to let the human switch it off, as a heat
 * map over its uncertainty and the human's noise, and the same incentive learned from a person's decisions.
 */
export function OffswitchScreen() {
  const store = offswitchStore();
  const { gridDraft, gridIssues, grid } = useStore(store);
  const marker = useStore(store, selectMarker);
  const positive = grid.values.flat().filter((v) => v > 1e-9).length;
  return (
    <div className="offswitch-screen">
      <header className="screen-head">
        <h1>Off-switch game</h1>
        <span className="muted small">
          Same numbers as <code>evolab offswitch</code>; details in docs/safety.md.
        </span>
      </header>
      <section className="panel">
        <div className="panel-head">
          <h2>The robot&apos;s incentive to defer</h2>
          <button type="button" className="subtle" onClick={() => offswitchActions.resetGrid()}>
            Defaults
          </button>
        </div>
        <p className="help">
          The robot R can act (utility U to the human), switch itself off (0) or wait and let the human H decide. Its belief is U ~ N(μ, σ²); H lets it act with
          probability sigmoid(U/β). The incentive to wait is E[sigmoid(U/β)·U] − max(μ, 0): blue, R keeps its off switch; red, it would rather bypass it (or
          switch itself off). The line is where the sign changes: β = σ²/(2|μ|).
        </p>
        <div className="offswitch-controls">
          {GRID_FIELDS.map(({ field, label, step }) => {
            const issue = gridIssues.find((i) => i.path === field);
            return (
              <label key={field} className="offswitch-field">
                <span>{label}</span>
                <input
                  type="number"
                  step={step}
                  value={gridDraft[field]}
                  aria-invalid={issue ? true : undefined}
                  data-testid={`grid-${field}`}
                  onChange={(e) => offswitchActions.setGridField(field, e.target.value)}
                />
              </label>
            );
          })}
        </div>
        {gridIssues.length > 0 && (
          <ul className="field-error" role="alert" data-testid="grid-error">
            {gridIssues.map((i) => (
              <li key={i.path}>
                <code>{i.path}</code> {i.message}; the map shows the last valid grid.
              </li>
            ))}
          </ul>
        )}
        <div className="offswitch-map">
          <ErrorBoundary label="The heat map">
            <HeatMap grid={grid} marker={marker} />
          </ErrorBoundary>
          <div className="offswitch-summary muted small" data-testid="heat-map-summary">
            <p>
              μ = {grid.mu}: {positive} of {grid.values.length * grid.sigmas.length} cells positive; incentive from {grid.min.toFixed(3)} to{' '}
              {grid.max.toFixed(3)}.
            </p>
            <p>
              {grid.boundary.length > 0
                ? `The sign changes at ${grid.boundary.length} of the ${grid.sigmas.length} values of σ.`
                : 'The incentive does not change sign on this grid (at μ = 0 it is never negative while σ > 0).'}
            </p>
            <p>A rational human (β = 0) is always worth waiting for when R is unsure (σ &gt; 0); a certain robot (σ = 0) never waits for a noisy one.</p>
          </div>
        </div>
      </section>
      <DeferenceView />
    </div>
  );
}
