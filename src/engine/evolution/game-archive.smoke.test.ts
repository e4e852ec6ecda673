/**
 * Archives of game agents end to end in the engine: the DGM and HGM smoke searches over SPIRAL agents on TicTacToe,
 * and DGM's on Kuhn Poker, grow a tree whose node score is the win rate against a random mover on the search set; the
 * best node's win rate is recorded and the final agent is judged on the held-out evaluation games; every child is a
 * proposal through the gate with the game's evidence and an audit trail; a child's change is one of SPIRAL's knobs;
 * no tensor leaks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArchiveView } from '../../shared/archive';
import { RunConfig } from '../../shared/config';
import { findPreset } from '../../shared/presets';
import { EngineService } from '../service';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const SPIRAL_PATHS = ['workflow.learningRate', 'workflow.recipe.entropyCoef', 'workflow.recipe.baselineDecay', 'workflow.recipe.gamesPerIteration'];

describe.each([
  ['tictactoe-dgm-smoke', 'tictactoe'],
  ['tictactoe-hgm-smoke', 'tictactoe'],
  ['kuhn-poker-dgm-smoke', 'kuhn_poker'],
])('%s', (preset, game) => {
  it('grows an archive scored by win rate, every child gated and audited, no tensor leaked', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-game-archive-'));
    dirs.push(ws);
    const service = new EngineService({ workspace: ws, emit: () => {} });
    const runId = service.start({ preset, policy: 'archive' });
    expect(await service.waitForRun(runId)).toBe('completed');
    const view = (await service.handle('archive.get', { runId })) as ArchiveView;
    const store = service.store;
    const first = store.iterationMetrics(runId, 0);
    const last = store.lastMetrics(runId)!;
    const config = RunConfig.parse(findPreset(preset)!.config);

    // The archive grew over generations and spent its budget.
    expect(view.nodes.length).toBeGreaterThan(5);
    expect(Math.max(...view.nodes.map((n) => n.generation))).toBeGreaterThanOrEqual(2);
    expect(last['archive/budget_used']).toBeGreaterThanOrEqual(config.archive.budget);
    // The root's score is its win rate on the search set: 64 episodes against a random mover, all of them played.
    const root = view.nodes.find((n) => n.parentId === null)!;
    expect(root.successes + root.failures).toBe(config.archive.poolSize);
    expect(root.score).toBeCloseTo(root.successes / config.archive.poolSize, 12);
    // The best node's win rate is recorded, and it is a kept node's score; the final agent's held-out win rate is the
    // evaluation games' (the same number the run's own evaluation reports).
    const best = view.nodes.find((n) => n.id === view.bestNodeId)!;
    expect(best.status).toBe('kept');
    expect(last['archive/best_score']).toBeCloseTo(best.score!, 12);
    expect(last['archive/best_score']).toBeGreaterThanOrEqual(root.score!);
    expect(last['archive/final_heldout']).toBeCloseTo(last['eval/success_rate']!, 12);
    expect(first['archive/root_heldout']).toBeCloseTo(first['eval/success_rate']!, 12);
    // No tensor leaked across the search.
    expect(last['mem/tensors']).toBe(first['mem/tensors']);

    let knobChildren = 0;
    for (const node of view.nodes) {
      if (node.parentId === null) continue;
      // Every child is a proposal through the gate, with its verdict on the node and its trail in the audit log.
      const p = store.oversight.requireProposal(node.proposalId!);
      expect(p.checkpoint).toBe(`runs/${runId}/nodes/${node.id}.ckpt`);
      const trail = store.oversight
        .auditEntries(runId)
        .filter((e) => e.proposalId === p.id)
        .map((e) => `${e.actor}:${e.action}`);
      expect(trail.slice(0, 2)).toEqual(['agent:proposed', `gate:${p.gate.action}`]);
      expect(node.status).toBe(p.status === 'applied' ? 'kept' : p.status === 'pending' ? 'pending' : 'rejected');
      // The evidence: win rate before/after on the same search-set episodes with intervals, the game monitors, and
      // what does not apply to a game agent.
      const { before, after } = p.evidence.heldout;
      expect(before.n).toBe(after.n);
      expect(after.n).toBeGreaterThan(0);
      expect(after.lo).toBeLessThanOrEqual(after.value);
      expect(after.hi).toBeGreaterThanOrEqual(after.value);
      expect(after.n).toBeLessThanOrEqual(node.successes + node.failures);
      expect(p.evidence.monitors?.map((m) => m.name)).toContain(`game/${game}_win_rate_vs_random`);
      expect(p.evidence.notApplicable?.map((n) => n.check)).toContain('exploration-collapse');
      expect(p.evidence.rewardedWrong).toBeUndefined();
      // The child's change is SPIRAL's knobs (or none), and its weights.
      const paths = p.changes.map((c) => c.path).filter((x) => x !== 'model.weights');
      for (const x of paths) expect(SPIRAL_PATHS).toContain(x);
      if (paths.length > 0) knobChildren++;
    }
    expect(knobChildren).toBeGreaterThan(0);
    expect(store.oversight.verifyAudit(runId).ok).toBe(true);
    console.log(
      `${preset}: ${view.nodes.length} nodes, best ${view.bestNodeId} win rate ${last['archive/best_score']} (root ${root.score}); final held-out ${last['archive/final_heldout']} (root ${first['archive/root_heldout']})`,
    );
    await service.close();
  }, 300_000);
});
