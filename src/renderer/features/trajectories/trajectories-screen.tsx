import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { TrajectoryFilter, type Trajectory } from '../../../shared/run';
import { ErrorBox } from '../../components/error-box';
import { formatNumber } from '../../lib/format';
import { ConfusionMatrix, LatestConfusion } from './confusion-matrix-view';
import { EpisodeGrid } from './episode-grid-view';
import { groupByIteration, PAGE_SIZE, trajectoriesActions, trajectoriesStore } from './trajectories-store';

function Sample({ t, onSamePrompt }: { t: Trajectory; onSamePrompt?: (prompt: string) => void }) {
  return (
    <article className={`sample ${t.correct ? 'correct' : 'incorrect'}`} data-testid="trajectory" data-kept={t.kept} data-correct={t.correct}>
      <header>
        <span className="muted small">
          it {t.iteration}
          {t.level !== null ? ` · level ${t.level}` : ''}
        </span>
        <span className={`chip ${t.correct ? 'ok' : 'bad'}`}>
          {t.episode?.kind === 'confusion' ? 'evaluation' : t.episode ? (t.correct ? 'reached goal' : 'missed goal') : t.correct ? 'correct' : 'incorrect'}
        </span>
        <span className={`chip ${t.kept ? 'kept' : ''}`}>{t.kept ? 'kept' : 'rejected'}</span>
        <span className="mono small">reward {formatNumber(t.reward)}</span>
        {onSamePrompt && (
          <button
            type="button"
            className="link"
            onClick={() => onSamePrompt(t.prompt)}
            data-testid="same-prompt"
            title="This prompt's samples in every iteration"
          >
            across iterations
          </button>
        )}
      </header>
      {t.episode?.kind === 'confusion' ? (
        <>
          <ConfusionMatrix view={t.episode} />
          <p className="small">{t.verdict}</p>
        </>
      ) : t.episode?.kind === 'gridworld' ? (
        // An episode: its grid, then its start state and moves as text (what search matches).
        <>
          <EpisodeGrid episode={t.episode} />
          <dl>
            <dt>Start</dt>
            <dd className="mono">{t.prompt}</dd>
            <dt>Moves</dt>
            <dd className="mono">{t.output || <span className="muted">(none)</span>}</dd>
            <dt>Verdict</dt>
            <dd>{t.verdict}</dd>
          </dl>
        </>
      ) : (
        <dl>
          <dt>Prompt</dt>
          <dd className="mono">{t.prompt}</dd>
          <dt>Output</dt>
          <dd className="mono">{t.output || <span className="muted">(empty)</span>}</dd>
          <dt>Answer</dt>
          <dd className="mono">{t.answer ?? '—'}</dd>
          <dt>Verdict</dt>
          <dd>{t.verdict}</dd>
        </dl>
      )}
    </article>
  );
}

export function TrajectoriesScreen({ runId }: { runId: string }) {
  const s = useStore(trajectoriesStore);
  const [search, setSearch] = useState(s.search);
  useEffect(() => {
    void trajectoriesActions.open(runId);
  }, [runId]);
  useEffect(() => {
    if (search === trajectoriesStore.getState().search) return;
    const timer = setTimeout(() => trajectoriesActions.set({ search }), 250);
    return () => clearTimeout(timer);
  }, [search]);

  const pages = Math.max(1, Math.ceil(s.total / PAGE_SIZE));
  const page = Math.floor(s.offset / PAGE_SIZE) + 1;
  return (
    <div className="trajectories-screen">
      <header className="screen-head">
        <h1>
          Trajectories{' '}
          <a className="small" href={`#/runs/${encodeURIComponent(runId)}`}>
            back to run
          </a>
        </h1>
        <select
          aria-label="Iteration"
          data-testid="traj-iteration"
          value={s.iteration ?? ''}
          onChange={(e) => trajectoriesActions.set({ iteration: e.target.value === '' ? null : Number(e.target.value) })}
        >
          <option value="">all iterations</option>
          {s.iterations.map((i) => (
            <option key={i} value={i}>
              {i === 0 ? 'warm-up (0)' : `iteration ${i}`}
            </option>
          ))}
        </select>
        <div className="segmented" role="radiogroup" aria-label="Filter">
          {TrajectoryFilter.options.map((f) => (
            <button
              key={f}
              type="button"
              role="radio"
              aria-checked={s.filter === f}
              className={s.filter === f ? 'on' : ''}
              onClick={() => trajectoriesActions.set({ filter: f })}
              data-testid={`traj-filter-${f}`}
            >
              {f}
            </button>
          ))}
        </div>
        <input
          type="search"
          placeholder="Search prompt or output"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="traj-search"
          aria-label="Search"
        />
      </header>
      <LatestConfusion runId={runId} iterations={s.iterations} version={s.total} />
      <ErrorBox title="Trajectories could not be loaded." message={s.error} hint="Check that the run exists; if the engine restarted, try again." />
      <p className="muted small" data-testid="traj-total">
        {s.loading ? 'Loading…' : `${s.total} sample${s.total === 1 ? '' : 's'}`}
        {s.total > PAGE_SIZE ? ` · page ${page} of ${pages}` : ''}
      </p>
      {!s.loading && s.total === 0 && !s.error && (
        <p className="empty">No samples match. Samples appear as iterations finish; try "all" and clear the search.</p>
      )}
      <div className="samples">
        {s.items.map((t) => (
          <Sample key={t.id} t={t} onSamePrompt={(p) => void trajectoriesActions.openSamePrompt(p)} />
        ))}
      </div>
      {pages > 1 && (
        <div className="pager">
          <button type="button" disabled={page <= 1} onClick={() => trajectoriesActions.set({ offset: s.offset - PAGE_SIZE })}>
            Previous
          </button>
          <button type="button" disabled={page >= pages} onClick={() => trajectoriesActions.set({ offset: s.offset + PAGE_SIZE })}>
            Next
          </button>
        </div>
      )}
      {s.samePrompt && (
        <div className="overlay" role="dialog" aria-label="Same prompt across iterations" data-testid="same-prompt-view">
          <div className="overlay-body">
            <header className="panel-head">
              <h2>
                Same prompt across iterations: <span className="mono">{s.samePrompt.prompt}</span>
              </h2>
              <button type="button" onClick={() => trajectoriesActions.closeSamePrompt()}>
                Close
              </button>
            </header>
            <div className="columns">
              {groupByIteration(s.samePrompt.items).map((g) => (
                <section key={g.iteration} className="column">
                  <h3>{g.iteration === 0 ? 'warm-up' : `Iteration ${g.iteration}`}</h3>
                  {g.items.map((t) => (
                    <Sample key={t.id} t={t} />
                  ))}
                </section>
              ))}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
