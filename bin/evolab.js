#!/usr/bin/env node
// The `evolab` launcher. Evolab needs Node >= 22; on an older Node it re-runs itself with the Node the package
// installs (node_modules/.bin/node), found relative to this file rather than the working directory.
// Otherwise it runs the TypeScript CLI in this same process through tsx, so a signal sent to this process
// (Ctrl-C, or a kill) reaches the run itself.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MIN_MAJOR = 22;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);

if (major < MIN_MAJOR) {
  const bundled = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
  if (!existsSync(bundled) || process.env.EVOLAB_REEXEC === '1') {
    process.stderr.write(
      `error: Evolab needs Node ${MIN_MAJOR} or newer (this is ${process.versions.node}). Install a newer Node, or run \`npm install\` in ${root} to get the bundled one.\n`,
    );
    process.exit(1);
  }
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, EVOLAB_REEXEC: '1' },
    shell: process.platform === 'win32',
  });
  // A terminal's Ctrl-C already reaches the child (same process group); forward only what targets us alone.
  const forward = (signal) => () => {
    if (signal === 'SIGINT' && process.stdin.isTTY) return;
    child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so our parent sees what happened to the run.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
  child.on('error', (error) => {
    process.stderr.write(`error: cannot start ${bundled}: ${error.message}\n`);
    process.exit(1);
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const cli = await import(pathToFileURL(path.join(root, 'src', 'host', 'cli.ts')).href);
  const code = await cli.main(process.argv.slice(2));
  cli.exitWith(code);
}
