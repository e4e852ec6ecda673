import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { humanNotation, type Notation } from '../../../shared/notation';
import type { Trajectory } from '../../../shared/run';
import { ErrorBox } from '../../components/error-box';
import { formatNumber } from '../../lib/format';
import { ConfusionMatrix, LatestConfusion } from './confusion-matrix-view';
import { useEscape } from '../../lib/use-escape';
import { EpisodeGrid } from './episode-grid-view';
import { SafetyReplay } from './safety-replay-view';
import { PairLink } from './pair-view';
import { GameReplay } from '../../components/games/game-replay';
import { isGameView } from '../../components/games/game-frames';
import { groupByIteration, PAGE_SIZE, selectNotation, trajectoriesActions, trajectoriesStore } from './trajectories-store';
import './trajectories.css';

/** One of the two independent filters (kept / rejected, correct / incorrect), "any" clearing it. */
function FilterGroup({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: boolean | null;
  options: [string, string];
  onChange: (v: boolean | null) => void;
}) {
  const choices: Array<[boolean | null, string, string]> = [
    [null, 'any', `traj-${options[0]}-any`],
    [true, options[0], `traj-filter-${options[0]}`],
    [false, options[1], `traj-filter-${options[1]}`],
  ];
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {choices.map(([v, text, id]) => (
        <button
          key={text}
          type="button"
          role="radio"
          aria-checked={value === v}
          className={value === v ? 'on' : ''}
          onClick={() => onChange(v)}
          data-testid={id}
        >
          {text}
        </button>
      ))}
    </div>
  );
}

/** Text in the shown notation; the other notation on hover. */
function Shown({ text, human }: { text: string; human: ((t: string) => string) | null }) {
  if (!human) return <>{text}</>;
  const shown = human(text);
  return <span title={shown === text ? undefined : `as the model writes it: ${text}`}>{shown}</span>;
}

function Sample({ t, notation, onSamePrompt }: { t: Trajectory; notation: Notation | null; onSamePrompt?: (prompt: string) => void }) {
  return (
    <article className={`sample ${t.correct ? 'correct' : 'incorrect'}`} data-testid="trajectory" data-kept={t.kept} data-correct={t.correct}>
      <header>
        <span className="muted small">
          it {t.iteration}
          {t.level !== null ? ` · level ${t.level}` : ''}
        </span>
        <span className={`chip ${t.correct ? 'ok' : 'bad'}`}>
          {t.episode?.kind === 'confusion'
            ? 'evaluation'
            : t.episode && isGameView(t.episode)
              ? t.correct
                ? 'won'
                : 'not won'
              : t.episode
                ? t.correct
                  ? 'reached goal'
                  : 'missed goal'
                : t.correct
                  ? 'correct'
                  : 'incorrect'}
        </span>
        <span className={`chip ${t.kept ? 'kept' : ''}`}>{t.kept ? 'kept' : 'rejected'}</span>
        <span className="mono small">reward {formatNumber(t.reward)}</span>
        <PairLink t={t} />
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
      ) : t.episode?.kind === 'gridworld' || t.episode?.kind === 'safety-grid' || (t.episode && isGameView(t.episode)) ? (
        // An episode: its grid (a safety world's replayed move by move) or its game replay, then its start state and moves as text (what search matches).
        <>
          {t.episode.kind === 'gridworld' ? (
            <EpisodeGrid episode={t.episode} />
          ) : t.episode.kind === 'safety-grid' ? (
            <SafetyReplay episode={t.episode} />
          ) : (
            <GameReplay view={t.episode} />
          )}
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
          <dd className="mono">
            <Shown text={t.prompt} human={notation ? (x) => notation.prompt(x) : null} />
          </dd>
          <dt>Output</dt>
          <dd className="mono">
            {t.output ? <Shown text={t.output} human={notation ? (x) => notation.answer(x) : null} /> : <span className="muted">(empty)</span>}
          </dd>
          <dt>Answer</dt>
          <dd className="mono">{t.answer === null ? '—' : <Shown text={t.answer} human={notation ? (x) => notation.answer(x) : null} />}</dd>
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

  useEscape(s.samePrompt !== null, () => trajectoriesActions.closeSamePrompt());

  const notation = selectNotation(s);
  const hasHuman = s.task !== null && humanNotation(s.task) !== null;
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
        <FilterGroup label="Kept for training" value={s.kept} options={['kept', 'rejected']} onChange={(kept) => trajectoriesActions.set({ kept })} />
        <FilterGroup label="Verdict" value={s.correct} options={['correct', 'incorrect']} onChange={(correct) => trajectoriesActions.set({ correct })} />
        <button
          type="button"
          className="subtle"
          disabled={s.kept === null && s.correct === null}
          onClick={() => trajectoriesActions.set({ kept: null, correct: null })}
          data-testid="traj-filter-all"
        >
          all
        </button>
        {hasHuman && (
          <label
            className="inline small"
            title="Prompts and outputs as the model writes them (e.g. digits reversed and zero-padded) instead of as a person reads them"
          >
            <input
              type="checkbox"
              checked={s.modelNotation}
              onChange={(e) => trajectoriesActions.setModelNotation(e.target.checked)}
              data-testid="traj-model-notation"
            />{' '}
            model&apos;s notation
          </label>
        )}
        <input
          type="search"
          placeholder={hasHuman ? 'Search prompt or output (either notation)' : 'Search prompt or output'}
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
          <Sample key={t.id} t={t} notation={notation} onSamePrompt={(p) => void trajectoriesActions.openSamePrompt(p)} />
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
                Same prompt across iterations: <span className="mono">{notation ? notation.prompt(s.samePrompt.prompt) : s.samePrompt.prompt}</span>
              </h2>
              <button type="button" onClick={() => trajectoriesActions.closeSamePrompt()} title="Close (Esc)" data-testid="same-prompt-close">
                Close
              </button>
            </header>
            <div className="columns">
              {groupByIteration(s.samePrompt.items).map((g) => (
                <section key={g.iteration} className="column">
                  <h3>{g.iteration === 0 ? 'warm-up' : `Iteration ${g.iteration}`}</h3>
                  {g.items.map((t) => (
                    <Sample key={t.id} t={t} notation={notation} />
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
