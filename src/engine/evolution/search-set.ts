/**
 * The search set: the tasks every agent of an archive run is evaluated on, and the evidence the gate sees for a
 * child. The session supplies it (core/ports.ts ArchiveSession); this file holds the text task's, and what is shared
 * by every family: outcomes as stored on a node, and a node's outcomes as the scorecard the gate compares. A text
 * task's set is drawn once from the run's seed at the levels above the warm-up, spread evenly over them and
 * shuffled, so a prefix of it (what a cheap check or a few HGM evaluations cover) samples every level. It is never
 * the held-out sets: those judge the final agent, so choosing the best agent on the search set does not bias its
 * reported score. (A game task's: environments/games/search-episodes.ts.)
 */
import type { ArchiveConfig } from '../../shared/config';
import type { Scorecard } from '../environments/text-task';
import { createRng, fork } from '../rng';
import type { Problem, Task } from '../types';

export interface Outcome {
  correct: boolean;
  wellFormed: boolean;
}

export function buildSearchSet(task: Task, seed: number, config: Pick<ArchiveConfig, 'poolSize'>): Problem[] {
  const rng = fork(createRng(seed), 'archive-search-set');
  const warmupTop = Math.max(0, ...task.warmupLevels);
  const above = task.levels.filter((l) => l > warmupTop);
  const levels = above.length > 0 ? above : task.levels;
  const pool: Problem[] = [];
  levels.forEach((level, i) => {
    const n = Math.floor(config.poolSize / levels.length) + (i < config.poolSize % levels.length ? 1 : 0);
    if (n > 0) pool.push(...task.sample(rng, n, level));
  });
  // Fisher-Yates with the set's own stream: the same order for every agent and every strategy of a seed.
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool;
}

/**
 * Outcomes as stored on a node: one character per evaluated task, '1' solved, '0' well-formed but wrong, 'x' malformed
 * (a game: '1' won, '0' drawn or lost, 'x' lost by an invalid move).
 */
export function encodeOutcomes(outcomes: Outcome[]): string {
  return outcomes.map((o) => (o.correct ? '1' : o.wellFormed ? '0' : 'x')).join('');
}

export function decodeOutcome(c: string): Outcome {
  return { correct: c === '1', wellFormed: c !== 'x' };
}

export function countOutcomes(encoded: string): { successes: number; failures: number } {
  let successes = 0;
  for (const c of encoded) if (c === '1') successes++;
  return { successes, failures: encoded.length - successes };
}

/**
 * An Scorecard (the shape the gate's evidence is built from) of the first `n` tasks of the search set from a
 * node's stored outcomes. Parent and child are compared on the same prefix, so before/after is paired.
 */
export function searchAssessment(pool: ReadonlyArray<{ level: number }>, encoded: string, n: number): Scorecard {
  const take = Math.min(n, encoded.length);
  const byLevel = new Map<number, { correct: number; n: number }>();
  let correct = 0;
  let wellFormed = 0;
  for (let i = 0; i < take; i++) {
    const o = decodeOutcome(encoded[i]!);
    const level = pool[i]?.level ?? 0;
    const row = byLevel.get(level) ?? { correct: 0, n: 0 };
    row.n++;
    if (o.correct) {
      row.correct++;
      correct++;
    }
    if (o.wellFormed) wellFormed++;
    byLevel.set(level, row);
  }
  const perLevel = [...byLevel.entries()].sort((a, b) => a[0] - b[0]).map(([level, r]) => ({ level, ...r }));
  const probes =
    take > 0 ? [{ id: 'well-formed', description: 'Share of the search-set answers that have the form of an answer.', value: wellFormed / take }] : [];
  return { perLevel, score: { correct, n: take }, probes, seconds: 0, tokens: 0 };
}
