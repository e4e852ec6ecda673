import type { TaskConfig } from '../../shared/config';
import type { Task } from '../types';
import { createArithmeticTask } from './arithmetic';
import { createJsonlTask } from './jsonl';

export { partialCredit } from './reward';
export { createCharTokenizer } from './tokenizer';

/** Builds the task a run config names. */
export function createTask(config: TaskConfig): Task {
  switch (config.kind) {
    case 'arithmetic':
      return createArithmeticTask(config);
    case 'jsonl':
      return createJsonlTask(config);
  }
}
