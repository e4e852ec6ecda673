import type Database from 'better-sqlite3';
import type { TaskConfig } from '../../shared/config';
import { humanNotation, type Notation } from '../../shared/notation';
import type { TrajectoryFilter } from '../../shared/run';

export interface TrajectoryQuery {
  runId: string;
  iteration?: number;
  /** One of kept / rejected / correct / incorrect; `kept` and `correct` below combine ("correct but rejected"). */
  filter?: TrajectoryFilter;
  kept?: boolean;
  correct?: boolean;
  /** A substring of the prompt or output, in the model's notation or in human notation. */
  search?: string;
  limit?: number;
  offset?: number;
}

/**
 * `evolab_human(task, field, text)`: the text in the task's human notation (`task` is the run's task config as
 * JSON), so a search for "12+345" finds the prompt the model wrote as "2100+5430=". Registered once per database.
 */
export function registerNotationFunction(db: Database.Database): void {
  const cache = new Map<string, Notation | null>();
  db.function('evolab_human', { deterministic: true }, (task: unknown, field: unknown, text: unknown) => {
    if (typeof task !== 'string' || typeof text !== 'string') return text;
    if (!cache.has(task)) cache.set(task, humanNotation(JSON.parse(task) as TaskConfig));
    const notation = cache.get(task);
    if (!notation) return text;
    return field === 'prompt' ? notation.prompt(text) : notation.answer(text);
  });
}

/** The WHERE clause of a trajectory query and its parameters. */
export function trajectoryWhere(query: TrajectoryQuery, task: TaskConfig): { clause: string; params: Array<string | number> } {
  const where = ['run_id = ?'];
  const params: Array<string | number> = [query.runId];
  if (query.iteration !== undefined) {
    where.push('iteration = ?');
    params.push(query.iteration);
  }
  const filter = query.filter ?? 'all';
  const kept = query.kept ?? (filter === 'kept' ? true : filter === 'rejected' ? false : undefined);
  const correct = query.correct ?? (filter === 'correct' ? true : filter === 'incorrect' ? false : undefined);
  if (kept !== undefined) where.push(kept ? 'kept = 1' : 'kept = 0');
  if (correct !== undefined) where.push(correct ? 'correct = 1' : 'correct = 0');
  if (query.search) {
    const s = query.search;
    if (humanNotation(task)) {
      const json = JSON.stringify(task);
      where.push(
        "(instr(prompt, ?) > 0 OR instr(output, ?) > 0 OR instr(evolab_human(?, 'prompt', prompt), ?) > 0 OR instr(evolab_human(?, 'answer', output), ?) > 0)",
      );
      params.push(s, s, json, s, json, s);
    } else {
      where.push('(instr(prompt, ?) > 0 OR instr(output, ?) > 0)');
      params.push(s, s);
    }
  }
  return { clause: where.join(' AND '), params };
}
