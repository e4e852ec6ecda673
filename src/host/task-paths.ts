import { realpathSync } from 'node:fs';
import path from 'node:path';
import { CodedError } from '../shared/errors';

/**
 * Which task files a client of the host (a browser page under `evolab serve`, the app's renderer) may have the
 * engine read. A run's task `path` is read by the engine with the user's rights, so a page that could name any file
 * could read ~/.ssh into a run's problems and show it back. Through the host a task file must be inside the
 * workspace or a path the person allowed (`evolab serve --allow-path`). The CLI's own `evolab run --config` does
 * not pass here: its paths are the person's own choice.
 */
export interface TaskPathOptions {
  workspace: string;
  /** Files or folders the person allowed; a folder allows everything under it. */
  allowed?: string[];
  /** Relative task paths resolve against this (default: the host's working folder). */
  cwd?: string;
  /** How to allow a path in the words of this host (a flag, a dialog), after "or"; none: only the workspace. */
  howToAllow?: (file: string) => string;
}

export interface TaskPathPolicy {
  /** Allows one more file or folder (a path the person picked). */
  allow(file: string): void;
  /**
   * Returns runs.start's input with `config.task.path` replaced by its real absolute path, so the engine reads
   * exactly the file that was checked; throws 'path_not_allowed' naming `task.path` when it lies outside.
   */
  confine(input: unknown): unknown;
}

/** The real path of `file`, links and `..` resolved; for a missing file, the real path of its deepest existing folder plus the rest. */
export function realPath(file: string): string {
  const absolute = path.resolve(file);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

export function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export function createTaskPathPolicy(options: TaskPathOptions): TaskPathPolicy {
  // Kept as given and resolved at each check: an allowed folder may be created, or a link re-pointed, later.
  const roots = [path.resolve(options.workspace), ...(options.allowed ?? []).map((p) => path.resolve(p))];
  const cwd = options.cwd ?? process.cwd();
  return {
    allow(file) {
      roots.push(path.resolve(file));
    },
    confine(input) {
      const task = readTask(input);
      if (!task || typeof task.path !== 'string') return input;
      const real = realPath(path.resolve(cwd, task.path));
      if (!roots.some((root) => isInside(real, realPath(root)))) {
        const fix = `copy the file into the workspace${options.howToAllow ? `, or ${options.howToAllow(real)}` : ''}`;
        throw new CodedError('path_not_allowed', `task.path: ${task.path} is outside the workspace (${roots[0]}) and the paths allowed here; ${fix}.`, [
          { path: 'task.path', message: `outside the workspace and the allowed paths; ${fix}` },
        ]);
      }
      const config = (input as { config: Record<string, unknown> }).config;
      return { ...(input as object), config: { ...config, task: { ...task, path: real } } };
    },
  };
}

function readTask(input: unknown): Record<string, unknown> | null {
  if (!isRecord(input) || !isRecord(input.config) || !isRecord(input.config.task)) return null;
  return input.config.task;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
