import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from './audit-chain';
import type { AuditKey } from './audit-key';
import { syncDir } from './durable';

/**
 * The head file: the last entry of each run's chain (seq, hash, MAC), kept beside the database and MACed with the
 * audit key, so that removing entries from the end of a chain (or all of a run's entries) shows: the database no
 * longer holds the entry the head names.
 *
 * Crash order. The head is written *after* the transaction that appended commits, by rename of a fsynced temp
 * file, so it never names an entry that is not durably in the database. A kill between the commit and the head
 * write leaves the head behind the database; verification accepts a head that is behind only because the entries
 * after it must still chain from it, hash and MAC, and nobody without the key can make such entries. Concurrent
 * writers may also leave it behind (each writes whole files; the last rename wins): behind, never wrong.
 * The file is created, empty, before the first keyed entry of the workspace commits, so a workspace with keyed
 * entries and no head file has lost it; writers then leave it missing, and a head that no longer matches the
 * database is not advanced either, so an alarm stays until someone looks.
 */

export const HEAD_FILE = 'audit-head.json';
const FORMAT = 'evolab-audit-head/1';

export interface HeadRecord {
  seq: number;
  hash: string;
  mac: string | null;
}

export interface HeadDoc {
  format: typeof FORMAT;
  keyId: string;
  runs: Record<string, HeadRecord>;
  mac: string;
}

export type HeadRead = { status: 'missing' } | { status: 'invalid'; reason: string } | { status: 'ok'; doc: HeadDoc };

export function headFile(workspace: string): string {
  return path.join(workspace, HEAD_FILE);
}

function headMac(key: AuditKey, runs: Record<string, HeadRecord>): string {
  return key.mac(canonicalJson([FORMAT, runs]));
}

/** Reads the head file; with a key, also checks its MAC (a head made with another key is "invalid" to this one). */
export function readHead(workspace: string, key: AuditKey | null): HeadRead {
  let text: string;
  try {
    text = fs.readFileSync(headFile(workspace), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'invalid', reason: `cannot be read (${(error as Error).message})` };
  }
  let doc: HeadDoc;
  try {
    doc = JSON.parse(text) as HeadDoc;
  } catch {
    return { status: 'invalid', reason: 'is not valid JSON' };
  }
  if (!doc || doc.format !== FORMAT || typeof doc.runs !== 'object' || doc.runs === null || typeof doc.mac !== 'string' || typeof doc.keyId !== 'string') {
    return { status: 'invalid', reason: `is not an ${FORMAT} document` };
  }
  for (const r of Object.values(doc.runs)) {
    if (!r || !Number.isInteger(r.seq) || typeof r.hash !== 'string') return { status: 'invalid', reason: 'holds a malformed run head' };
  }
  if (key) {
    if (doc.keyId !== key.id) return { status: 'invalid', reason: `was made with audit key ${doc.keyId}, not this machine's key ${key.id}` };
    if (headMac(key, doc.runs) !== doc.mac) return { status: 'invalid', reason: 'does not match its MAC: it was edited' };
  }
  return { status: 'ok', doc };
}

/** Writes the head file whole: temp file, fsync, rename, fsync of the folder. */
export function writeHead(workspace: string, key: AuditKey, runs: Record<string, HeadRecord>): void {
  const file = headFile(workspace);
  const doc: HeadDoc = { format: FORMAT, keyId: key.id, runs, mac: headMac(key, runs) };
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = fs.openSync(temp, 'w', 0o644);
    try {
      fs.writeSync(fd, `${JSON.stringify(doc, null, 1)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    syncDir(workspace);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
