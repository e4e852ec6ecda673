/**
 * Where games are played: players (the policy being trained, a frozen checkpoint, a random legal mover, the
 * perfect TicTacToe player), a loop that plays many games side by side (one batched forward per player and move),
 * and the evaluation of an agent against an opponent with the agent's seat alternating, from a fixed stream so
 * that the same policy always gets the same score. A player only chooses moves; what is learnt from them is the
 * recipe's.
 */
import type { GameKind } from '../../../shared/games';
import { createRng } from '../../rng';
import type { Rng } from '../../types';
import { GameSet, type GameStart } from './game-set';
import { minimaxMove } from './minimax';
import type { TicTacToe } from './tictactoe';
import { TwoSeatGame, type GameEpisode } from './two-seat';

/** Logits for a batch of observation vectors (a live model's evaluate, or a frozen checkpoint's). */
export type LogitsFn = (vectors: Float32Array[]) => Float32Array[];

/**
 * A move written by a text LM: the text the game parses (an unparsable or illegal one is the invalid action), with the
 * token ids of its prompt (BOS first) and of what was sampled, and whether the sample ended with EOS (which is then
 * one of its trained tokens).
 */
export interface TextMove {
  text: string;
  prompt: number[];
  tokens: number[];
  ended: boolean;
}

/** What a player answers for one episode: an action id, or text for the game to parse. */
export type PlayerMove = number | TextMove;

/** A player: the moves it picks for a batch of episodes, each with it to move. */
export interface Player {
  readonly name: string;
  act(episodes: GameEpisode[], rng: Rng): PlayerMove[];
}

/** Samples an action id from softmax(logits) over the legal ones, one draw of `rng` (a2c.ts's rule). */
export function sampleLegal(logits: Float32Array, legal: number[], rng: Rng): number {
  let max = -Infinity;
  for (const a of legal) max = Math.max(max, logits[a]!);
  const weights = legal.map((a) => Math.exp(logits[a]! - max));
  let u = rng.next() * weights.reduce((x, y) => x + y, 0);
  for (let i = 0; i < legal.length; i++) {
    u -= weights[i]!;
    if (u < 0) return legal[i]!;
  }
  return legal[legal.length - 1]!;
}

/** A policy that samples its moves from softmax(logits) over the legal actions. */
export function policyPlayer(name: string, logits: LogitsFn): Player {
  return {
    name,
    act(episodes, rng) {
      if (episodes.length === 0) return [];
      const out = logits(episodes.map((e) => e.observe(e.toMove).vector));
      return episodes.map((e, i) => sampleLegal(out[i]!, e.legalActions(), rng));
    },
  };
}

/** A uniformly random legal move. */
export const randomPlayer: Player = {
  name: 'random',
  act: (episodes, rng) =>
    episodes.map((e) => {
      const legal = e.legalActions();
      return legal[rng.int(legal.length)]!;
    }),
};

/** The perfect TicTacToe player (minimax.ts); `offset` is TicTacToe's first action id in the environment. */
export function minimaxPlayer(offset: number): Player {
  return {
    name: 'minimax',
    act: (episodes) =>
      episodes.map((e) => {
        const inner = GameSet.unwrap(e);
        if (inner.game !== 'tictactoe') throw new Error(`the minimax player plays TicTacToe only, not ${inner.game}`);
        return offset + minimaxMove((inner as TicTacToe).board, inner.toMove);
      }),
  };
}

/** One move a traced player made: what the policy-gradient step needs. */
export interface TracedMove {
  seat: number;
  vector: Float32Array;
  action: number;
  /** The legal action ids at that move (the softmax the move was sampled from is over these). */
  legal: number[];
  /** A text LM's move: its prompt and sampled tokens (then `action` is the parsed id, or -1 for an invalid text). */
  text?: TextMove;
}

/**
 * Plays every episode to its end, `seats(i)` giving episode i's two players (the same player on both seats is
 * self-play). Moves of the players in `traced` are recorded per episode. Players move in a fixed order each round,
 * so the random stream is drawn in the same order on every replay.
 */
export function playGames(episodes: GameEpisode[], seats: (i: number) => [Player, Player], rng: Rng, traced: ReadonlySet<Player> = new Set()): TracedMove[][] {
  const traces: TracedMove[][] = episodes.map(() => []);
  const players = [...new Set(episodes.flatMap((_, i) => seats(i)))];
  for (;;) {
    let moved = false;
    for (const player of players) {
      const mine = episodes.map((e, i) => [e, i] as const).filter(([e, i]) => !e.done && seats(i)[e.toMove] === player);
      if (mine.length === 0) continue;
      moved = true;
      const group = mine.map(([e]) => e);
      const vectors = traced.has(player) ? group.map((e) => e.observe(e.toMove).vector) : [];
      const actions = player.act(group, rng);
      mine.forEach(([e, i], k) => {
        const move = actions[k]!;
        const legal = e.legalActions();
        if (typeof move === 'number') {
          if (traced.has(player)) traces[i]!.push({ seat: e.toMove, vector: vectors[k]!, action: move, legal });
          e.step(move);
          return;
        }
        if (traced.has(player)) traces[i]!.push({ seat: e.toMove, vector: vectors[k]!, action: textAction(e, move.text, legal), legal, text: move });
        e.stepText(move.text);
      });
    }
    if (!moved) return traces;
  }
}

/** The legal action id a text names in an episode (the episode's own ids, shifted in a mix), or -1. */
function textAction(e: GameEpisode, text: string, legal: number[]): number {
  const inner = GameSet.unwrap(e);
  const id = inner instanceof TwoSeatGame ? inner.parseAction(text) : null;
  if (id === null) return -1;
  const offset = legal.length ? legal[0]! - inner.legalActions()[0]! : 0;
  return legal.includes(id + offset) ? id + offset : -1;
}

/** Wins, losses, draws and invalid-move losses of the agent on one seat. */
export interface SeatTally {
  win: number;
  loss: number;
  draw: number;
  invalid: number;
}

/** An agent's record against one opponent in one game, from the agent's side. */
export interface MatchTally {
  games: number;
  win: number;
  loss: number;
  draw: number;
  /** Games the agent lost by an invalid action. */
  invalid: number;
  /** The same counts by the agent's seat, and the games it played on each. */
  bySeat: [SeatTally, SeatTally];
  gamesBySeat: [number, number];
  meanLength: number;
  /** The agent's mean return (evaluation scoring: +1, 0, -1). */
  meanReturn: number;
  /** The episodes as played (the agent's seat set in each). */
  episodes: GameEpisode[];
}

/** A seed per opponent name, so each evaluation replays the same moves for the same policy. */
const EVAL_SEED = 0x2e7a;
function seedOf(name: string): number {
  let h = EVAL_SEED;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h;
}

/** Plays the agent against `opponent` on the environment's evaluation starts of `game`, the agent's seat alternating. */
export function evaluateAgainst(env: GameSet, game: GameKind, agent: Player, opponent: Player, starts?: GameStart[]): MatchTally {
  const list = (starts ?? env.evaluationStarts()).filter((s) => s.game === game);
  const episodes = list.map((s, i) => {
    const e = env.play(s, 'evaluation');
    e.agentSeat = i % 2;
    return e;
  });
  playGames(episodes, (i) => (i % 2 === 0 ? [agent, opponent] : [opponent, agent]), createRng(seedOf(`${game}:${opponent.name}`)));
  const seatTally = (): SeatTally => ({ win: 0, loss: 0, draw: 0, invalid: 0 });
  const tally: MatchTally = {
    games: episodes.length,
    win: 0,
    loss: 0,
    draw: 0,
    invalid: 0,
    bySeat: [seatTally(), seatTally()],
    gamesBySeat: [0, 0],
    meanLength: 0,
    meanReturn: 0,
    episodes,
  };
  episodes.forEach((e, i) => {
    const seat = i % 2;
    tally.gamesBySeat[seat] += 1;
    const outcome = e.winner === seat ? 'win' : e.winner === null ? 'draw' : 'loss';
    tally[outcome] += 1;
    tally.bySeat[seat]![outcome] += 1;
    if (e.invalidBy === seat) {
      tally.invalid += 1;
      tally.bySeat[seat]!.invalid += 1;
    }
    tally.meanLength += e.steps / Math.max(1, episodes.length);
    tally.meanReturn += e.record().returns[seat]! / Math.max(1, episodes.length);
  });
  return tally;
}
