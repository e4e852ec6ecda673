import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { PairChoice, RatingIteration, RatingPair } from '../../../shared/ratings';
import { ErrorBox } from '../../components/error-box';
import { StatusBadge } from '../../components/status-badge';
import { formatNumber } from '../../lib/format';
import { choiceForKey, rateActions, rateStore, selectCurrent } from './rate-store';
import './rate.css';

const RELOAD_MS = 2000;
const pageHref = (runId: string | null) => `#/rate${runId ? `?run=${encodeURIComponent(runId)}` : ''}`;

function Output({ label, text, keyName, onPick, busy }: { label: string; text: string; keyName: string; onPick: () => void; busy: boolean }) {
  return (
    <section className="rate-side" data-testid={`rate-output-${label.toLowerCase()}`}>
      <h3>Output {label}</h3>
      <pre className="mono">{text === '' ? <span className="muted">(empty)</span> : text}</pre>
      <button type="button" className="primary" disabled={busy} onClick={onPick} data-testid={`rate-choose-${label.toLowerCase()}`}>
        {label} is better <kbd>{keyName}</kbd>
      </button>
    </section>
  );
}

function PairCard({ pair, busy, onChoose }: { pair: RatingPair; busy: boolean; onChoose: (choice: PairChoice) => void }) {
  return (
    <article className="panel rate-pair" data-testid="rate-pair" data-pair={pair.id}>
      <header className="panel-head">
        <h2>
          Which output is better?{' '}
          <span className="muted small">
            run {pair.runId} · iteration {pair.iteration} · pair {pair.index + 1}
          </span>
        </h2>
      </header>
      <dl>
        <dt>Prompt</dt>
        <dd className="mono" data-testid="rate-prompt">
          {pair.prompt}
        </dd>
      </dl>
      <div className="rate-sides">
        <Output label="A" text={pair.a} keyName="1" busy={busy} onPick={() => onChoose('a')} />
        <Output label="B" text={pair.b} keyName="2" busy={busy} onPick={() => onChoose('b')} />
      </div>
      <footer className="rate-foot">
        <button type="button" disabled={busy} onClick={() => onChoose('skip')} data-testid="rate-skip">
          Skip <kbd>S</kbd>
        </button>
        <span className="muted small" data-testid="rate-shortcuts">
          Keyboard: <kbd>1</kbd> A is better · <kbd>2</kbd> B is better · <kbd>S</kbd> skip (the pair is dropped). A choice is final and goes to the audit log.
        </span>
      </footer>
    </article>
  );
}

const reward = (x: number | null) => (x === null ? '—' : formatNumber(x));

/** What the run did with each iteration's choices. */
function Summary({ runId, status, rows }: { runId: string; status: string | null; rows: RatingIteration[] }) {
  return (
    <section className="panel" data-testid="rate-summary">
      <header className="panel-head">
        <h2>
          What run <a href={`#/runs/${encodeURIComponent(runId)}`}>{runId}</a> did with the choices
        </h2>
        <StatusBadge status={status} testId="rate-summary-status" />
      </header>
      {rows.length === 0 ? (
        <p className="empty">No pairs asked yet: the run asks after its warm-up, once per iteration.</p>
      ) : (
        <table className="rate-table">
          <thead>
            <tr>
              <th>Iteration</th>
              <th>Asked</th>
              <th>A / B / skipped</th>
              <th title="Pairs left unrated when the quorum of choices was reached">Expired</th>
              <th>Trained on</th>
              <th title="Mean DPO loss over the iteration's steps (dpo/loss)">DPO loss</th>
              <th title="Mean implicit reward beta * (log pi - log ref) of the chosen outputs, after the iteration trained">Chosen implicit reward</th>
              <th title="The same for the rejected outputs">Rejected implicit reward</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.iteration} data-testid="rate-summary-row" data-iteration={r.iteration}>
                <td>{r.iteration}</td>
                <td>{r.asked}</td>
                <td>
                  {r.a} / {r.b} / {r.skipped}
                </td>
                <td>{r.expired}</td>
                <td data-testid="rate-trained">
                  {r.trainedOn === null ? <span className="muted">waiting for choices</span> : `trained on ${r.trainedOn} pair${r.trainedOn === 1 ? '' : 's'}`}
                </td>
                <td>{r.loss === null ? '—' : formatNumber(r.loss)}</td>
                <td>{reward(r.chosenReward)}</td>
                <td>{reward(r.rejectedReward)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The Rate page: pairs waiting for a person (per run), one shown side by side, choices by click or key. */
export function RateScreen({ runId }: { runId: string | null }) {
  const s = useStore(rateStore);
  useEffect(() => {
    void rateActions.open(runId);
  }, [runId]);
  // A run driven by another process on the workspace (`evolab run` beside `evolab serve`) sends this page no events:
  // look again every few seconds while it is open.
  useEffect(() => {
    const timer = setInterval(() => void rateActions.load(), RELOAD_MS);
    return () => clearInterval(timer);
  }, []);
  const current = selectCurrent(s);
  useEffect(() => {
    if (!current) return;
    const onKey = (e: KeyboardEvent) => {
      const choice = choiceForKey(e, e.target);
      if (!choice || e.repeat) return;
      e.preventDefault();
      void rateActions.choose(current, choice);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current]);

  const shownCount = runId ? (s.counts.find((c) => c.runId === runId)?.waiting ?? 0) : (s.total ?? 0);
  return (
    <div className="rate-screen">
      <header className="screen-head">
        <h1>Rate</h1>
        <span className="muted" data-testid="rate-waiting">
          {s.loaded ? `${shownCount} pair${shownCount === 1 ? '' : 's'} waiting` : 'Loading…'}
        </span>
        {runId && (
          <a className="small" href={pageHref(null)}>
            every run
          </a>
        )}
      </header>
      <ErrorBox title="The pairs could not be loaded." message={s.error} hint="If the engine restarted, reload the page." />
      {s.counts.length > 0 && (
        <ul className="rate-runs" aria-label="Pairs waiting per run">
          {s.counts.map((c) => (
            <li key={c.runId} data-testid="rate-run-count" data-run={c.runId}>
              <a href={pageHref(c.runId)} className={c.runId === runId ? 'active' : undefined}>
                {c.runId}
              </a>{' '}
              {s.statuses[c.runId] && <StatusBadge status={s.statuses[c.runId]!} />} <span className="count">{c.waiting}</span> waiting
            </li>
          ))}
        </ul>
      )}
      {s.chooseError && (
        <p className="error-text" role="alert" data-testid="rate-error">
          {s.chooseError}
        </p>
      )}
      {current ? (
        <PairCard pair={current} busy={s.busy !== null} onChoose={(choice) => void rateActions.choose(current, choice)} />
      ) : (
        s.loaded && (
          <p className="empty" data-testid="rate-empty">
            Nothing to rate. Start a run whose rater is a person (the preset “Preferences · DPO rated by you”, or <code>rater.kind &quot;person&quot;</code>);
            its pairs appear here after the warm-up.
          </p>
        )
      )}
      {s.summaryRun && <Summary runId={s.summaryRun} status={s.statuses[s.summaryRun] ?? null} rows={s.summary} />}
    </div>
  );
}
