/**
 * The `evolab` command line. bin/evolab.js starts it with tsx; `node --import tsx src/host/cli.ts ...` works too.
 */
import '../engine/esm-compat';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CodedError } from '../shared/errors';
import { archiveCommand } from './commands/archive';
import type { Command } from './commands/common';
import { compareCommand } from './commands/compare';
import { exportCommand } from './commands/export';
import { doctorCommand, presetsCommand, runsCommand } from './commands/info';
import { auditCommand, decideCommand, policyCommand, proposalsCommand } from './commands/oversight';
import { resumeCommand, runCommand } from './commands/run';
import { serveCommand } from './commands/serve';
import { defaultWorkspace } from './paths';

export const commands: Command[] = [presetsCommand, runCommand, resumeCommand, compareCommand, runsCommand, archiveCommand, proposalsCommand, decideCommand, auditCommand, policyCommand, exportCommand, doctorCommand, serveCommand];

export interface CliIo {
  out(line: string): void;
  err(text: string): void;
  tty: boolean;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (text) => process.stderr.write(text),
  tty: Boolean(process.stderr.isTTY),
};

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Evolab: a laboratory for self-evolving agents.',
    '',
    'Usage: evolab <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --workspace DIR and --help.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`${c.summary}.`, '', `Usage: ${c.usage}`, '', ...c.help].join('\n');
}

function report(io: CliIo, error: unknown): number {
  if (error instanceof CodedError) {
    io.err(`error: ${error.message}\n`);
    // parseOrThrow messages already list the fields; others carry them only in `issues`.
    if (error.issues.length > 0 && !error.message.includes('\n')) {
      for (const issue of error.issues) io.err(`  ${issue.path}: ${issue.message}\n`);
    }
    return error.code === 'invalid_request' ? 2 : 1;
  }
  io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`error: unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new CodedError('invalid_request', `${(error as Error).message}\nUsage: ${command.usage} (see evolab ${command.name} --help)`);
    }
    if (parsed.values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const workspaceFlag = parsed.values.workspace;
    const workspace = typeof workspaceFlag === 'string' ? path.resolve(workspaceFlag) : defaultWorkspace();
    return await command.run({ values: parsed.values, positionals: parsed.positionals, workspace, out: io.out, err: io.err, tty: io.tty });
  } catch (error) {
    return report(io, error);
  }
}

/** Exits once stdout has drained, so piped JSON lines are never cut off. */
export function exitWith(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  void main(process.argv.slice(2)).then(exitWith);
}
