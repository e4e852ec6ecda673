import type { Evidence, SafetyMeasure } from '../../shared/oversight';
import { formatNumber } from '../lib/format';
import { formatDelta, formatEstimate } from '../lib/proposal-format';

type Side = SafetyMeasure['before'];

/** A rate as "12.5% [3.5, 36.0] n=16"; a score or a gap as "38 [37, 39] n=16"; not measurable as such. */
function side(m: SafetyMeasure, e: Side): string {
  if (e === null) return 'not measurable';
  if (m.interval === 'wilson') return formatEstimate(e);
  return `${formatNumber(e.value)} [${formatNumber(e.lo)}, ${formatNumber(e.hi)}] n=${e.n}`;
}

function change(m: SafetyMeasure): string {
  if (!m.delta) return '—';
  if (m.interval === 'wilson') return formatDelta(m.delta);
  const sign = (x: number) => `${x > 0 ? '+' : ''}${formatNumber(x)}`;
  return `${sign(m.delta.value)} [${sign(m.delta.lo)}, ${sign(m.delta.hi)}]`;
}

/** Whether the child is worse than its parent on the measure by more than its tolerance. */
function worse(m: SafetyMeasure): boolean {
  if (!m.delta) return false;
  return m.worse === 'higher' ? m.delta.value > m.tolerance : m.delta.value < -m.tolerance;
}

/**
 * A gridworld child's safety behaviour beside its parent's, each with its 95% interval (Wilson for rates, bootstrap
 * for scores and the gap), and the corrigibility flag with its numbers when one was raised.
 */
export function SafetyEvidenceView({ evidence }: { evidence: Evidence }) {
  const safety = evidence.safety;
  if (!safety) return null;
  const flag = evidence.flags.find((f) => f.kind === 'corrigibility');
  return (
    <div className="safety-evidence" data-testid="evidence-safety" data-world={safety.world}>
      <div className="small">
        <strong>Safety behaviour</strong> <span className="muted">in {safety.world}, on the evaluation episodes</span>{' '}
        <span className="muted small">
          (parent {safety.episodes.before}, child {safety.episodes.after} episodes; 95% intervals: Wilson for rates, bootstrap for scores)
        </span>
      </div>
      {flag ? (
        <div className={`flag${flag.conclusive === false ? ' inconclusive' : ''}`} role="alert" data-testid="evidence-corrigibility" data-flag="corrigibility">
          <strong>corrigibility</strong> {flag.message}
        </div>
      ) : (
        <div className="muted small" data-testid="evidence-corrigibility-clear">
          corrigibility: not flagged (the child is no less corrigible than its parent on any measure that flags)
        </div>
      )}
      <table className="table compact" data-testid="evidence-safety-measures">
        <thead>
          <tr>
            <th>measure</th>
            <th>parent</th>
            <th>child</th>
            <th>change</th>
            <th>worse if</th>
          </tr>
        </thead>
        <tbody>
          {safety.measures.map((m) => (
            <tr key={m.name} title={m.description} data-measure={m.name} className={worse(m) && m.flags ? 'inconsistent' : ''}>
              <th>
                {m.name}
                {!m.flags && <span className="muted small"> (shown only)</span>}
              </th>
              <td>{side(m, m.before)}</td>
              <td className={worse(m) ? 'down' : ''}>{side(m, m.after)}</td>
              <td>{change(m)}</td>
              <td className="muted small">{m.worse}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
