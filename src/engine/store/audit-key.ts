import { createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { syncDir } from './durable';
import os from 'node:os';
import path from 'node:path';
import { CodedError } from '../../shared/errors';

/**
 * The key of the audit log's keyed chain (HMAC-SHA256). It lives outside every workspace, in the user's config
 * folder, so that someone who has only the workspace (a copy of the database, a synced folder, a backup) cannot
 * rewrite the log with recomputed hashes: they can recompute SHA-256, not the MACs. One key per user serves all of
 * the user's workspaces. `EVOLAB_AUDIT_KEY_FILE` names another file (tests, a key on a separate volume).
 */

export const AUDIT_KEY_ENV = 'EVOLAB_AUDIT_KEY_FILE';

export interface AuditKey {
  /** A fingerprint of the key (not the key): entries record it so verification can tell "another key" from "altered". */
  id: string;
  file: string;
  mac(text: string): string;
}

export function auditKeyFile(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (env[AUDIT_KEY_ENV]) return path.resolve(env[AUDIT_KEY_ENV]);
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'evolab', 'audit-key');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'evolab', 'audit-key');
}

function fromBytes(bytes: Buffer, file: string): AuditKey {
  return {
    id: createHash('sha256').update('evolab-audit-key-id/1').update(bytes).digest('hex').slice(0, 16),
    file,
    mac: (text) => createHmac('sha256', bytes).update(text).digest('hex'),
  };
}

function parseKey(text: string, file: string): AuditKey {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new CodedError(
      'audit_key_unavailable',
      `The audit key file ${file} does not hold a key (64 hex digits). Restore it from a backup; a new key cannot verify entries made with the old one.`,
    );
  return fromBytes(Buffer.from(hex, 'hex'), file);
}

/** The key if its file exists, else null: verification never creates a key (a new one would verify nothing). */
export function loadAuditKey(file: string = auditKeyFile()): AuditKey | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CodedError('audit_key_unavailable', `The audit key file ${file} cannot be read (${(error as Error).message}).`);
  }
  return parseKey(text, file);
}

/**
 * The key, created on first use: 32 random bytes, written to a temp file with mode 0600, fsynced and linked into
 * place, so two processes creating it at once agree on one key (link fails for the loser, who reads the winner's).
 */
export function loadOrCreateAuditKey(file: string = auditKeyFile()): AuditKey {
  const existing = loadAuditKey(file);
  if (existing) return existing;
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    syncDir(path.dirname(file));
  } catch (error) {
    throw new CodedError(
      'audit_key_unavailable',
      `The audit log's key cannot be created at ${file} (${(error as Error).message}). Give your user write permission on that folder, or set ${AUDIT_KEY_ENV} to a file outside the workspace.`,
    );
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return parseKey(fs.readFileSync(file, 'utf8'), file);
}
