/**
 * Several processes opening one new workspace at the same moment (a sweep's parallel runs) all succeed: each
 * migration step takes its turn in an IMMEDIATE transaction and none is made twice.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './schema';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const script = path.join(here, 'test-fixtures', 'open-workspace.ts');
let tmp = '';

afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function open(workspace: string, at: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, workspace, String(at)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('opening a new workspace from several processes at once', () => {
  it('migrates it once and every process opens it', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-open-race-'));
    const workspace = path.join(tmp, 'ws');
    // The processes start together and wait for one moment far enough ahead for each to have loaded.
    const at = Date.now() + 4000;
    const results = await Promise.all(Array.from({ length: 4 }, () => open(workspace, at)));
    expect(results.map((r) => r.stderr)).toEqual(['', '', '', '']);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const db = new Database(path.join(workspace, 'evolab.db'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  }, 60_000);
});
