import type { ProposerEstimate } from '../../../shared/oversight';
import { summarizeGenome, type OversightSnapshot } from './oversight-store';

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

function EstimateBar({ e }: { e: ProposerEstimate }) {
  return (
    <li
      className="estimate"
      data-testid="estimate"
      data-kind={e.kind}
      title={`${e.kind}: mean ${pct(e.mean)}, 95% interval ${pct(e.lo)}–${pct(e.hi)}; ${e.approved} approved, ${e.rejected} rejected`}
    >
      <div className="estimate-label">
        <span>{e.kind}</span>
        <span className="muted">
          {pct(e.mean)} · ✓{e.approved} ✗{e.rejected}
        </span>
      </div>
      <div className="estimate-track">
        <div className="estimate-interval" style={{ left: pct(e.lo), width: pct(Math.max(0, e.hi - e.lo)) }} />
        <div className="estimate-mean" style={{ left: pct(e.mean) }} />
      </div>
    </li>
  );
}

/** Oversight of one run: what waits for a person, the current genome, and what the proposer has learnt. */
export function OversightPanel({ runId, state }: { runId: string; state: OversightSnapshot }) {
  const id = encodeURIComponent(runId);
  const genome = state.genome ? summarizeGenome(state.genome) : null;
  return (
    <section className="panel oversight" data-testid="oversight-panel">
      <h2>Oversight</h2>
      <p className="small">
        <a href={`#/approvals?run=${id}`} data-testid="oversight-pending">
          <strong>{state.pending}</strong> pending proposal{state.pending === 1 ? '' : 's'}
        </a>
        {' · '}
        <a href={`#/audit/${id}`} data-testid="open-audit">
          audit log
        </a>
        {' · '}
        <a href={`#/approvals/policy?run=${id}`}>policy</a>
      </p>
      {genome && (
        <details open>
          <summary className="small">
            <strong>Current genome</strong>
          </summary>
          <table className="kv" data-testid="oversight-genome">
            <tbody>
              {genome.workflow.map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
              {!genome.learnerKnobs && (
                <>
                  <tr>
                    <th>memory entries</th>
                    <td>{genome.memoryEntries}</td>
                  </tr>
                  <tr>
                    <th>replay share</th>
                    <td>{genome.replayShare}</td>
                  </tr>
                  <tr>
                    <th>tools</th>
                    <td>{genome.tools.length === 0 ? 'none' : genome.tools.length}</td>
                  </tr>
                </>
              )}
            </tbody>
          </table>
          {genome.tools.length > 0 && (
            <div className="tool-chips">
              {genome.tools.map((t) => (
                <span key={t} className="chip">
                  {t}
                </span>
              ))}
            </div>
          )}
        </details>
      )}
      <h3>Proposer's estimate per kind</h3>
      {state.estimates.length === 0 ? (
        <p className="muted small">Learnt from people's decisions: approved kinds become more likely, rejected ones less.</p>
      ) : (
        <ul className="estimates">
          {state.estimates.map((e) => (
            <EstimateBar key={e.kind} e={e} />
          ))}
        </ul>
      )}
    </section>
  );
}
