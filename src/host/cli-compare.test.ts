import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveView } from '../shared/archive';
import { findPreset } from '../shared/presets';
import { archiveGet } from '../engine/evolution/requests';
import { Store } from '../engine/store/store';
import { main } from './cli';
import { finishCli, runCli as cli, startCli } from './cli-process';

/** `evolab compare` and `evolab archive`: argument errors in process, one real comparison as a separate process. */
const BUDGET = 300;
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-cli-compare-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function inProcess(args: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (line) => (stdout += `${line}\n`), err: (text) => (stderr += text), tty: false });
  return { code, stdout, stderr };
}

function withStore<T>(workspace: string, fn: (store: Store) => T): T {
  const store = Store.open(workspace);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

describe('evolab compare: arguments', () => {
  const ws = () => ['--workspace', path.join(tmp, 'args')];

  it('names the four strategies when one is unknown (usage error, exit 2)', async () => {
    const r = await inProcess(['compare', '--preset', 'addition-archive-smoke', '--strategies', 'dgm,darwin', ...ws()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown strategy "darwin"');
    expect(r.stderr).toContain('dgm, hgm, no-darwin, no-selfimprove');
  });

  it('asks for --strategies when it is missing', async () => {
    const r = await inProcess(['compare', '--preset', 'addition-archive-smoke', ...ws()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--strategies');
  });

  it('refuses a preset that is not an archive preset, naming --preset and the archive presets', async () => {
    const r = await inProcess(['compare', '--preset', 'addition-star-smoke', '--strategies', 'dgm', ...ws()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--preset addition-star-smoke is not an archive preset');
    expect(r.stderr).toContain('addition-archive, addition-archive-smoke');
  });

  it('refuses a budget that is not a positive whole number or is too large', async () => {
    for (const bad of ['0', '-5', '1.5', 'lots', '20000000']) {
      const r = await inProcess(['compare', '--preset', 'addition-archive-smoke', '--strategies', 'dgm', '--budget', bad, ...ws()]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toContain('--budget');
    }
  });

  it('refuses an unknown policy, naming --policy', async () => {
    const r = await inProcess([
      'compare',
      '--preset',
      'addition-archive-smoke',
      '--strategies',
      'dgm',
      '--policy',
      path.join(tmp, 'no-such-policy.json'),
      ...ws(),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--policy');
  });

  it('started no run for any of the bad invocations', () => {
    expect(withStore(path.join(tmp, 'args'), (store) => store.listRuns())).toEqual([]);
  });
});

describe('evolab archive: arguments', () => {
  it("passes on the engine's error for a run that is not an archive run", async () => {
    const ws = path.join(tmp, 'plain');
    const runId = withStore(ws, (store) => store.createRun(findPreset('addition-star-smoke')!.config).id);
    const r = await inProcess(['archive', runId, '--workspace', ws]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Run ${runId} is not an archive run`);
  });

  it('asks for a run id', async () => {
    const r = await inProcess(['archive', '--workspace', path.join(tmp, 'plain')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('evolab runs');
  });
});

interface CompareJson {
  comparison: string;
  seed: number;
  preset: string;
  policy: string;
  runs: Array<{
    strategy: string;
    runId: string;
    status: string;
    metrics: Record<string, number>;
    rootHeldout: number | null;
    curve: Array<[number, number]>;
    seconds: number;
  }>;
}

/** Each run's stored metrics by strategy, less those that measure the machine (time, throughput, memory). */
function metricsByStrategy(workspace: string, report: CompareJson): Record<string, Array<Record<string, number>>> {
  return withStore(workspace, (store) =>
    Object.fromEntries(
      report.runs.map((run) => [
        run.strategy,
        store
          .iterationNumbers(run.runId)
          .map((i) => Object.fromEntries(Object.entries(store.iterationMetrics(run.runId, i)).filter(([k]) => !/^(perf|time|mem)\//.test(k)))),
      ]),
    ),
  );
}

describe('evolab compare end to end', () => {
  it('runs dgm then hgm from the same initial agent, and archive shows each tree', { timeout: 180_000 }, async () => {
    const ws = path.join(tmp, 'compare');
    const args = ['compare', '--preset', 'addition-archive-smoke', '--strategies', 'dgm,hgm', '--budget', String(BUDGET), '--json'];
    const r = await cli([...args, '--parallel', '2', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    // Nothing but the one JSON object on stdout.
    const lines = r.stdout.split('\n').filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]) as CompareJson;
    expect(report).toMatchObject({ preset: 'addition-archive-smoke', policy: 'archive', seed: findPreset('addition-archive-smoke')!.config.seed });
    expect(report.comparison).toMatch(/^cmp-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(report.runs.map((run) => [run.strategy, run.status])).toEqual([
      ['dgm', 'completed'],
      ['hgm', 'completed'],
    ]);
    const [first, second] = report.runs;

    withStore(ws, (store) => {
      const configs = report.runs.map((run) => store.runConfig(run.runId));
      expect(configs[0].startFrom).toBeUndefined();
      expect(configs[1].startFrom).toEqual({ runId: first.runId, nodeId: 'n0' });
      for (const [i, config] of configs.entries()) {
        expect(config.archive).toMatchObject({ enabled: true, strategy: report.runs[i].strategy, comparison: report.comparison, budget: BUDGET });
        expect(config.seed).toBe(report.seed);
        expect(store.requireRun(report.runs[i].runId).archive).toEqual({ strategy: report.runs[i].strategy, comparison: report.comparison });
      }
      // The same initial agent: the same held-out accuracy at iteration 0, as reported.
      const roots = report.runs.map((run) => store.iterationMetrics(run.runId, 0)['archive/root_heldout']);
      expect(roots[0]).toBeTypeOf('number');
      expect(roots[1]).toBe(roots[0]);
      expect(report.runs.map((run) => run.rootHeldout)).toEqual(roots);
    });

    for (const run of report.runs) {
      expect(run.curve.length, run.strategy).toBeGreaterThan(1);
      for (let i = 1; i < run.curve.length; i++) expect(run.curve[i][0], `${run.strategy} step ${i}`).toBeGreaterThanOrEqual(run.curve[i - 1][0]);
      expect(run.curve.at(-1)![0], run.strategy).toBeGreaterThanOrEqual(BUDGET);
      expect(run.metrics['archive/budget_used']).toBe(run.curve.at(-1)![0]);
    }

    const shown = await cli(['archive', second.runId, '--json', '--workspace', ws]);
    expect(shown.code, shown.stderr).toBe(0);
    const view = ArchiveView.parse(JSON.parse(shown.stdout));
    expect(view).toMatchObject({ runId: second.runId, strategy: 'hgm' });
    const ids = new Set(view.nodes.map((n) => n.id));
    expect(view.nodes.find((n) => n.id === 'n0')).toMatchObject({ kind: 'branch', parentId: null });
    expect(view.nodes.length).toBeGreaterThan(1);
    for (const node of view.nodes.filter((n) => n.id !== 'n0')) expect(ids.has(node.parentId ?? ''), `${node.id}'s parent ${node.parentId}`).toBe(true);
    expect(view.bestNodeId !== null && ids.has(view.bestNodeId)).toBe(true);

    const text = await cli(['archive', first.runId, '--workspace', ws]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ {2}n0 {2}root {2}kept/m);
    expect(text.stdout).toContain(`Budget: ${first.metrics['archive/budget_used']}/${BUDGET}`);

    // Side by side (above: hgm started once dgm's n0 was stored) gives the metrics of one after another in process.
    expect(r.stderr).toContain('2 runs at a time');
    expect(r.stderr).toContain(`[2/2] hgm: started from node n0 of ${first.runId}`);
    const wsSerial = path.join(tmp, 'compare-serial');
    const serial = await cli([...args, '--parallel', '1', '--workspace', wsSerial]);
    expect(serial.code, serial.stderr).toBe(0);
    const serialReport = JSON.parse(serial.stdout.trim()) as CompareJson;
    expect(serial.stderr).not.toContain('runs at a time');
    expect(metricsByStrategy(wsSerial, serialReport)).toEqual(metricsByStrategy(ws, report));
  });
});

describe('evolab compare side by side: Ctrl-C', () => {
  it('stops every running run at its next step, starts no more, and each resumes', { timeout: 300_000 }, async () => {
    const ws = path.join(tmp, 'compare-sigint');
    const child = startCli([
      'compare',
      '--preset',
      'addition-archive-smoke',
      '--strategies',
      'dgm,hgm,no-darwin',
      '--budget',
      String(BUDGET),
      '--parallel',
      '2',
      '--workspace',
      ws,
    ]);
    let sent = false;
    let second = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('[2/3] hgm: started')) second = true;
    });
    // Once the second run has committed its first step beside the first, both are running: interrupt then.
    const poll = setInterval(() => {
      if (sent || !second || !fs.existsSync(path.join(ws, 'evolab.db'))) return;
      const running = withStore(ws, (store) => store.listRuns().filter((run) => store.iterationNumbers(run.id).length > 0).length);
      if (running === 2) {
        sent = true;
        child.kill('SIGINT');
      }
    }, 100);
    const r = await finishCli(child);
    clearInterval(poll);
    expect(sent, r.stderr).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('Stopping the running runs at their next step on SIGINT');
    expect(r.stderr).not.toContain('no-darwin: started');
    const runs = withStore(ws, (store) => store.listRuns().map((run) => ({ id: run.id, status: run.status })));
    expect(runs).toHaveLength(2);
    // The first may have finished its short search before the signal reached it; the second was stopped.
    for (const run of runs) expect(['stopped', 'completed'], run.id).toContain(run.status);
    expect(runs.some((run) => run.status === 'stopped')).toBe(true);
    for (const run of runs.filter((x) => x.status === 'stopped')) {
      expect(r.stderr).toContain(`Continue it with: evolab resume ${run.id}`);
      const resumed = await cli(['resume', run.id, '--json', '--workspace', ws]);
      expect(resumed.code, resumed.stderr).toBe(0);
    }
    expect(withStore(ws, (store) => store.listRuns().map((run) => run.status))).toEqual(['completed', 'completed']);
  });
});

describe('evolab compare of game agents', () => {
  it("starts every strategy from the seed's initial agent, with no branch (a game run has none)", { timeout: 180_000 }, async () => {
    const ws = path.join(tmp, 'compare-games');
    const r = await cli(['compare', '--preset', 'tictactoe-dgm-smoke', '--strategies', 'dgm,hgm', '--budget', '600', '--json', '--workspace', ws]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as CompareJson;
    expect(report.runs.map((run) => [run.strategy, run.status])).toEqual([
      ['dgm', 'completed'],
      ['hgm', 'completed'],
    ]);
    expect(r.stderr).toContain("started from the seed's initial agent");
    withStore(ws, (store) => {
      for (const run of report.runs) expect(store.runConfig(run.runId).startFrom).toBeUndefined();
      // The same initial agent: the same held-out win rate and the same search-set outcomes at the root.
      const roots = report.runs.map((run) => store.iterationMetrics(run.runId, 0)['archive/root_heldout']);
      expect(roots[1]).toBe(roots[0]);
      const rootOutcomes = report.runs.map((run) => {
        const root = archiveGet(store, run.runId).nodes.find((node) => node.id === 'n0')!;
        return [root.successes, root.failures];
      });
      expect(rootOutcomes[1]).toEqual(rootOutcomes[0]);
    });
  });

  it('runs every seed of --seeds side by side, with the metrics of one comparison after another', { timeout: 180_000 }, async () => {
    type SeedsJson = { seeds: number[]; comparisons: CompareJson[]; groups: Array<{ label: string; runs: Array<{ seed: number; status: string }> }> };
    const args = ['compare', '--preset', 'tictactoe-dgm-smoke', '--strategies', 'dgm,hgm', '--budget', '400', '--seeds', '1,2', '--json'];
    const results: Array<{ ws: string; report: SeedsJson }> = [];
    for (const parallel of ['3', '1']) {
      const ws = path.join(tmp, `compare-seeds-${parallel}`);
      const r = await cli([...args, '--parallel', parallel, '--workspace', ws]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout.trim()) as SeedsJson;
      expect(report.comparisons.map((c) => c.seed)).toEqual([1, 2]);
      expect(report.groups.map((g) => [g.label, g.runs.map((x) => [x.seed, x.status])])).toEqual([
        [
          'dgm',
          [
            [1, 'completed'],
            [2, 'completed'],
          ],
        ],
        [
          'hgm',
          [
            [1, 'completed'],
            [2, 'completed'],
          ],
        ],
      ]);
      if (parallel === '3') expect(r.stderr).toContain('seed 2 [1/2] dgm: started');
      results.push({ ws, report });
    }
    const [side, serial] = results;
    for (const i of [0, 1]) {
      expect(metricsByStrategy(side.ws, side.report.comparisons[i])).toEqual(metricsByStrategy(serial.ws, serial.report.comparisons[i]));
    }
  });
});
