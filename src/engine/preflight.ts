/**
 * Everything about a run that can be known wrong before it exists: its algorithm paired with a task and policy of
 * other families, the task's data (a class stream's files too), the context against the
 * longest problem, the memory against the backend's limit. service.start runs it before creating the run row (a
 * refused config leaves no failed run behind); Session.create runs the same checks on the backend it really got.
 */
import { MAX_CONTEXT_LENGTH, type RunConfig } from '../shared/config';
import { TASK_FAMILY } from '../shared/families';
import { CodedError } from '../shared/errors';
import { createClassStream } from './environments/class-stream';
import { checkMemory, expectedBackend, type TaskShape } from './memory-estimate';
import { runWorkers } from './pool/workers';
import { checkFamilies } from './recipes/registry';
import { checkTextGame, isTextGameRun } from './text-game-check';
import { createTask, rememberTask } from './tasks';
import { requireTextRun } from './text-run';
import type { Task } from './types';

export function taskShape(task: Task): TaskShape {
  return {
    vocabSize: task.tokenizer.vocabSize,
    maxSequenceLength: task.maxSequenceLength,
    heldoutProblems: task.levels.reduce((n, level) => n + task.heldout(level).length, 0),
  };
}

/** The context must hold the task's longest problem; the fix never advises more than the schema allows. */
export function checkContext(runConfig: RunConfig, task: Task): void {
  const config = requireTextRun(runConfig);
  const need = task.maxSequenceLength;
  const have = config.policy.contextLength;
  if (have >= need) return;
  const fix =
    need <= MAX_CONTEXT_LENGTH
      ? `set policy.contextLength to at least ${need}`
      : `policy.contextLength can be at most ${MAX_CONTEXT_LENGTH}, so shorten the longest problems to at most ${MAX_CONTEXT_LENGTH - 2} characters of prompt + answer${config.task.kind === 'jsonl' ? ` in ${config.task.path}` : ''}${config.task.kind === 'arithmetic' ? ' (lower task.maxDigits)' : ''}`;
  throw new CodedError(
    'invalid_config',
    `policy.contextLength is ${have} but the task's longest problem needs ${need} tokens (prompt + answer + BOS/EOS); ${fix}`,
    [
      {
        path: need <= MAX_CONTEXT_LENGTH ? 'policy.contextLength' : 'task',
        message: need <= MAX_CONTEXT_LENGTH ? `must be at least ${need} for this task` : `problems longer than the largest context (${MAX_CONTEXT_LENGTH})`,
      },
    ],
  );
}

export interface PreflightResult {
  /** The text task, built once for the session; null for an episodic run (its environment is cheap to build). */
  task: Task | null;
  /** Weak data that does not stop the run, for the CLI to print and the app to show. */
  warnings: string[];
}

/**
 * Builds the task and checks the run against it and the backend it will most likely get; throws a coded error
 * naming the fields. The task is kept for the session that starts next, so a large file is read once.
 */
export function preflight(config: RunConfig, backend: string = expectedBackend(config.backend)): PreflightResult {
  checkFamilies(config);
  // A class stream's data files are read and checked here (refused naming the file and the line or byte offset), and
  // its shift rates against the minibatches of an epoch; the data set is kept for the session that starts next.
  if (config.task.kind === 'class-stream') {
    createClassStream(config.task, 'batchSize' in config.recipe ? config.recipe.batchSize : 10);
    return { task: null, warnings: [] };
  }
  // A game played by the text LM: its context must hold a move (or a transfer problem), checked before the run exists.
  if (isTextGameRun(config)) {
    checkTextGame(config);
    return { task: null, warnings: [] };
  }
  // The context and memory checks are about a transformer on a text task; other families have no such limits here.
  if (TASK_FAMILY[config.task.kind] !== 'text-task') return { task: null, warnings: [] };
  const text = requireTextRun(config);
  const task = createTask(text.task);
  checkContext(text, task);
  checkMemory(text, taskShape(task), backend, undefined, runWorkers(text, backend));
  rememberTask(text.task, task);
  return { task, warnings: [...(task.warnings ?? [])] };
}
