import fs from 'node:fs';
import path from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { CodedError } from '../../shared/errors';
import { defaultWorkspace } from '../paths';

/**
 * Exit codes, the same for every command: 0 success; 2 a usage error (unknown command or flag, missing argument,
 * bad value, bad config: fix the command line or the config and run again); 1 an operation that failed (a run that
 * failed, a run or proposal that does not exist, a file that cannot be written, a broken audit chain); 130 a run
 * stopped with Ctrl-C (the shell's convention for SIGINT).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  workspace: string;
  out(line: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  tty: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Lines of help for the options, after the usage line. */
  help: string[];
  options: ParseArgsOptionsConfig;
  /** The most positional arguments the command takes; more is a usage error (undefined: not checked here). */
  positionals?: number;
  run(ctx: CommandContext): Promise<number>;
}

export const workspaceOption: ParseArgsOptionsConfig = { workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } };
export const workspaceHelp = `  --workspace DIR   workspace folder (default: $EVOLAB_WORKSPACE, else ${defaultWorkspace()})`;

export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** The run id a command takes as its first argument, or an error saying where to find one. */
export function runIdArgument(ctx: CommandContext, verb: string): string {
  const runId = ctx.positionals[0];
  if (!runId) throw new CodedError('invalid_request', `Give the id of the run to ${verb} (see \`evolab runs\`).`, [{ path: 'runId', message: 'required' }]);
  return runId;
}

/** Parses a whole-number flag, naming the flag when it is not one. */
export function intOption(values: OptionValues, name: string, min = 0): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new CodedError('invalid_request', `--${name} must be a whole number of at least ${min}, got "${raw}".`, [
      { path: name, message: `must be a whole number >= ${min}` },
    ]);
  }
  return n;
}

/** Reads a JSON run config, naming the file in every error. */
export function readConfigFile(file: string): unknown {
  const full = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CodedError(
      'invalid_config',
      code === 'ENOENT'
        ? `Config file not found: ${full}. Check the path, or start from a preset with --preset NAME (see \`evolab presets\`).`
        : `Cannot read config file ${full}: ${(error as Error).message}`,
      [{ path: 'config', message: `cannot read ${full}` }],
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CodedError('invalid_config', `Config file ${full} is not valid JSON: ${(error as Error).message}`, [{ path: 'config', message: 'must be JSON' }]);
  }
}

/**
 * Writes a file whole or not at all: temp file, then rename. A path that cannot be written (no permission, a
 * read-only or virtual file system, a file where a folder should be) is a coded error naming the flag and the
 * reason in one line.
 */
export function writeFileAtomic(file: string, text: string, flag = '--out'): void {
  const full = path.resolve(file);
  const temp = `${full}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, full);
  } catch (error) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // The temp file was never made (the folder is not writable): nothing to clean up.
    }
    const e = error as NodeJS.ErrnoException;
    const reason =
      e.code === 'EACCES' || e.code === 'EPERM'
        ? 'permission denied'
        : e.code === 'ENOTDIR'
          ? 'a part of the path is a file, not a folder'
          : e.code === 'EISDIR'
            ? 'it is a folder'
            : e.code === 'EROFS'
              ? 'the file system is read-only'
              : e.code === 'ENOENT'
                ? 'no file can be made at that path'
                : (e.code ?? e.message);
    throw new CodedError('output_unwritable', `Cannot write ${full} (${flag}): ${reason}. Give a path in a folder you can write to.`, [
      { path: flag.replace(/^-+/, ''), message: reason },
    ]);
  }
}

export function formatNumber(value: number | undefined, digits = 3): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  return value.toFixed(digits);
}

/**
 * Text from a user or a file made safe for one terminal line: line breaks and tabs become spaces, and other
 * control characters (escape sequences, carriage returns, Unicode line separators) are shown as \\u escapes, so
 * a reason or a name can neither start a line of its own nor move the cursor.
 */
export function terminalSafe(text: string): string {
  return text
    .replace(/\r\n|[\n\t\v\f]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Left-aligned text table; every cell made terminal-safe, so a cell cannot forge a row. */
export function table(rows: string[][]): string[] {
  const safe = rows.map((r) => r.map((cell) => terminalSafe(cell ?? '')));
  const widths = safe[0].map((_, c) => Math.max(...safe.map((r) => (r[c] ?? '').length)));
  return safe.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
}
