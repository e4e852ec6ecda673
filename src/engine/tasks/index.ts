import { statSync } from 'node:fs';
import type { TaskConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { Task } from '../types';
import { createArithmeticTask } from './arithmetic';
import { createJsonlTask } from './jsonl';
import { createPreferenceTask } from './preference';

export { partialCredit } from './reward';
export { createCharTokenizer } from './tokenizer';

/**
 * One task checked before a run starts, handed to the session that starts it, so a large file is read once.
 * Taken once: the entry is cleared when used, and does not match once the file changed.
 */
let remembered: { key: string; task: Task } | null = null;

function keyOf(config: TaskConfig): string | null {
  if (config.kind !== 'jsonl') return null;
  try {
    const s = statSync(config.path);
    return JSON.stringify([config, s.size, s.mtimeMs]);
  } catch {
    return null;
  }
}

export function rememberTask(config: TaskConfig, task: Task): void {
  const key = keyOf(config);
  remembered = key === null ? null : { key, task };
}

/** Builds the task a run config names. */
export function createTask(config: TaskConfig): Task {
  if (remembered !== null) {
    const hit = remembered.key === keyOf(config) ? remembered.task : null;
    remembered = null;
    if (hit) return hit;
  }
  switch (config.kind) {
    case 'arithmetic':
      return createArithmeticTask(config);
    case 'jsonl':
      return createJsonlTask(config);
    case 'preference':
      return createPreferenceTask(config);
    case 'gridworld':
      // An episodic environment, not a text task: environments/gridworld.ts builds it, for the episodic session.
      throw new CodedError(
        'invalid_config',
        `task.kind "gridworld" is an episodic environment, not a text task; it runs with an episodic recipe (recipe.kind "a2c" or "q-learning") and policy.kind "mlp"`,
        [{ path: 'task.kind', message: 'not a text task' }],
      );
    case 'safe-interruptibility':
    case 'whisky-gold':
    case 'absent-supervisor':
      // A safety gridworld, an episodic environment: environments/safety-grid.ts builds it, for the episodic session.
      throw new CodedError(
        'invalid_config',
        `task.kind "${config.kind}" is a safety gridworld, an episodic environment, not a text task; it runs with an episodic recipe (recipe.kind "a2c" or "q-learning") and policy.kind "mlp"`,
        [{ path: 'task.kind', message: 'not a text task' }],
      );
    case 'game':
      // Two-seat games, not a text task: environments/games/ builds them, for the episodic session.
      throw new CodedError(
        'invalid_config',
        `task.kind "game" is a set of two-seat games, not a text task; it runs with recipe.kind "spiral" and policy.kind "mlp"`,
        [{ path: 'task.kind', message: 'not a text task' }],
      );
    case 'class-stream':
      // A class stream, not a text task: environments/class-stream.ts builds it, for the class-stream session.
      throw new CodedError(
        'invalid_config',
        `task.kind "class-stream" is a stream of labelled examples, not a text task; it runs with a class-stream learner (recipe.kind "homeostatic-lr", "constant-lr" or "random-lr") and policy.kind "classifier"`,
        [{ path: 'task.kind', message: 'not a text task' }],
      );
  }
}
