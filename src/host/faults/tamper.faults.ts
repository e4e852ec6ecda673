/**
 * Fault injection: audit-log tampering. A workspace with a governed run's proposals and decisions (made through
 * the store, as the oversight loop makes them) is copied, and each copy is tampered with the way someone holding
 * the workspace folder but not the audit key could: truncating the log, deleting a run's entries, flipping a
 * decision, stripping a flag from evidence, rewriting the chain with recomputed hashes (no MACs, or MACs made with
 * another key), deleting or editing the head file, editing an entry's reason or actor. Each copy is checked with
 * `evolab audit <run>` in its own process, the path a person uses, and must exit 1 naming the problem.
 * Untampered copies must verify: as built, after a simulated kill between a commit and its head write, and after
 * real SIGKILLs of a writer process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_KEY_ENV } from '../../engine/store/audit-key';
import { HEAD_FILE } from '../../engine/store/audit-head';
import { Store } from '../../engine/store/store';
import { buildGovernedWorkspace, TAMPER_CASES, type GovernedWorkspace } from '../../engine/store/test-fixtures/audit-tamper';
import { makeRun } from '../../engine/store/test-fixtures/oversight-fixture';
import { finishCli, repoRoot, runCli } from '../cli-process';
import { recordFaults } from './report';

const scale = Math.max(1, Number(process.env.FAULTS_SCALE ?? 1) || 1);
let tmp: string;
const previousKey = process.env[AUDIT_KEY_ENV];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-faults-tamper-'));
  process.env[AUDIT_KEY_ENV] = path.join(tmp, 'config', 'audit-key');
});
afterAll(() => {
  if (previousKey === undefined) delete process.env[AUDIT_KEY_ENV];
  else process.env[AUDIT_KEY_ENV] = previousKey;
  fs.rmSync(tmp, { recursive: true, force: true });
});

let copies = 0;
function copyOf(golden: string): string {
  const dir = path.join(tmp, `copy-${++copies}`);
  fs.cpSync(golden, dir, { recursive: true });
  return dir;
}

async function audit(dir: string, runId: string, env: Record<string, string> = {}) {
  if (Object.keys(env).length === 0) return runCli(['audit', runId, '--workspace', dir]);
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'evolab.js'), 'audit', runId, '--workspace', dir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EVOLAB_WORKSPACE: '', ...env },
  });
  return finishCli(child);
}

describe('tamper faults', () => {
  it('every tamper case is detected by evolab audit; untampered and crashed copies verify', async () => {
    const t0 = performance.now();
    let trials = 0;
    let undetected = 0;
    let falseAlarms = 0;
    const details: Record<string, unknown> = {};
    const missed: string[] = [];
    for (let round = 0; round < scale; round++) {
      const golden = path.join(tmp, `golden-${round}`);
      const w: GovernedWorkspace = buildGovernedWorkspace(golden);
      // Later rounds have longer logs: more decisions on the other run, interleaved seqs.
      if (round > 0) {
        const s = Store.open(golden);
        for (let i = 0; i < round * 5; i++)
          s.oversight.append({ runId: i % 2 ? w.runId : w.otherRunId, actor: 'engine', action: 'applied', reason: `filler ${i}` });
        s.close();
      }

      // Tampered copies: each must exit 1 and name what the case broke.
      for (const c of TAMPER_CASES) {
        const dir = copyOf(golden);
        c.apply(dir, w);
        const r = await audit(dir, w.runId);
        trials++;
        const e = c.expect;
        const named =
          'state' in e
            ? r.stderr.includes('cannot be verified')
            : r.stderr.includes(`  ${e.kind}`) && (!e.proposal || r.stderr.includes(w[e.proposal])) && (!e.field || r.stderr.includes(`field ${e.field}`));
        if (r.code !== 1 || !named) {
          undetected++;
          missed.push(`${c.name}: exit ${r.code}, ${r.stderr.trim().split('\n')[0] ?? ''}`);
        }
        details[c.name] = r.stderr.trim().split('\n').slice(0, 2).join(' / ');
      }

      // The key kept elsewhere: a keyed log without it is not passed.
      {
        const dir = copyOf(golden);
        const r = await audit(dir, w.runId, { [AUDIT_KEY_ENV]: path.join(tmp, 'no-key-here') });
        trials++;
        if (r.code !== 1 || !r.stderr.includes('cannot be verified')) {
          undetected++;
          missed.push(`key missing: exit ${r.code}`);
        }
      }

      // Untampered: as built.
      {
        const dir = copyOf(golden);
        const r = await audit(dir, w.runId);
        trials++;
        if (r.code !== 0 || !r.stdout.includes('Audit chain verified')) {
          falseAlarms++;
          missed.push(`clean copy: exit ${r.code}, ${r.stderr.trim()}`);
        }
      }

      // A kill between a commit and its head write: the entry committed, the head file one behind.
      {
        const dir = copyOf(golden);
        const before = fs.readFileSync(path.join(dir, HEAD_FILE));
        const s = Store.open(dir);
        s.oversight.decide(w.pending, 'approve', 'person:ada', null);
        s.oversight.settle(w.runId, [{ id: w.pending, status: 'applied', reason: 'after a crash' }]);
        s.close();
        fs.writeFileSync(path.join(dir, HEAD_FILE), before);
        const r = await audit(dir, w.runId);
        trials++;
        if (r.code !== 0) {
          falseAlarms++;
          missed.push(`crash between commit and head write: exit ${r.code}, ${r.stderr.trim()}`);
        }
      }
    }

    // Real kills: a writer appending and deciding in a tight loop, SIGKILLed at a random moment.
    const kills = 3 * scale;
    const writer = path.join(repoRoot, 'src', 'engine', 'store', 'test-fixtures', 'audit-writer.ts');
    for (let k = 0; k < kills; k++) {
      const dir = path.join(tmp, `kill-${k}`);
      const s = Store.open(dir);
      const runId = makeRun(s);
      s.close();
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, runId, 'append'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      const after = 5 + Math.floor(Math.random() * 60);
      let lines = 0;
      await finishCli(child, () => {
        if (++lines === after) child.kill('SIGKILL');
      });
      const r = await audit(dir, runId);
      trials++;
      if (r.code !== 0) {
        falseAlarms++;
        missed.push(`SIGKILL after ${after} lines: exit ${r.code}, ${r.stderr.trim()}`);
      }
    }

    recordFaults('tamper', {
      summary: `${TAMPER_CASES.length + 1} tamper cases per round (truncation, deleted run log, flipped decision, stripped flag, recomputed chains, head file deleted or edited, edited reason/actor, missing key) checked with evolab audit, plus clean, crashed and ${kills} SIGKILLed copies`,
      trials,
      failures: { undetected, falseAlarms },
      details: { rounds: scale, kills, seconds: Math.round((performance.now() - t0) / 1000), missed, firstLines: details },
    });
    expect(missed).toEqual([]);
  });
});
