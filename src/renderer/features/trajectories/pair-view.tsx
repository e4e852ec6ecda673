import { useState } from 'react';
import type { RequestOutput } from '../../../shared/contract';
import type { Trajectory } from '../../../shared/run';
import { formatNumber } from '../../lib/format';
import { describeError, getBridge } from '../../lib/bridge';
import { useEscape } from '../../lib/use-escape';

type Pair = RequestOutput<'trajectories.pair'>;

function Side({ title, t }: { title: string; t: Trajectory }) {
  return (
    <section className="column pair-side" data-testid={`pair-${t.pair?.role ?? 'side'}`}>
      <h3>{title}</h3>
      <dl>
        <dt>Output</dt>
        <dd className="mono" data-testid="pair-output">
          {t.output || <span className="muted">(empty)</span>}
        </dd>
        <dt title="beta * (log pi(y) - log ref(y)) once the iteration had trained">Implicit reward</dt>
        <dd className="mono" data-testid="pair-implicit-reward">
          {formatNumber(t.pair?.implicitReward ?? null)}
        </dd>
        <dt>Verdict</dt>
        <dd>{t.verdict}</dd>
      </dl>
    </section>
  );
}

/** The pair a sample of a DPO-family run trained in, side by side: chosen, rejected, the rater's verdict, both implicit rewards. */
function PairOverlay({ pair, onClose }: { pair: Pair; onClose: () => void }) {
  useEscape(true, onClose);
  const { chosen, rejected } = pair;
  const margin = (chosen.pair?.implicitReward ?? 0) - (rejected.pair?.implicitReward ?? 0);
  return (
    <div className="overlay" role="dialog" aria-label="Training pair" data-testid="pair-view">
      <div className="overlay-body">
        <header className="panel-head">
          <h2>
            Training pair {chosen.pair!.pair + 1} of iteration {chosen.iteration}: <span className="mono">{chosen.prompt}</span>
          </h2>
          <button type="button" onClick={onClose} title="Close (Esc)" data-testid="pair-close">
            Close
          </button>
        </header>
        <p data-testid="pair-rater">
          Rater&apos;s verdict: <strong>{chosen.pair!.rater}</strong> · implicit reward margin (chosen − rejected){' '}
          <span className="mono">{formatNumber(margin)}</span>
        </p>
        <div className="columns">
          <Side title="Chosen" t={chosen} />
          <Side title="Rejected" t={rejected} />
        </div>
      </div>
    </div>
  );
}

/** A sample's pair chip and the button that opens its pair (nothing for a sample in no pair). */
export function PairLink({ t }: { t: Trajectory }) {
  const [pair, setPair] = useState<Pair | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!t.pair) return null;
  const open = async () => {
    setError(null);
    try {
      setPair(await getBridge().request('trajectories.pair', { runId: t.runId, iteration: t.iteration, pair: t.pair!.pair }));
    } catch (e) {
      setError(describeError(e).message);
    }
  };
  return (
    <>
      <span className={`chip ${t.pair.role === 'chosen' ? 'ok' : 'bad'}`} data-testid="pair-chip">
        {t.pair.role} · pair {t.pair.pair + 1}
      </span>
      <button type="button" className="link" onClick={() => void open()} data-testid="open-pair" title="This sample's training pair side by side">
        pair
      </button>
      {error && <span className="error-text small">{error}</span>}
      {pair && <PairOverlay pair={pair} onClose={() => setPair(null)} />}
    </>
  );
}
