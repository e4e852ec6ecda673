/**
 * A person-rated run whose engine is killed (SIGKILL) while it waits for choices: the choices made before the kill,
 * and one made while no engine runs, are used when it resumes; the resumed run gives the same metrics as a fresh run
 * from the same seed replaying those choices, and `evolab reproduce` matches it exactly. The person is this test, writing to the workspace the CLI process
 * shares (as the Rate page of `evolab serve` would).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../shared/run';
import { Store } from '../engine/store/store';
import type { ChildProcess } from 'node:child_process';
import { finishCli as finish, startCli } from './cli-process';

const PRESET = 'preference-person-dpo-smoke';
const CONFIG = { warmup: { steps: 40 }, iterations: 2, seed: 5, recipe: { kind: 'dpo', promptsPerIteration: 3, samplesPerPrompt: 8 } };

let tmp: string;
let configFile: string;
// Every CLI process this test starts: one still waiting for a person when the test fails is killed, not left behind.
const children: ChildProcess[] = [];
const start = (args: string[], env: Record<string, string>) => {
  const child = startCli(args, env);
  children.push(child);
  return child;
};
const env = () => ({ EVOLAB_AUDIT_KEY_FILE: path.join(tmp, 'audit-key') });
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-person-kill-'));
  configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(CONFIG));
  process.env.EVOLAB_AUDIT_KEY_FILE = env().EVOLAB_AUDIT_KEY_FILE;
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
  delete process.env.EVOLAB_AUDIT_KEY_FILE;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const learning = (m: Metrics) => Object.fromEntries(Object.entries(m).filter(([k]) => !/^(time|perf|mem)\//.test(k)));

/** Opens the workspace once the run exists; resolves when it has `n` pairs of iteration 1 waiting. */
async function waitForPairs(ws: string, n: number): Promise<{ store: Store; runId: string }> {
  for (;;) {
    if (fs.existsSync(path.join(ws, 'evolab.db'))) {
      const store = Store.open(ws);
      const waiting = store.ratings.waiting();
      if (waiting.length >= n) return { store, runId: waiting[0]!.runId };
      store.close();
    }
    await sleep(100);
  }
}

describe('a person-rated run across SIGKILL', () => {
  it('keeps the choices made, uses them on resume, and matches a replay from the same seed', async () => {
    const ws = path.join(tmp, 'ws');
    const child = start(['run', '--preset', PRESET, '--config', configFile, '--json', '--workspace', ws], env());
    const done = finish(child);
    const { store, runId } = await waitForPairs(ws, 1);
    const pairs = store.ratings.pairs(runId, 1);
    // Eight samples per prompt: their outputs differ, so each of the three prompts asks for a pair.
    expect(pairs).toHaveLength(3);
    store.ratings.choose(pairs[0]!.id, 'a', 'person:ada');
    store.close();
    // The engine sees the choice (it polls the workspace) and keeps waiting for the other two; then it is killed.
    await sleep(600);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).toContain('"event":"rating"');

    const offline = Store.open(ws);
    expect(offline.runDetail(runId).status).toBe('interrupted');
    offline.ratings.choose(pairs[1]!.id, 'skip', 'person:ada');
    offline.close();

    // Resume: the same three pairs are found again; the person rates the one left, and every pair of iteration 2.
    const resumed = start(['resume', runId, '--json', '--workspace', ws], env());
    const finished = finish(resumed);
    let end: Awaited<typeof finished> | null = null;
    void finished.then((r) => (end = r));
    while (end === null) {
      const s = Store.open(ws);
      for (const p of s.ratings.waiting(runId)) s.ratings.choose(p.id, p.iteration === 1 ? 'b' : 'a', 'person:ada');
      s.close();
      await sleep(100);
    }
    const result = end as Awaited<typeof finished>;
    expect(result.code, result.stderr).toBe(0);

    const after = Store.open(ws);
    const stored = after.ratings.pairs(runId, 1);
    const trained = after.iterationMetrics(runId, 1)['dpo/pairs'];
    const audit = after.verifyAudit(runId);
    after.close();
    expect(stored.map((p) => p.id)).toEqual(pairs.map((p) => p.id));
    expect(stored.map((p) => p.choice)).toEqual(['a', 'skip', 'b']);
    expect(trained).toBe(2);
    expect(audit.ok).toBe(true);

    // A fresh run from the same seed replaying the stored choices: the same metrics, no person needed.
    const replayConfig = path.join(tmp, 'replay.json');
    fs.writeFileSync(replayConfig, JSON.stringify({ ...CONFIG, rater: { kind: 'person', replayChoicesFrom: runId } }));
    const replay = await finish(start(['run', '--preset', PRESET, '--config', replayConfig, '--json', '--workspace', ws], env()));
    expect(replay.code, replay.stderr).toBe(0);
    const replayId = (JSON.parse(replay.stdout.trim().split('\n').at(-1)!) as { runId: string }).runId;
    const check = Store.open(ws);
    const metrics = [1, 2].map((i) => [learning(check.iterationMetrics(replayId, i)), learning(check.iterationMetrics(runId, i))]);
    check.close();
    for (const [got, want] of metrics) expect(got).toEqual(want);

    // `evolab reproduce` reruns it the same way (replaying the person's choices) and finds every metric exact.
    const reproduced = await finish(start(['reproduce', runId, '--json', '--workspace', ws], env()));
    expect(reproduced.code, reproduced.stdout + reproduced.stderr).toBe(0);
    expect(JSON.parse(reproduced.stdout.trim().split('\n').at(-1)!)).toMatchObject({ runId, status: 'completed', exact: true });
  }, 240_000);
});
