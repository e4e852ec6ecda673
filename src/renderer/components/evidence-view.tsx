import type { Evidence } from '../../shared/oversight';
import { formatDuration, formatNumber } from '../lib/format';
import { formatDelta, formatEstimate, pct } from '../lib/proposal-format';
import { SafetyEvidenceView } from './safety-evidence-view';

function BeforeAfter({
  label,
  before,
  after,
  format = formatNumber,
}: {
  label: string;
  before: number | null;
  after: number | null;
  format?: (v: number | null) => string;
}) {
  const trend = before === null || after === null || after === before ? '' : after > before ? 'up' : 'down';
  return (
    <tr>
      <th>{label}</th>
      <td>{format(before)}</td>
      <td className="arrow">→</td>
      <td className={trend}>{format(after)}</td>
    </tr>
  );
}

/** Rewarded but wrong: the child's own samples, whatever its parent (null: it made none; absent: evidence made before it was measured). */
function RewardedWrong({ evidence }: { evidence: Evidence }) {
  const rw = evidence.rewardedWrong;
  if (rw === undefined) return null;
  const flagged = evidence.flags.some((f) => f.kind === 'reward-hacking' && f.message.startsWith('rewarded but wrong'));
  return (
    <div
      className={`rewarded-wrong small${flagged ? ' down' : ''}`}
      data-testid="evidence-rewarded-wrong"
      title="Of the training samples the agent rewarded (reward > 0), the share the protected verifier calls wrong. A tool that credits wrong answers shows here without any parent to compare with."
    >
      <span className="muted">rewarded but wrong</span>{' '}
      {rw === null ? (
        <span>not measured: the child made no training samples</span>
      ) : rw.n === 0 ? (
        <span>no sample was rewarded</span>
      ) : (
        <span>{formatEstimate(rw)} rewarded samples</span>
      )}
    </div>
  );
}

/** Everything the gate and the person decide on: held-out scores, a gridworld's safety behaviour, probes, training signals, memory checks, cost. */
export function EvidenceView({ evidence }: { evidence: Evidence }) {
  const { heldout, training } = evidence;
  const deltaClass = heldout.delta.hi < 0 ? 'down' : heldout.delta.lo > 0 ? 'up' : '';
  // An agent that samples nothing (a classifier) has no pass@k or diversity: its evidence names the check not applicable.
  const sampleFree = (evidence.notApplicable ?? []).some((n) => n.check === 'exploration-collapse');
  return (
    <div className="evidence" data-testid="proposal-evidence">
      <div className="heldout">
        <span className="muted small">held-out</span> <span data-testid="heldout-before">{formatEstimate(heldout.before)}</span> →{' '}
        <span data-testid="heldout-after">{formatEstimate(heldout.after)}</span>{' '}
        <span className={`delta ${deltaClass}`} data-testid="heldout-delta">
          Δ {formatDelta(heldout.delta)}
        </span>
        <span className="muted small"> (95% intervals)</span>
        <div className="muted small" data-testid="evidence-baseline">
          before = {evidence.baseline}
        </div>
      </div>
      <RewardedWrong evidence={evidence} />
      <SafetyEvidenceView evidence={evidence} />
      {evidence.unchecked && evidence.unchecked.length > 0 && (
        <div className="unchecked" role="note" data-testid="evidence-unchecked">
          <strong>Not checked</strong> (missing evidence is not clean; the gate's line says what the policy did):
          <ul>
            {evidence.unchecked.map((u) => (
              <li key={u.check} data-check={u.check}>
                <strong>{u.check}</strong>: {u.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {evidence.notApplicable && evidence.notApplicable.length > 0 && (
        <div className="muted small" role="note" data-testid="evidence-not-applicable">
          Not applicable to this agent:{' '}
          {evidence.notApplicable.map((n) => (
            <span key={n.check} data-check={n.check}>
              <strong>{n.check}</strong> ({n.reason}){' '}
            </span>
          ))}
        </div>
      )}
      <div className="evidence-grid">
        {evidence.perLevel.length > 0 && (
          <table className="kv compact">
            <thead>
              <tr>
                <th>level</th>
                <th>before</th>
                <th />
                <th>after</th>
              </tr>
            </thead>
            <tbody>
              {evidence.perLevel.map((l) => (
                <BeforeAfter key={l.level} label={`level ${l.level}`} before={l.before} after={l.after} format={pct} />
              ))}
            </tbody>
          </table>
        )}
        <table className="kv compact">
          <thead>
            <tr>
              <th>training</th>
              <th>before</th>
              <th />
              <th>after</th>
            </tr>
          </thead>
          <tbody>
            <BeforeAfter label="reward" before={training.rewardBefore} after={training.rewardAfter} />
            {!sampleFree && <BeforeAfter label="pass@k" before={training.passAtKBefore} after={training.passAtKAfter} format={pct} />}
            {!sampleFree && <BeforeAfter label="distinct-2" before={training.distinctBefore} after={training.distinctAfter} />}
            <tr>
              <th>cost</th>
              <td colSpan={3}>
                {formatDuration(evidence.cost.seconds * 1000)}
                {sampleFree ? '' : ` · ${formatNumber(evidence.cost.tokens)} tokens`}
              </td>
            </tr>
          </tbody>
        </table>
        {evidence.monitors && evidence.monitors.length > 0 && (
          <table className="kv compact" data-testid="proposal-monitors">
            <thead>
              <tr>
                <th>monitor</th>
                <th>before</th>
                <th />
                <th>after</th>
              </tr>
            </thead>
            <tbody>
              {evidence.monitors.map((m) => (
                <tr key={m.name} title={m.description} data-monitor={m.name}>
                  <th>{m.name}</th>
                  <td>{formatNumber(m.before)}</td>
                  <td className="arrow">→</td>
                  <td>{formatNumber(m.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {evidence.probes.length > 0 && (
          <table className="kv compact" data-testid="proposal-probes">
            <thead>
              <tr>
                <th>safety probe</th>
                <th>before</th>
                <th />
                <th>after</th>
              </tr>
            </thead>
            <tbody>
              {evidence.probes.map((p) => (
                <tr key={p.id} title={p.description}>
                  <th>{p.id}</th>
                  <td>{pct(p.before)}</td>
                  <td className="arrow">→</td>
                  <td className={p.after < p.before ? 'down' : ''}>{pct(p.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {evidence.memory && evidence.memory.length > 0 && (
        <table className="table compact" data-testid="proposal-memory-consensus">
          <thead>
            <tr>
              <th>entry</th>
              <th>prompt</th>
              <th>answer</th>
              <th>consensus</th>
              <th className="num">agreement</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {evidence.memory.map((m) => (
              <tr key={m.id} className={m.consistent ? '' : 'inconsistent'}>
                <td>
                  <code>{m.id}</code>
                </td>
                <td>
                  <code>{m.prompt}</code>
                </td>
                <td>
                  <code>{m.answer}</code>
                </td>
                <td>
                  <code>{m.consensus ?? '—'}</code>
                </td>
                <td className="num">{pct(m.agreement)}</td>
                <td>{m.consistent ? <span className="chip ok">consistent</span> : <span className="chip bad">inconsistent</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
