/**
 * A person at the table (issue 14's Play page): games between a person and the agent of one checkpoint of a game
 * run. The agent's moves come from that checkpoint's weights, read once when the game starts and evaluated in plain
 * JavaScript (policies/frozen-mlp.ts), so a game never holds a tensor and can be played while another run trains.
 * The agent samples from its softmax over the legal moves (as in training and evaluation) or, when asked, plays its
 * most likely move. A person's move that is not legal is refused with the legal moves named, never scored as the
 * game's invalid action; a finished game is stored with the run. The agent's Kuhn Poker card stays hidden until
 * its round is over.
 */
import { randomUUID } from 'node:crypto';
import { CodedError } from '../../shared/errors';
import type { GameTaskConfig } from '../../shared/games';
import { isPlayable, type AgentChoice, type PlayableGame, type PlayableRun, type PlayOutcome, type PlayState, type PlayView } from '../../shared/play';
import type { GameView } from '../../shared/run';
import { sampleLegal } from '../environments/games/arena';
import { GameSet } from '../environments/games/game-set';
import { drawKuhnDeals } from '../environments/games/kuhn-poker';
import { TwoSeatGame, type GameEpisode } from '../environments/games/two-seat';
import { freezeMlp, frozenLogits, type FrozenMlp } from '../policies/frozen-mlp';
import { createRng } from '../rng';
import { readCheckpoint } from '../store/checkpoint';
import type { Store } from '../store/store';
import type { Rng, PolicyState } from '../types';

/** Games kept open at once; starting one more forgets the one touched longest ago. */
export const OPEN_GAMES = 16;

interface OpenGame {
  id: string;
  runId: string;
  iteration: number;
  game: PlayableGame;
  seat: number;
  choice: AgentChoice;
  startedAt: string;
  /** The episode the agent reads (a mix's padded vectors and shifted ids) and the game's own, which the person moves in. */
  episode: GameEpisode;
  inner: TwoSeatGame;
  agent: FrozenMlp;
  rng: Rng;
  /** Kuhn Poker's rounds per match (the run's task.kuhnRounds). */
  rounds: number;
}

export interface PlayStart {
  runId: string;
  iteration: number;
  game: PlayableGame;
  seat: number;
  choice: AgentChoice;
}

function playableGames(task: { kind: string; games?: readonly string[] }): PlayableGame[] {
  return task.kind === 'game' ? (task.games ?? []).filter(isPlayable) : [];
}

/** The person's outcome of a finished game. */
function outcomeOf(episode: GameEpisode, seat: number): PlayOutcome {
  return episode.winner === null ? 'draw' : episode.winner === seat ? 'win' : 'loss';
}

/** The view the person may see: in Kuhn Poker the agent's card of a round still being played is face down. */
export function personView(view: GameView, agentSeat: number, done: boolean): PlayView {
  if (view.kind === 'tictactoe') return view;
  if (view.kind !== 'kuhn-poker') throw new Error(`${view.kind} is not played on the Play page`);
  return {
    ...view,
    rounds: view.rounds.map((r) => {
      const hidden = !done && r.winner === null;
      const cards: [number | null, number | null] = [r.cards[0], r.cards[1]];
      if (hidden) cards[agentSeat] = null;
      return { ...r, cards };
    }),
  };
}

export class PlayTable {
  private readonly open = new Map<string, OpenGame>();

  constructor(private readonly store: () => Store) {}

  /** Every run with a game a person can play, and its kept checkpoints. */
  runs(): PlayableRun[] {
    const store = this.store();
    return store.listRuns().flatMap((run) => {
      let config: ReturnType<Store['runConfig']>;
      try {
        config = store.runConfig(run.id);
      } catch {
        // A run whose stored config this Evolab no longer reads cannot be played; the others still can.
        return [];
      }
      const games = config.policy.kind === 'mlp' ? playableGames(config.task) : [];
      if (games.length === 0) return [];
      const checkpoints = store.play.checkpoints(run.id).map((c) => c.iteration);
      return [{ runId: run.id, name: run.name, preset: run.preset, status: run.status, games, checkpoints }];
    });
  }

  start(input: PlayStart): PlayState {
    const store = this.store();
    const config = store.runConfig(input.runId);
    const games = config.policy.kind === 'mlp' ? playableGames(config.task) : [];
    if (games.length === 0)
      throw new CodedError('invalid_request', `Run ${input.runId} is not a game run with a policy-value model; pick a run of a SPIRAL game preset.`, [
        { path: 'runId', message: 'must be a run of task.kind "game" with a policy-value (mlp) model' },
      ]);
    if (!games.includes(input.game))
      throw new CodedError('invalid_request', `Run ${input.runId} did not learn ${input.game}; it plays ${games.join(', ')}.`, [
        { path: 'game', message: `must be one of the run's games: ${games.join(', ')}` },
      ]);
    const agent = this.loadAgent(store, input.runId, input.iteration);
    const task = config.task as GameTaskConfig;
    const env = new GameSet(task);
    const seed = Number.parseInt(randomUUID().slice(0, 8), 16);
    const rng = createRng(seed);
    const start = input.game === 'kuhn-poker' ? { game: input.game, deals: drawKuhnDeals(task.kuhnRounds, () => rng.next()).deals } : { game: input.game };
    const episode = env.play(start, 'evaluation');
    episode.agentSeat = 1 - input.seat;
    const inner = GameSet.unwrap(episode);
    if (!(inner instanceof TwoSeatGame)) throw new Error(`${input.game}: not a two-seat game`);
    const game: OpenGame = {
      ...input,
      id: randomUUID(),
      startedAt: new Date().toISOString(),
      episode,
      inner,
      agent,
      rng,
      rounds: task.kuhnRounds,
    };
    this.remember(game);
    this.agentMoves(game);
    return this.state(game);
  }

  move(gameId: string, action: string): PlayState {
    const game = this.open.get(gameId);
    if (!game)
      throw new CodedError('invalid_request', `No open game with id "${gameId}"; it ended, or the engine restarted. Start a new game.`, [
        { path: 'gameId', message: 'must be the id of an open game (play.start returns it)' },
      ]);
    const { inner } = game;
    if (inner.done) throw new CodedError('invalid_request', `Game ${gameId} is over; start a new game.`, [{ path: 'gameId', message: 'the game is over' }]);
    this.remember(game);
    const legal = inner.legalActions();
    const names = legal.map((a) => inner.actionText(a));
    const text = action.trim().startsWith('[') ? action : `[${action.trim()}]`;
    const id = inner.parseAction(text);
    if (id === null || !legal.includes(id))
      throw new CodedError('invalid_request', `${JSON.stringify(action)} is not a legal move now. Legal moves: ${names.join(', ')}.`, [
        { path: 'action', message: `must be one of ${names.join(', ')}` },
      ]);
    inner.step(id);
    this.agentMoves(game);
    return this.state(game);
  }

  private loadAgent(store: Store, runId: string, iteration: number): FrozenMlp {
    const kept = store.play.checkpoints(runId);
    const found = kept.find((c) => c.iteration === iteration);
    const list = kept.map((c) => c.iteration).join(', ') || 'none yet';
    const missing = () =>
      new CodedError('invalid_request', `Run ${runId} keeps no checkpoint of iteration ${iteration} (it keeps its newest; kept: ${list}).`, [
        { path: 'iteration', message: `must be a kept checkpoint: ${list}` },
      ]);
    if (!found) throw missing();
    let state: { family?: string; policy?: PolicyState };
    try {
      state = readCheckpoint<{ family?: string; policy?: PolicyState }>(found.path).state;
    } catch {
      // Pruned between the listing and the read (the run trains on), or unreadable: the same answer as missing.
      throw missing();
    }
    if (state.family !== 'episodic' || !state.policy)
      throw new CodedError('invalid_request', `The checkpoint of iteration ${iteration} holds no policy-value model.`);
    return freezeMlp(state.policy);
  }

  /** The agent moves while it is its turn. */
  private agentMoves(game: OpenGame): void {
    const { episode } = game;
    while (!episode.done && episode.toMove !== game.seat) {
      const legal = episode.legalActions();
      const logits = frozenLogits(game.agent, [episode.observe(episode.toMove).vector])[0]!;
      const pick =
        game.choice === 'greedy' ? legal.reduce((best, a) => (logits[a]! > logits[best]! ? a : best), legal[0]!) : sampleLegal(logits, legal, game.rng);
      episode.step(pick);
    }
    if (episode.done) this.finish(game);
  }

  private finish(game: OpenGame): void {
    const record = game.inner.record();
    this.store().play.save({
      id: game.id,
      runId: game.runId,
      iteration: game.iteration,
      game: game.game,
      seat: game.seat,
      choice: game.choice,
      outcome: outcomeOf(game.inner, game.seat),
      moves: record.steps,
      verdict: record.verdict,
      endedAt: new Date().toISOString(),
      startedAt: game.startedAt,
      view: personView(record.view as GameView, 1 - game.seat, true),
    });
    this.open.delete(game.id);
  }

  private remember(game: OpenGame): void {
    this.open.delete(game.id);
    this.open.set(game.id, game);
    while (this.open.size > OPEN_GAMES) this.open.delete(this.open.keys().next().value!);
  }

  private state(game: OpenGame): PlayState {
    const { inner } = game;
    const record = inner.record();
    const mine = !inner.done && inner.toMove === game.seat;
    return {
      gameId: game.id,
      runId: game.runId,
      iteration: game.iteration,
      game: game.game,
      seat: game.seat,
      choice: game.choice,
      view: personView(record.view as GameView, 1 - game.seat, inner.done),
      rounds: game.game === 'kuhn-poker' ? game.rounds : null,
      toMove: inner.done ? null : inner.toMove,
      legal: mine ? inner.legalActions().map((a) => inner.actionText(a)) : [],
      outcome: inner.done ? outcomeOf(inner, game.seat) : null,
      verdict: record.verdict.replace(/Player (\d)/g, (_, s: string) => (Number(s) === game.seat ? 'You' : 'The agent')),
    };
  }
}
