/**
 * The `evolab` command line. bin/evolab.js starts it with tsx; `node --import tsx src/host/cli.ts ...` works too.
 */
import '../engine/esm-compat';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CodedError, type ErrorCode } from '../shared/errors';
import { didYouMean } from '../shared/suggest';
import { archiveCommand } from './commands/archive';
import { type Command, EXIT } from './commands/common';
import { compareCommand } from './commands/compare';
import { exportCommand } from './commands/export';
import { doctorCommand, presetsCommand, runsCommand } from './commands/info';
import { offswitchCommand } from './commands/offswitch';
import { auditCommand, decideCommand, policyCommand, proposalsCommand } from './commands/oversight';
import { reproduceCommand } from './commands/reproduce';
import { resumeCommand, runCommand } from './commands/run';
import { serveCommand } from './commands/serve';
import { sweepCommand } from './commands/sweep';
import { defaultWorkspace } from './paths';

export const commands: Command[] = [
  presetsCommand,
  runCommand,
  resumeCommand,
  compareCommand,
  sweepCommand,
  runsCommand,
  archiveCommand,
  proposalsCommand,
  decideCommand,
  auditCommand,
  policyCommand,
  exportCommand,
  reproduceCommand,
  offswitchCommand,
  doctorCommand,
  serveCommand,
];

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

const USAGE_CODES: readonly ErrorCode[] = ['invalid_request', 'invalid_config', 'unknown_preset'];

export function exitCodeOf(error: CodedError): number {
  return USAGE_CODES.includes(error.code) ? EXIT.usage : EXIT.failed;
}

function report(io: CliIo, error: unknown): number {
  if (error instanceof CodedError) {
    io.err(`error: ${error.message}\n`);
    // Issues the message does not already say (parseOrThrow messages list every field; others name them only in
    // `issues`), so nothing is printed twice.
    for (const issue of error.issues) {
      if (!error.message.includes(issue.message)) io.err(`  ${issue.path}: ${issue.message}\n`);
    }
    return exitCodeOf(error);
  }
  // A system error (a file or folder that cannot be read or written) is the user's to fix: one line, no stack.
  const errno = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    io.err(`error: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failed;
}

/** parseArgs' message for a flag the command does not take, with the nearest flag it does take. */
function optionError(command: Command, error: unknown): CodedError {
  const message = error instanceof Error ? error.message : String(error);
  const flags = Object.entries(command.options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
  const unknown = (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2}[^'=\s]+)/.exec(message)?.[1] : undefined;
  const text = unknown ? `${command.name} has no option ${unknown}${didYouMean(unknown, flags, (s) => s)}` : message;
  return new CodedError('invalid_request', `${text}\nUsage: ${command.usage} (see evolab ${command.name} --help)`, [
    { path: unknown ?? 'options', message: unknown ? 'unknown option' : message },
  ]);
}

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    io.err(`${usage()}\n`);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const hint = didYouMean(
      name,
      commands.map((c) => c.name),
      (s) => `"${s}"`,
    );
    io.err(`error: unknown command "${name}"${hint}\n\n${usage()}\n`);
    return EXIT.usage;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (error) {
      throw optionError(command, error);
    }
    if (parsed.values.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    if (command.positionals !== undefined && parsed.positionals.length > command.positionals) {
      const extra = parsed.positionals.slice(command.positionals).join(' ');
      throw new CodedError(
        'invalid_request',
        `${command.name} takes ${command.positionals === 0 ? 'no' : `at most ${command.positionals}`} positional argument${command.positionals === 1 ? '' : 's'}; unexpected "${extra}".\nUsage: ${command.usage}`,
        [{ path: 'arguments', message: `at most ${command.positionals}` }],
      );
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
