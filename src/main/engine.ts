import { fileURLToPath } from 'node:url';
import { utilityProcess, type UtilityProcess } from 'electron';
import { EngineHost, type EngineProcess, type EngineSpawner, type ExitInfo } from '../host/engine-host';

/** The engine entry electron-vite builds next to this file (see electron.vite.config.ts). */
export function builtEngineEntry(): string {
  return fileURLToPath(new URL('./engine.js', import.meta.url));
}

/**
 * An EngineSpawner over Electron's utilityProcess, which keeps the engine out of main and gives it
 * parentPort + MessagePorts. `current()` exposes the live process for the MessagePort hand-off.
 */
export function utilityProcessSpawner(entry: string = builtEngineEntry()): { spawn: EngineSpawner; current(): UtilityProcess | null } {
  let live: UtilityProcess | null = null;
  const spawn: EngineSpawner = (request) => {
    const child = utilityProcess.fork(entry, request.args, {
      env: request.env,
      stdio: 'pipe',
      serviceName: 'Evolab engine',
    });
    live = child;
    const exitListeners: Array<(info: ExitInfo) => void> = [];
    let exited = false;
    // Electron reports only a code; a SIGKILL we sent is remembered so the report names it.
    let lastSignal: string | null = null;
    child.once('exit', (code) => {
      exited = true;
      if (live === child) live = null;
      for (const listener of exitListeners) listener({ code, signal: lastSignal });
    });
    const proc: EngineProcess = {
      get pid() {
        return child.pid;
      },
      send(frame) {
        if (!exited) child.postMessage(frame);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onSpawn(listener) {
        child.once('spawn', listener);
      },
      onOutput(listener) {
        child.stdout?.on('data', (chunk: Buffer | string) => listener(String(chunk), 'stdout'));
        child.stderr?.on('data', (chunk: Buffer | string) => listener(String(chunk), 'stderr'));
      },
      onExit(listener) {
        exitListeners.push(listener);
      },
      signal(signal) {
        if (exited) return;
        lastSignal = signal;
        if (signal === 'SIGTERM') {
          child.kill();
          return;
        }
        // utilityProcess.kill() only asks; the hard off switch must not depend on the engine's cooperation.
        if (child.pid !== undefined) {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {
            // Already gone: the exit listener reports it.
          }
        }
      },
    };
    return proc;
  };
  return { spawn, current: () => live };
}

export function createElectronEngine(options: { workspace: string; backend?: string }): {
  host: EngineHost;
  current(): UtilityProcess | null;
} {
  const spawner = utilityProcessSpawner();
  const host = new EngineHost({
    workspace: options.workspace,
    spawn: spawner.spawn,
    env: options.backend ? { EVOLAB_BACKEND: options.backend } : {},
    restartOnCrash: true,
  });
  return { host, current: spawner.current };
}
