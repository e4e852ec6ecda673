import fs from 'node:fs';
import path from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { CodedError } from '../../shared/errors';
import { defaultWorkspace } from '../paths';

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
      code === 'ENOENT' ? `Config file not found: ${full}. Check the path, or start from a preset with --preset NAME (see \`evolab presets\`).` : `Cannot read config file ${full}: ${(error as Error).message}`,
      [{ path: 'config', message: `cannot read ${full}` }],
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CodedError('invalid_config', `Config file ${full} is not valid JSON: ${(error as Error).message}`, [{ path: 'config', message: 'must be JSON' }]);
  }
}

/** Writes a file whole or not at all: temp file, then rename. */
export function writeFileAtomic(file: string, text: string): void {
  const full = path.resolve(file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  const temp = `${full}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, full);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
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
  return safe.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}
