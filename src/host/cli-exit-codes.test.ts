import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../engine/store/store';
import { resolveRunConfig } from '../engine/run-setup';
import { main } from './cli';

let tmp: string;
let ws: string;
let runId: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-exit-'));
  ws = path.join(tmp, 'ws');
  const store = Store.open(ws);
  runId = store.createRun(resolveRunConfig({ preset: 'addition-star-smoke' })).id;
  store.close();
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--workspace', ws], { out: (line) => (stdout += `${line}\n`), err: (text) => (stderr += text), tty: false });
  return { code, stdout, stderr };
}

describe('evolab exit codes and messages', () => {
  it('exits 2 with the nearest name for an unknown command, flag or preset', async () => {
    const command = await cli(['rnu']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "rnu"; did you mean "run"?');

    const flag = await cli(['run', '--preset', 'addition-star-smoke', '--iteratons', '3']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('run has no option --iteratons; did you mean --iterations?');
    expect(flag.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const preset = await cli(['run', '--preset', 'addition-star-smok']);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain('Unknown preset "addition-star-smok"; did you mean "addition-star-smoke"?');
  });

  it('exits 2 for a missing argument, a bad value, an extra argument and a bad config', async () => {
    const file = path.join(tmp, 'typo.json');
    fs.writeFileSync(file, JSON.stringify({ task: { kind: 'arithmetic' }, recipe: { kind: 'star' }, iteratons: 3 }));
    const results = await Promise.all([
      cli(['export', '--out', path.join(tmp, 'x.json')]),
      cli(['run', '--preset', 'addition-star-smoke', '--seed', 'abc']),
      cli(['runs', 'extra']),
      cli(['run', '--config', file]),
      cli(['doctor', '--backend', 'wsam']),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(2);
    expect(results[2]!.stderr).toContain('runs takes no positional arguments; unexpected "extra"');
    expect(results[3]!.stderr).toContain('unknown field "iteratons"; did you mean "iterations"?');
    expect(results[4]!.stderr).toContain('did you mean "wasm"?');
    const store = Store.open(ws);
    try {
      expect(store.listRuns().map((r) => r.id)).toEqual([runId]); // none of them made a run
    } finally {
      store.close();
    }
  });

  it('prints a bad config field once', async () => {
    const file = path.join(tmp, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ task: { kind: 'arithmetic', maxDigits: 40 }, recipe: { kind: 'star' } }));
    const r = await cli(['run', '--config', file]);
    expect(r.stderr.split('task.maxDigits: must be at most 12')).toHaveLength(2);
  });

  it('refuses an --out it cannot write in one line, exit 1, for export and audit', async () => {
    const plain = path.join(tmp, 'plain-file');
    fs.writeFileSync(plain, '');
    for (const out of ['/proc/evolab-export.json', path.join(plain, 'run.json')]) {
      for (const args of [
        ['export', runId, '--out', out],
        ['audit', runId, '--md', '--out', out],
      ]) {
        const r = await cli(args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toMatch(
          new RegExp(`^error: Cannot write ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(--out\\): .+\\. Give a path in a folder you can write to\\.\\n$`),
        );
      }
    }
  });

  it('exits 1 for an operation on a run that does not exist, 0 on success', async () => {
    expect((await cli(['export', 'no-such-run', '--out', path.join(tmp, 'y.json')])).code).toBe(1);
    const ok = await cli(['export', runId, '--out', path.join(tmp, 'deep', 'er', 'run.json')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'deep', 'er', 'run.json'))).toBe(true);
  });

  it('refuses bad data before a run exists: printed once, exit 2, nothing in `evolab runs`', async () => {
    const data = path.join(tmp, 'empty-answers.jsonl');
    fs.writeFileSync(data, Array.from({ length: 50 }, (_, i) => JSON.stringify({ prompt: `q${i}?`, answer: '' })).join('\n'));
    const file = path.join(tmp, 'jsonl-run.json');
    fs.writeFileSync(file, JSON.stringify({ task: { kind: 'jsonl', path: data } }));
    const r = await cli(['run', '--preset', 'addition-star-smoke', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('"answer" is empty')).toHaveLength(2);
    expect(r.stderr).toContain('line 1');
    const runs = await cli(['runs', '--json']);
    expect((JSON.parse(runs.stdout) as Array<{ id: string }>).map((x) => x.id)).toEqual([runId]);
  });
});
