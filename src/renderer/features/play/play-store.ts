import { createStore } from 'zustand/vanilla';
import type { RequestOutput } from '../../../shared/contract';
import type { AgentChoice, PlayableGame, PlayableRun, PlayState } from '../../../shared/play';
import { describeError, getBridge } from '../../lib/bridge';

export type PlayResults = RequestOutput<'play.results'>;
type Failure = ReturnType<typeof describeError>;

export interface PlayPageState {
  runs: PlayableRun[];
  loading: boolean;
  /** What the person picked: a run, one of its checkpoints, a game, a seat, how the agent chooses. */
  runId: string | null;
  iteration: number | null;
  game: PlayableGame | null;
  seat: 0 | 1;
  choice: AgentChoice;
  /** The game being played (or just finished). */
  current: PlayState | null;
  /** A move or start in flight: the buttons wait. */
  busy: boolean;
  results: PlayResults | null;
  /** The stored game being replayed (its id), if any. */
  replaying: string | null;
  error: Failure | null;
}

export const playStore = createStore<PlayPageState>(() => ({
  runs: [],
  loading: false,
  runId: null,
  iteration: null,
  game: null,
  seat: 0,
  choice: 'sampled',
  current: null,
  busy: false,
  results: null,
  replaying: null,
  error: null,
}));

export function selectRun(s: PlayPageState): PlayableRun | null {
  return s.runs.find((r) => r.runId === s.runId) ?? null;
}

/** Whether the person can start: a run with a checkpoint and a game picked, and no game or request under way. */
export function selectCanStart(s: PlayPageState): boolean {
  const run = selectRun(s);
  return !s.busy && run !== null && s.iteration !== null && s.game !== null && (s.current === null || s.current.outcome !== null);
}

/** A run's picks made valid: its newest checkpoint and first game unless the current ones are its own. */
function fit(s: PlayPageState, run: PlayableRun | null): Partial<PlayPageState> {
  if (!run) return { runId: null, iteration: null, game: null };
  return {
    runId: run.runId,
    iteration: s.iteration !== null && run.checkpoints.includes(s.iteration) ? s.iteration : (run.checkpoints.at(-1) ?? null),
    game: s.game !== null && run.games.includes(s.game) ? s.game : (run.games[0] ?? null),
  };
}

async function loadResults(runId: string): Promise<void> {
  const results = await getBridge().request('play.results', { runId });
  if (playStore.getState().runId === runId) playStore.setState({ results });
}

export const playActions = {
  /** Loads the playable runs; `runId` (from the route) is picked when it is one of them. */
  async open(runId: string | null): Promise<void> {
    playStore.setState({ loading: true, error: null });
    try {
      const runs = await getBridge().request('play.runs', {});
      const s = { ...playStore.getState(), runs };
      const run = runs.find((r) => r.runId === (runId ?? s.runId)) ?? runs[0] ?? null;
      playStore.setState({ runs, loading: false, ...fit(s, run) });
      if (run) await loadResults(run.runId);
    } catch (error) {
      playStore.setState({ loading: false, error: describeError(error) });
    }
  },

  async pickRun(runId: string): Promise<void> {
    const s = playStore.getState();
    const run = s.runs.find((r) => r.runId === runId) ?? null;
    playStore.setState({ ...fit(s, run), current: null, results: null, replaying: null, error: null });
    if (run) {
      try {
        await loadResults(run.runId);
      } catch (error) {
        playStore.setState({ error: describeError(error) });
      }
    }
  },

  set(patch: Partial<Pick<PlayPageState, 'iteration' | 'game' | 'seat' | 'choice'>>): void {
    playStore.setState(patch);
  },

  async start(): Promise<void> {
    const s = playStore.getState();
    if (!selectCanStart(s) || s.runId === null || s.iteration === null || s.game === null) return;
    playStore.setState({ busy: true, error: null });
    try {
      const current = await getBridge().request('play.start', { runId: s.runId, iteration: s.iteration, game: s.game, seat: s.seat, choice: s.choice });
      playStore.setState({ current, busy: false });
      if (current.outcome !== null) await loadResults(current.runId);
    } catch (error) {
      playStore.setState({ busy: false, error: describeError(error) });
    }
  },

  /** Plays the person's move (a legal move's text); the engine answers with the agent's moves. */
  async move(action: string): Promise<void> {
    const s = playStore.getState();
    if (!s.current || s.busy || s.current.outcome !== null) return;
    playStore.setState({ busy: true, error: null });
    try {
      const current = await getBridge().request('play.move', { gameId: s.current.gameId, action });
      playStore.setState({ current, busy: false });
      if (current.outcome !== null) await loadResults(current.runId);
    } catch (error) {
      playStore.setState({ busy: false, error: describeError(error) });
    }
  },

  /** Replays a stored game of the list (null closes it). */
  replay(id: string | null): void {
    playStore.setState({ replaying: id });
  },

  /** Leaves the finished (or abandoned) game for the pickers. */
  newGame(): void {
    playStore.setState({ current: null, error: null });
  },
};
