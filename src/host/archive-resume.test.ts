/**
 * An archive run killed with SIGKILL mid-search resumes from its last checkpoint to the same archive and the same
 * metrics as an uninterrupted run: the tree, every node's evaluations and verdicts, one proposal per child (a step
 * redone after the kill reuses its child's proposal), and an intact audit chain. For the text archive and for
 * archives of game agents (SPIRAL on TicTacToe, DGM and HGM, scored by win rate).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveGet } from '../engine/evolution/requests';
import { Store } from '../engine/store/store';
import { finishCli as finish, startCli as start } from './cli-process';
import { runSnapshot } from './run-snapshot';

// Short warm-ups and budgets: the test is about the kill, not the search's quality.
const CASES: Array<{ preset: string; config: object }> = [
  { preset: 'addition-archive-smoke', config: { warmup: { steps: 300 }, archive: { budget: 500, stagedFloor: 0.2 } } },
  { preset: 'tictactoe-dgm-smoke', config: { archive: { budget: 1500 } } },
  { preset: 'tictactoe-hgm-smoke', config: { archive: { budget: 1500 } } },
];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-archive-kill-'));
  for (const c of CASES) fs.writeFileSync(path.join(tmp, `${c.preset}.json`), JSON.stringify(c.config));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const runArgs = (preset: string, ws: string) => [
  'run',
  '--preset',
  preset,
  '--config',
  path.join(tmp, `${preset}.json`),
  '--policy',
  'archive',
  '--json',
  '--workspace',
  ws,
];

describe.each(CASES.map((c) => c.preset))('%s across SIGKILL', (preset) => {
  it('resumes to the same archive and metrics as an uninterrupted run', async () => {
    const wsRef = path.join(tmp, `${preset}-reference`);
    const ref = await finish(start(runArgs(preset, wsRef)));
    expect(ref.code, ref.stderr).toBe(0);
    const refRun = JSON.parse(ref.stdout.trim().split('\n').at(-1)!) as { runId: string; status: string };
    expect(refRun.status).toBe('completed');
    const expected = runSnapshot(wsRef, refRun.runId);
    expect(expected.archive!.length).toBeGreaterThan(3);

    const ws = path.join(tmp, `${preset}-killed`);
    const child = start(runArgs(preset, ws));
    let steps = 0;
    const killed = await finish(child, (line) => {
      if (line.includes('"event":"iteration"') && ++steps === 3) child.kill('SIGKILL');
    });
    expect(killed.signal).toBe('SIGKILL');
    const store = Store.open(ws);
    const [run] = store.listRuns();
    expect(run.status).toBe('interrupted');
    const before = archiveGet(store, run.id);
    store.close();
    expect(before.nodes.length).toBeGreaterThanOrEqual(2);
    expect(before.nodes.length).toBeLessThan(expected.archive!.length);

    const resumed = await finish(start(['resume', run.id, '--json', '--workspace', ws]));
    expect(resumed.code, resumed.stderr).toBe(0);
    // It continued after the last committed step rather than starting over.
    const firstResumed = JSON.parse(resumed.stdout.split('\n').find((l) => l.includes('"event":"iteration"'))!) as { iteration: number };
    expect(firstResumed.iteration).toBeGreaterThanOrEqual(3);
    const got = runSnapshot(ws, run.id);
    expect(got.archive).toEqual(expected.archive);
    expect(got.metrics).toEqual(expected.metrics);
    // One proposal per child: a step redone after the kill reused its child's proposal.
    expect(got.proposals).toEqual(expected.proposals);
    expect(got.proposals.length).toBe(expected.archive!.length - 1);
    expect(got.audit.ok).toBe(true);
  }, 400_000);
});
