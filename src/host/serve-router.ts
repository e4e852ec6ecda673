import { isHostRequest, isRequestName, requests, type HostRequestName, type RequestName, type RequestOutput } from '../shared/contract';
import { CodedError, parseOrThrow, type CodedErrorShape } from '../shared/errors';
import type { TaskPathPolicy } from './task-paths';

/** What a router needs of the engine; EngineHost provides it. */
export interface RoutedEngine {
  call(name: string, input: unknown): Promise<unknown>;
  kill(graceMs?: number): Promise<boolean>;
  start(): Promise<void>;
}

const requestNames = Object.keys(requests) as RequestName[];

/** Checks the name and parses the input with the contract's schema; throws 'invalid_request' naming each bad path. */
export function validateRequest(name: unknown, input: unknown): { name: RequestName; input: unknown } {
  if (!isRequestName(name)) {
    throw new CodedError('invalid_request', `Unknown request ${JSON.stringify(name)}; valid requests are ${requestNames.join(', ')}.`, [
      { path: 'name', message: `must be one of ${requestNames.map((n) => JSON.stringify(n)).join(', ')}` },
    ]);
  }
  const parsed: unknown = parseOrThrow(requests[name].input, input ?? {}, 'invalid_request', `The input of "${name}"`);
  return { name, input: parsed };
}

export interface RouterOptions {
  /** Filled into `runs.start` when the caller names no backend (`evolab serve --backend`). */
  defaultBackend?: string;
  /** Kill grace in milliseconds. */
  killGraceMs?: number;
  /** Confines the task file of `runs.start` (a client of the host must not name any file on disk). */
  taskPaths?: TaskPathPolicy;
  /**
   * Answers `files.pickTask`: the desktop app's native dialog, which allows the file the person chose. Without it
   * (`evolab serve`: a browser page has no dialog of ours) the request is refused with 'unsupported'.
   */
  pickTask?: () => Promise<RequestOutput<'files.pickTask'>>;
}

/** Why a host without a native dialog refuses `files.pickTask`, and what the person can do instead. */
export const PICK_TASK_UNSUPPORTED =
  "files.pickTask needs the desktop app's file dialog, and this host has none. To use a task file outside the workspace, " +
  'start `evolab serve --allow-path FILE` (a folder allows all files under it), or copy the file into the workspace.';

/**
 * Validates, then forwards to the engine. `engine.kill` never reaches the engine: the host kills the
 * process and starts a fresh one (runs it held become interrupted) so the app stays usable. Nor does
 * `files.pickTask`: the host's own dialog answers it, or the host refuses it.
 */
export function createRouter(engine: RoutedEngine, options: RouterOptions = {}) {
  let killing: Promise<RequestOutput<'engine.kill'>> | null = null;
  const killAndRestart = async (): Promise<RequestOutput<'engine.kill'>> => {
    const killed = await engine.kill(options.killGraceMs ?? 2000);
    // A failed restart is reported through engine.status; the kill itself succeeded.
    await engine.start().catch(() => undefined);
    return { killed };
  };
  // The host's own requests, each answered with its contract's output.
  const here: { [N in HostRequestName]: () => Promise<RequestOutput<N>> } = {
    'engine.kill': () => {
      // Two kill clicks share one kill rather than killing the fresh engine too.
      killing ??= killAndRestart().finally(() => {
        killing = null;
      });
      return killing;
    },
    'files.pickTask': () => {
      if (!options.pickTask) return Promise.reject(new CodedError('unsupported', PICK_TASK_UNSUPPORTED));
      return options.pickTask();
    },
  };
  return async function route(name: unknown, input: unknown): Promise<unknown> {
    const request = validateRequest(name, input);
    if (isHostRequest(request.name)) return here[request.name]();
    let forwarded = request.input;
    if (request.name === 'runs.start' && options.taskPaths) forwarded = options.taskPaths.confine(forwarded);
    if (request.name === 'runs.start' && options.defaultBackend && isRecord(forwarded) && forwarded.backend === undefined) {
      forwarded = { ...forwarded, backend: options.defaultBackend };
    }
    return engine.call(request.name, forwarded);
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Any thrown value as the coded shape that crosses process boundaries. */
export function toErrorShape(error: unknown): CodedErrorShape {
  if (error instanceof CodedError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Internal error: ${message}`, issues: [] };
}
