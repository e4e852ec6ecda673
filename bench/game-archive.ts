/**
 * The game archive's results table: runs archive presets of game agents (DGM and HGM searches over SPIRAL agents on
 * TicTacToe) at several seeds, one after another through the engine (the gate and the audit log as in the app, the
 * "archive" approval policy), on the WASM backend, and prints a Markdown table: for each preset, the mean over the
 * seeds with a 95% interval (Student t) and the per-seed values of the best node's win rate on the search set, the
 * final agent's held-out win rate against the random mover (and the root's), the archive's size, kept nodes and depth.
 *
 *   node --import tsx bench/game-archive.ts --presets tictactoe-dgm,tictactoe-hgm --seeds 1,2,3
 *
 * `--budget N` changes every run's archive budget; `--out file.json` keeps every run's numbers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineService } from '../src/engine/service';
import type { ArchiveView } from '../src/shared/archive';
import { arg, interval } from './cli';

const presetIds = arg('presets', 'tictactoe-dgm,tictactoe-hgm').split(',');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const budget = arg('budget', '');
const out = arg('out', '');

const ROWS: Array<{ key: string; label: string; digits: number }> = [
  { key: 'root_heldout', label: "root's held-out win rate vs random", digits: 3 },
  { key: 'best_score', label: "best node's search-set win rate", digits: 3 },
  { key: 'best_evaluations', label: "best node's search-set episodes", digits: 1 },
  { key: 'final_heldout', label: "final agent's held-out win rate vs random", digits: 3 },
  { key: 'size', label: 'archive size (nodes)', digits: 1 },
  { key: 'kept', label: 'kept nodes', digits: 1 },
  { key: 'max_generation', label: 'deepest generation', digits: 1 },
];

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-game-archive-bench-'));
const service = new EngineService({ workspace, emit: () => {} });
const results: Record<string, Array<Record<string, number>>> = {};
try {
  for (const preset of presetIds) {
    results[preset] = [];
    for (const seed of seeds) {
      const t0 = performance.now();
      const config = { seed, backend: 'wasm' as const, ...(budget ? { archive: { budget: Number(budget) } } : {}) };
      const runId = service.start({ preset, config, policy: 'archive' });
      const status = await service.waitForRun(runId);
      if (status !== 'completed') throw new Error(`${preset} seed ${seed}: the run ended ${status}`);
      const view = (await service.handle('archive.get', { runId })) as ArchiveView;
      const first = service.store.iterationMetrics(runId, 0);
      const last = service.store.lastMetrics(runId)!;
      const best = view.nodes.find((n) => n.id === view.bestNodeId)!;
      results[preset].push({
        root_heldout: first['archive/root_heldout']!,
        best_score: last['archive/best_score']!,
        best_evaluations: best.successes + best.failures,
        final_heldout: last['archive/final_heldout']!,
        size: view.nodes.length,
        kept: view.nodes.filter((n) => n.status === 'kept').length,
        max_generation: Math.max(...view.nodes.map((n) => n.generation)),
      });
      console.error(`${preset} seed ${seed}: ${view.nodes.length} nodes, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      if (out) fs.writeFileSync(out, JSON.stringify({ presets: presetIds, seeds, results }, null, 1));
    }
  }
} finally {
  await service.close();
  fs.rmSync(workspace, { recursive: true, force: true });
}

console.log(`\n(mean [95% CI] over seeds ${seeds.join(', ')}; per seed)\n`);
console.log(`| | ${presetIds.join(' | ')} |`);
console.log(`|---|${presetIds.map(() => '---').join('|')}|`);
for (const row of ROWS) {
  const cells = presetIds.map((id) => {
    const xs = results[id]!.map((r) => r[row.key]!);
    return `${interval(xs, { digits: row.digits })} (${xs.map((x) => (row.digits === 1 ? String(x) : x.toFixed(2))).join(' ')})`;
  });
  console.log(`| ${row.label} | ${cells.join(' | ')} |`);
}
