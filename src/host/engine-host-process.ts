import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../shared/contract';

/** How a process ended: Node reports a code or a signal; Electron's utility process only a code. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/**
 * The one seam between the supervisor and an OS process, so the same EngineHost drives a Node child
 * (headless host, tests) and an Electron utility process (desktop app).
 */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(frame: Frame): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Fires once the OS process exists; requests sent earlier are queued by the channel. */
  onSpawn(listener: () => void): void;
  onOutput(listener: (text: string, stream: 'stdout' | 'stderr') => void): void;
  /** Fires exactly once, also when the process could not be started at all. */
  onExit(listener: (info: ExitInfo) => void): void;
  signal(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface SpawnRequest {
  workspace: string;
  /** Already reduced to the minimal environment. */
  env: Record<string, string>;
  args: string[];
}

export type EngineSpawner = (request: SpawnRequest) => EngineProcess;

/** The package root, two folders above this file (src/host/ when run from source). */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Variables the engine may need; everything else of the parent (tokens, NODE_OPTIONS, ...) stays behind. */
const KEPT_VARIABLES = new Set([
  'PATH',
  'Path',
  'HOME',
  // Where the audit key lives (with HOME and APPDATA): the engine must sign with the key the CLI verifies with.
  'XDG_CONFIG_HOME',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'SYSTEMROOT',
  'SystemRoot',
  'TEMP',
  'TMP',
  'TMPDIR',
  'LANG',
  // The CUDA libraries of tfjs-node-gpu are found through these.
  'LD_LIBRARY_PATH',
  'CUDA_VISIBLE_DEVICES',
  'TF_CPP_MIN_LOG_LEVEL',
]);

export function minimalEnv(parent: NodeJS.ProcessEnv = process.env, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (KEPT_VARIABLES.has(key) || key.startsWith('EVOLAB_')) env[key] = value;
  }
  return { ...env, ...extra };
}

export interface NodeSpawnerOptions {
  /** The engine entry; default src/engine/main.ts of this package. */
  entry?: string;
  /** Default: the running Node (the project's Node 24 when started through bin/evolab.js). */
  execPath?: string;
  /** Default ['--import', 'tsx'] so TypeScript entries run as they are. */
  execArgv?: string[];
}

/** Forks the engine with Node's child_process (serialization 'advanced', so typed arrays cross intact). */
export function nodeSpawner(options: NodeSpawnerOptions = {}): EngineSpawner {
  const root = packageRoot();
  const entry = options.entry ?? path.join(root, 'src', 'engine', 'main.ts');
  return (request) => {
    const child = fork(entry, request.args, {
      execPath: options.execPath ?? process.execPath,
      execArgv: options.execArgv ?? ['--import', 'tsx'],
      serialization: 'advanced',
      env: request.env,
      // `--import tsx` resolves from the working folder, so run where this package's node_modules is.
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const exitListeners: Array<(info: ExitInfo) => void> = [];
    let exited = false;
    const finish = (info: ExitInfo): void => {
      if (exited) return;
      exited = true;
      for (const listener of exitListeners) listener(info);
    };
    // 'close' (not 'exit') so the last stderr lines have arrived when the crash is reported.
    child.on('close', (code, signal) => finish({ code, signal }));
    // A fork that fails to start (missing execPath) emits 'error' and may never emit 'exit'.
    child.on('error', (error) => {
      if (child.pid === undefined || child.exitCode !== null) finish({ code: null, signal: `spawn failed: ${error.message}` });
    });
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    return {
      get pid() {
        return child.pid;
      },
      send(frame) {
        if (child.connected) child.send(frame);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onSpawn(listener) {
        child.once('spawn', listener);
      },
      onOutput(listener) {
        child.stdout?.on('data', (text: string) => listener(text, 'stdout'));
        child.stderr?.on('data', (text: string) => listener(text, 'stderr'));
      },
      onExit(listener) {
        exitListeners.push(listener);
      },
      signal(signal) {
        if (exited) return;
        try {
          child.kill(signal);
        } catch {
          // Already gone between the check and the call: the exit listener reports it.
        }
      },
    };
  };
}
