import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { PlayState } from '../../../shared/play';
import { ErrorBox } from '../../components/error-box';
import { GameBoard } from '../../components/games/game-board';
import { GameReplay } from '../../components/games/game-replay';
import { seatNames } from '../../components/games/game-frames';
import { playActions, playStore, selectCanStart, selectRun } from './play-store';
import './play.css';

const GAME_NAMES = { tictactoe: 'TicTacToe', 'kuhn-poker': 'Kuhn Poker' } as const;

/** The key that plays a move: a TicTacToe cell's digit; Kuhn Poker's c (check or call: never both legal), b, f. */
export function moveKey(action: string): string {
  const name = action.replace(/[[\]]/g, '');
  return /^[0-8]$/.test(name) ? name : name === 'call' ? 'c' : name.charAt(0);
}

function seatLabel(game: keyof typeof GAME_NAMES, seat: number): string {
  if (game === 'tictactoe') return seat === 0 ? 'Player 0: X, moves first' : 'Player 1: O, moves second';
  return seat === 0 ? 'Player 0: opens rounds 1, 3, 5' : 'Player 1: opens rounds 2, 4';
}

function Table({ current, busy }: { current: PlayState; busy: boolean }) {
  const names = seatNames(null, current.seat);
  const cells = current.game === 'tictactoe' ? current.legal.map((a) => Number(a.replace(/[[\]]/g, ''))) : [];
  // The engine's verdict names the person "You" and says who won: "You won in 7 moves", "a draw after 9 moves".
  const result = current.outcome === null ? null : current.verdict.charAt(0).toUpperCase() + current.verdict.slice(1);
  return (
    <section
      className="panel play-table"
      data-testid="play-table"
      data-game={current.game}
      data-outcome={current.outcome ?? ''}
      data-moves={current.view.moves.length}
      data-busy={busy}
    >
      <GameBoard
        view={current.view}
        step={current.view.moves.length}
        names={names}
        rounds={current.rounds}
        onCell={(c) => void playActions.move(`[${c}]`)}
        playable={cells}
      />
      {result ? (
        <p className={`play-result ${current.outcome}`} data-testid="play-result">
          <strong>{result}</strong> · stored with the run.
        </p>
      ) : current.legal.length > 0 ? (
        <div className="play-moves" role="group" aria-label="Your moves">
          <span className="small">Your move:</span>
          {current.legal.map((a) => (
            <button
              key={a}
              type="button"
              disabled={busy}
              onClick={() => void playActions.move(a)}
              data-testid="play-move"
              data-action={a}
              title={`Key: ${moveKey(a)}`}
            >
              {a.replace(/[[\]]/g, '')} <kbd>{moveKey(a)}</kbd>
            </button>
          ))}
        </div>
      ) : (
        <p className="muted small">The agent is thinking…</p>
      )}
      <p className="small muted">
        The agent plays iteration {current.iteration}&apos;s checkpoint,{' '}
        {current.choice === 'greedy' ? 'always its most likely move (greedy)' : 'sampling its moves from its policy (as in training)'}.
      </p>
    </section>
  );
}

export function PlayScreen({ runId }: { runId: string | null }) {
  const s = useStore(playStore);
  const run = selectRun(s);
  useEffect(() => {
    void playActions.open(runId);
  }, [runId]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const current = playStore.getState().current;
      if (!current || current.outcome !== null || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      const action = current.legal.find((a) => moveKey(a) === e.key.toLowerCase());
      if (!action) return;
      e.preventDefault();
      void playActions.move(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const playing = s.current !== null && s.current.outcome === null;
  return (
    <div className="play-screen">
      <header className="screen-head">
        <h1>Play</h1>
        <span className="muted small">Play TicTacToe or Kuhn Poker against a checkpoint of a game run.</span>
      </header>
      {!s.loading && s.runs.length === 0 && !s.error && (
        <p className="empty" data-testid="play-empty">
          No game run with a checkpoint yet. Start one from <a href="#/new">New run</a> (a SPIRAL TicTacToe or Kuhn Poker preset), then come back.
        </p>
      )}
      {s.runs.length > 0 && (
        <section className="panel play-pickers">
          <label>
            Run{' '}
            <select value={s.runId ?? ''} disabled={playing} onChange={(e) => void playActions.pickRun(e.target.value)} data-testid="play-run">
              {s.runs.map((r) => (
                <option key={r.runId} value={r.runId}>
                  {r.name ?? r.preset ?? r.runId} · {r.runId} ({r.status})
                </option>
              ))}
            </select>
          </label>
          <label>
            Checkpoint{' '}
            <select
              value={s.iteration ?? ''}
              disabled={playing || !run?.checkpoints.length}
              onChange={(e) => playActions.set({ iteration: Number(e.target.value) })}
              data-testid="play-checkpoint"
            >
              {run?.checkpoints.length === 0 && <option value="">none kept yet</option>}
              {run?.checkpoints.map((i) => (
                <option key={i} value={i}>
                  iteration {i}
                </option>
              ))}
            </select>
          </label>
          <label>
            Game{' '}
            <select
              value={s.game ?? ''}
              disabled={playing}
              onChange={(e) => playActions.set({ game: e.target.value as 'tictactoe' | 'kuhn-poker' })}
              data-testid="play-game"
            >
              {run?.games.map((g) => (
                <option key={g} value={g}>
                  {GAME_NAMES[g]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Your seat{' '}
            <select value={s.seat} disabled={playing} onChange={(e) => playActions.set({ seat: e.target.value === '1' ? 1 : 0 })} data-testid="play-seat">
              {[0, 1].map((seat) => (
                <option key={seat} value={seat}>
                  {seatLabel(s.game ?? 'tictactoe', seat)}
                </option>
              ))}
            </select>
          </label>
          <label title="sampled: the agent draws each move from its policy, as in training and evaluation; greedy: always its most likely move">
            Agent{' '}
            <select
              value={s.choice}
              disabled={playing}
              onChange={(e) => playActions.set({ choice: e.target.value === 'greedy' ? 'greedy' : 'sampled' })}
              data-testid="play-choice"
            >
              <option value="sampled">samples its moves</option>
              <option value="greedy">greedy</option>
            </select>
          </label>
          <button type="button" className="primary" disabled={!selectCanStart(s)} onClick={() => void playActions.start()} data-testid="play-start">
            {s.current ? 'New game' : 'Start game'}
          </button>
          {playing && (
            <button
              type="button"
              className="subtle"
              onClick={() => playActions.newGame()}
              data-testid="play-leave"
              title="Leave this game unfinished: it is not stored"
            >
              Leave game
            </button>
          )}
          {run && run.checkpoints.length === 0 && <p className="muted small">This run has no checkpoint yet: it writes one after each iteration.</p>}
        </section>
      )}
      <ErrorBox
        title="The game could not go on."
        message={s.error?.message ?? null}
        issues={s.error?.issues}
        hint="An illegal move is refused and the game stays as it was; pick one of the moves shown."
      />
      {s.current && <Table current={s.current} busy={s.busy} />}
      {s.results && (
        <section className="panel" data-testid="play-records">
          <h2>Your record against this run</h2>
          {s.results.records.length === 0 ? (
            <p className="muted small">No game finished against this run yet.</p>
          ) : (
            <table className="small">
              <thead>
                <tr>
                  <th>Checkpoint</th>
                  <th>Game</th>
                  <th>Games</th>
                  <th>Won</th>
                  <th>Drawn</th>
                  <th>Lost</th>
                </tr>
              </thead>
              <tbody>
                {s.results.records.map((r) => (
                  <tr key={`${r.iteration}-${r.game}`} data-testid="play-record" data-iteration={r.iteration} data-game={r.game}>
                    <td>iteration {r.iteration}</td>
                    <td>{GAME_NAMES[r.game]}</td>
                    <td className="mono">{r.games}</td>
                    <td className="mono">{r.win}</td>
                    <td className="mono">{r.draw}</td>
                    <td className="mono">{r.loss}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {s.results.recent.length > 0 && (
            <ol className="play-recent small">
              {s.results.recent.slice(0, 10).map((g) => (
                <li key={g.id} data-testid="play-recent">
                  {new Date(g.endedAt).toLocaleString()} · {GAME_NAMES[g.game]} vs iteration {g.iteration}, seat {g.seat}, agent {g.choice}:{' '}
                  <strong>{g.outcome}</strong> in {g.moves} moves{' '}
                  <button type="button" className="link" onClick={() => playActions.replay(s.replaying === g.id ? null : g.id)} data-testid="play-replay-open">
                    {s.replaying === g.id ? 'close' : 'replay'}
                  </button>
                  {s.replaying === g.id && <GameReplay view={g.view} names={seatNames(null, g.seat)} />}
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </div>
  );
}
