/**
 * An archive run's search set on a game task (evolution/archive-loop.ts): a fixed list of episodes against a random
 * legal mover, each one a game, the agent's seat, the start (Kuhn Poker's deals) and a seed for the moves of both
 * players. The score of an agent on it is its win rate: an item is won ('1'), drawn or lost ('0'), or lost by an
 * invalid move ('x'). The list is drawn once from the run's seed (not the run's stream), games dealt in turn and seats
 * alternating, so a prefix of it (a cheap check, an HGM batch) covers every game and both seats. Each episode draws
 * from its own stream, so an item's outcome is the same whichever other items are played beside it: a node scored
 * in batches (HGM) has the outcomes one pass would give. It is never the environment's evaluation starts, which
 * judge the final agent (its held-out win rate).
 */
import { createRng, fork } from '../../rng';
import { randomPlayer, sampleLegal, type LogitsFn } from './arena';
import type { GameSet, GameStart } from './game-set';

/** One episode of the search set. */
export interface GameSearchItem {
  readonly id: string;
  /** The game's place in the task's games: the evidence's per-level rows are per game. */
  readonly level: number;
  readonly start: GameStart;
  readonly seat: 0 | 1;
  /** Seeds the episode's own stream: the agent's sampled moves and the random mover's. */
  readonly seed: number;
}

/** `size` episodes drawn from `seed`: game i mod the task's games, seat alternating every round of games. */
export function gameSearchSet(env: GameSet, seed: number, size: number): GameSearchItem[] {
  const rng = fork(createRng(seed), 'archive-search-set');
  const games = env.games;
  return Array.from({ length: size }, (_, i) => {
    const game = games[i % games.length]!;
    const start = env.drawStart(game, rng);
    return { id: `${game}-${i}`, level: i % games.length, start, seat: (Math.floor(i / games.length) % 2) as 0 | 1, seed: rng.int(2 ** 31) };
  });
}

/**
 * Plays the agent (moves sampled from softmax(logits) over the legal ones) against the random legal mover on each
 * item, all side by side (one batched forward per round of moves), each episode with its own stream.
 */
export function playSearchEpisodes(env: GameSet, items: readonly GameSearchItem[], logits: LogitsFn): Array<{ correct: boolean; wellFormed: boolean }> {
  const episodes = items.map((item) => {
    const e = env.play(item.start, 'evaluation');
    e.agentSeat = item.seat;
    return e;
  });
  const streams = items.map((item) => createRng(item.seed));
  for (;;) {
    const open = episodes.map((_, i) => i).filter((i) => !episodes[i]!.done);
    if (open.length === 0) break;
    const agent = open.filter((i) => episodes[i]!.toMove === items[i]!.seat);
    const moved = new Set(agent);
    const out = agent.length > 0 ? logits(agent.map((i) => episodes[i]!.observe(episodes[i]!.toMove).vector)) : [];
    agent.forEach((i, k) => episodes[i]!.step(sampleLegal(out[k]!, episodes[i]!.legalActions(), streams[i]!)));
    for (const i of open) {
      const e = episodes[i]!;
      if (moved.has(i) || e.done || e.toMove === items[i]!.seat) continue;
      const move = randomPlayer.act([e], streams[i]!)[0]!;
      if (typeof move === 'number') e.step(move);
      else e.stepText(move.text);
    }
  }
  return episodes.map((e, i) => ({ correct: e.winner === items[i]!.seat, wellFormed: e.invalidBy !== items[i]!.seat }));
}
