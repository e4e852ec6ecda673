/**
 * For tests: the `evolab` command line as a separate process (bin/evolab.js on this Node), so a test can kill it
 * (SIGKILL, SIGINT) and read its output line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(repoRoot, 'bin', 'evolab.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `evolab ...args` with no workspace from the environment (tests pass --workspace). */
export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EVOLAB_WORKSPACE: '', ...env } });
}

/** Collects a started process's output until it ends, calling `onStdoutLine` for each complete stdout line. */
export function finishCli(child: ChildProcess, onStdoutLine?: (line: string) => void): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onStdoutLine?.(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Runs `evolab ...args` to its end. */
export function runCli(args: string[]): Promise<CliResult> {
  return finishCli(startCli(args));
}
