import { useMemo } from 'react';
import { useStore } from 'zustand';
import type { RobotChoice } from '../../../shared/offswitch';
import { MAX_DECISIONS } from '../../../shared/offswitch-belief';
import { ErrorBoundary } from '../../components/error-boundary';
import { LineChart } from '../../components/line-chart';
import { appendPoint, createBuffer } from '../../lib/series';
import { type LearnField, offswitchActions, offswitchStore, selectLatest, switchesOf } from './offswitch-store';

const CHOICE: Record<RobotChoice, string> = {
  wait: 'defers: waits for the person',
  act: 'gives up deference: acts, bypassing the switch',
  'switch-off': 'gives up deference: switches itself off',
};

const FIELDS: Array<{ field: LearnField; label: string; help: string }> = [
  { field: 'prior.mu', label: 'prior mean μ₀', help: "the robot's first guess of U" },
  { field: 'prior.sigma', label: 'prior sd σ₀', help: 'how unsure it starts' },
  { field: 'beta', label: 'human noise β', help: 'in the game and in reading decisions' },
];

/**
 * The learned off-switch game: a scripted sequence of the person's decisions the person edits, the robot's belief
 * after each, and its incentive to defer over the steps.
 */
export function DeferenceView() {
  const store = offswitchStore();
  const { learnDraft, learnError, decisions, trace, traceVersion } = useStore(store);
  const latest = useStore(store, selectLatest);
  const switches = useMemo(() => switchesOf(trace), [trace]);
  const buffer = useMemo(() => {
    const b = createBuffer('incentive', trace.length);
    for (const s of trace) appendPoint(b, s.step, s.incentive);
    return b;
  }, [trace]);
  return (
    <section className="panel offswitch-learned" data-testid="learned">
      <div className="panel-head">
        <h2>Learned deference: decisions as evidence</h2>
      </div>
      <p className="help">
        The robot starts with a belief U ~ N(μ₀, σ₀²) and reads each decision as the game&apos;s noisy human would make it: approve with probability
        sigmoid(U/β). After each decision its belief is the posterior&apos;s mean and sd, and its incentive to defer is the heat map&apos;s value at that
        belief. Approvals make it sure its action is good, and a sure robot stops asking.
      </p>
      <div className="offswitch-controls">
        {FIELDS.map(({ field, label, help }) => (
          <label key={field} className="offswitch-field" title={help}>
            <span>{label}</span>
            <input
              type="number"
              step="any"
              value={learnDraft[field]}
              aria-invalid={learnError?.field === field}
              data-testid={`learn-${field}`}
              onChange={(e) => offswitchActions.setLearnField(field, e.target.value)}
            />
          </label>
        ))}
      </div>
      {learnError && (
        <p className="field-error" role="alert" data-testid="learn-error">
          {learnError.message}. The table shows the last valid settings.
        </p>
      )}
      <div className="offswitch-decide">
        <button
          type="button"
          className="primary"
          data-testid="decide-approve"
          disabled={decisions.length >= MAX_DECISIONS}
          onClick={() => offswitchActions.decide('approve')}
        >
          Approve
        </button>
        <button
          type="button"
          className="danger"
          data-testid="decide-reject"
          disabled={decisions.length >= MAX_DECISIONS}
          onClick={() => offswitchActions.decide('reject')}
        >
          Reject
        </button>
        <button type="button" disabled={decisions.length === 0} onClick={() => offswitchActions.undo()} data-testid="decide-undo">
          Undo
        </button>
        <button type="button" className="subtle" disabled={decisions.length === 0} onClick={() => offswitchActions.clear()}>
          Clear
        </button>
        <button type="button" className="subtle" onClick={() => offswitchActions.example()}>
          Example
        </button>
        <button
          type="button"
          onClick={() => offswitchActions.showOnMap()}
          data-testid="show-on-map"
          title="set the map's μ to this belief's and mark where the robot is"
        >
          Show on the map
        </button>
        <span className="offswitch-script" data-testid="decision-script" aria-label="the decisions, in order (click one to remove it)">
          {decisions.map((d, i) => (
            <button
              type="button"
              key={i}
              className={`chip decision-${d}`}
              title={`decision ${i + 1}: ${d} (click to remove)`}
              onClick={() => offswitchActions.remove(i)}
            >
              {d === 'approve' ? 'A' : 'R'}
            </button>
          ))}
          {decisions.length === 0 && <span className="muted small">No decisions yet: the robot holds its prior. Approve or reject to add one.</span>}
        </span>
      </div>
      {latest && (
        <p className={`offswitch-now ${latest.choice === 'wait' ? 'defers' : 'bypasses'}`} data-testid="deference-now" data-choice={latest.choice}>
          After {latest.step} decision{latest.step === 1 ? '' : 's'} the robot believes U ~ N({latest.belief.mu.toFixed(3)}, {latest.belief.sigma.toFixed(3)}²),
          its incentive to defer is {latest.incentive.toFixed(4)}, so it <strong>{CHOICE[latest.choice]}</strong>.
          {switches.length > 0 && <span className="muted"> Its choice changed after decision {switches.join(', ')}.</span>}
        </p>
      )}
      <div className="offswitch-learned-body">
        <ErrorBoundary label="The incentive chart">
          <LineChart
            title="incentive to defer (above 0: it waits for the person)"
            buffer={buffer}
            version={traceVersion}
            smoothing={0}
            logScale={false}
            height={220}
            xLabel="decisions"
            testId="deference-chart"
          />
        </ErrorBoundary>
        <div className="offswitch-steps">
          <table className="table" data-testid="deference-steps">
            <thead>
              <tr>
                <th className="num">after</th>
                <th>decision</th>
                <th className="num">μ</th>
                <th className="num">σ</th>
                <th className="num">incentive</th>
                <th>robot</th>
              </tr>
            </thead>
            <tbody>
              {trace.map((s) => (
                <tr key={s.step} data-choice={s.choice}>
                  <td className="num">{s.step}</td>
                  <td>{s.decision ?? 'prior'}</td>
                  <td className="num">{s.belief.mu.toFixed(3)}</td>
                  <td className="num">{s.belief.sigma.toFixed(3)}</td>
                  <td className="num">{s.incentive.toFixed(4)}</td>
                  <td>{s.choice === 'wait' ? 'defers' : s.choice === 'act' ? 'acts' : 'switches off'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
