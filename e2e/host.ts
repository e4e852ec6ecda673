import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  workspace: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** The project's Node (24); the system Node may be older. */
function nodeBinary(): string {
  const bundled = path.join(root, 'node_modules', '.bin', 'node');
  return existsSync(bundled) ? bundled : process.execPath;
}

/** Starts `evolab serve --port 0` on `workspace` and resolves once it printed its URL. */
export function startHost(workspace: string, timeoutMs = 60_000): Promise<RunningHost> {
  const child = spawn(nodeBinary(), [path.join(root, 'bin', 'evolab.js'), 'serve', '--port', '0', '--workspace', workspace], {
    cwd: root,
    env: { ...process.env, EVOLAB_WORKSPACE: workspace },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`evolab serve printed no URL within ${timeoutMs} ms. Output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      resolve({
        url: match[0],
        origin: match[1],
        token: match[2],
        workspace,
        process: child,
        output: () => output,
        stop: () => stopProcess(child),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`evolab serve exited (${code ?? signal}) before printing its URL. Output:\n${output}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The worker's host as tests see it: the one running now, and a restart on the same workspace. */
export interface Host {
  readonly current: RunningHost;
  /** Stops the host (and its engine) and starts a new one on the same workspace: a new port and token. */
  restart(): Promise<RunningHost>;
}
