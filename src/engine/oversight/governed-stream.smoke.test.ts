/**
 * A governed classifier run end to end in the engine (shift-governed-smoke, a generated 10-class stream with label
 * swaps): the knob proposer proposes each round, every proposal passes the same gate as a text run's under the
 * unattended auto policy (what would wait for a person is rejected), approved knob moves are applied and show in
 * the learning-rate trace, no tensor outlives a round, and the same seed gives the same metrics and proposals.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/errors';
import { LR_ETA, LR_ETA_MEAN, MEM_TENSORS } from '../../shared/metrics';
import { POLICY_PRESETS } from '../../shared/oversight';
import { EngineService } from '../service';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// The batch policy: auto, and what would be held for a person (round 1's unchecked weights, a regressing move) is rejected.
const POLICY = POLICY_PRESETS.batch;
const NOT_REPLAYED = /^(time|perf|mem)\//;

async function governedRun(config: Record<string, unknown>, policy: unknown = POLICY) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-governed-stream-'));
  dirs.push(ws);
  const service = new EngineService({ workspace: ws, emit: () => undefined });
  const { runId } = (await service.handle('runs.start', { preset: 'shift-governed-smoke', config: { backend: 'wasm', ...config }, policy })) as {
    runId: string;
  };
  return { service, runId, ws };
}

function rows(service: EngineService, runId: string, iterations: number) {
  return Array.from({ length: iterations + 1 }, (_, i) => service.store.iterationMetrics(runId, i)!);
}

describe('a governed classifier run (shift-governed-smoke)', () => {
  it('proposes knob moves that the gate approves or rejects; approved rate changes set the rate; no tensor leaks; replays from its seed', async () => {
    const results = [];
    for (let run = 0; run < 2; run++) {
      const { service, runId } = await governedRun({ iterations: 6 });
      try {
        expect(await service.waitForRun(runId)).toBe('completed');
        const proposals = service.store.oversight.listProposals({ runId, limit: 1000 });
        const metrics = rows(service, runId, 6);
        results.push({ proposals, metrics, genome: service.store.oversight.genome(runId)!, audit: service.store.oversight.verifyAudit(runId) });
        // Each round keeps the confusion matrix of its evaluation, for the Trajectories view.
        const items = service.store.trajectories({ runId, limit: 100 }).items;
        expect(new Set(items.filter((t) => t.episode?.kind === 'confusion').map((t) => t.iteration))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
      } finally {
        await service.close();
      }
    }
    const [a, b] = results;
    const knobs = a!.proposals.filter((p) => p.pathway !== 'model');
    expect(knobs.length).toBeGreaterThanOrEqual(6);
    expect(new Set(knobs.map((p) => p.kind)).size).toBeGreaterThanOrEqual(2);
    expect(a!.proposals.filter((p) => p.status === 'applied').length).toBeGreaterThan(0);
    expect(a!.proposals.filter((p) => p.status === 'rejected').length).toBeGreaterThan(0);
    // Every knob proposal was tried, so its evidence is the classifier's: validation accuracy on the 500 examples, the
    // shift monitors, training accuracy as its reward, and exploration collapse named as not applicable.
    for (const p of knobs) {
      expect(p.evidence.heldout.after.n).toBe(500);
      expect(p.evidence.monitors!.map((m) => m.name)).toContain('shift/acc_after');
      expect(p.evidence.training.rewardAfter).not.toBeNull();
      expect(p.evidence.notApplicable!.map((n) => n.check)).toEqual(['exploration-collapse']);
      expect(p.evidence.unchecked!.map((u) => u.check)).not.toContain('exploration-collapse');
    }
    // The genome's rate is the last applied rate move's.
    const rateMoves = a!.proposals.filter((p) => p.status === 'applied' && p.changes.some((c) => c.path === 'workflow.recipe.learningRate'));
    expect(rateMoves.length).toBeGreaterThan(0);
    const lastMove = rateMoves.sort((x, y) => x.iteration - y.iteration).at(-1)!;
    expect((a!.genome.workflow.recipe as { learningRate: number }).learningRate).toBe(lastMove.changes[0]!.after);
    // Tensors: the same count after every round (the forks are freed).
    expect(new Set(a!.metrics.slice(1).map((m) => m[MEM_TENSORS])).size).toBe(1);
    expect(a!.audit.ok).toBe(true);
    // Deterministic: the same proposals, decisions and metrics from the same seed.
    const strip = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => !NOT_REPLAYED.test(k)));
    expect(b!.metrics.map(strip)).toEqual(a!.metrics.map(strip));
    expect(b!.proposals.map((p) => [p.kind, p.status, p.changes])).toEqual(a!.proposals.map((p) => [p.kind, p.status, p.changes]));
  }, 300_000);

  it('with the constant-rate learner an approved rate move is the rate of every minibatch of the next round', async () => {
    const { service, runId } = await governedRun({ iterations: 4, recipe: { kind: 'constant-lr', batchesPerIteration: 50, learningRate: 0.01 } });
    try {
      expect(await service.waitForRun(runId)).toBe('completed');
      const metrics = rows(service, runId, 4);
      const applied = service.store.oversight
        .listProposals({ runId, status: 'applied' })
        .filter((p) => p.changes.some((c) => c.path === 'workflow.recipe.learningRate'));
      expect(applied.length).toBeGreaterThan(0);
      for (const p of applied.filter((q) => q.iteration < 4)) {
        const next = metrics[p.iteration + 1]!;
        expect(next[LR_ETA]).toBe(p.changes[0]!.after);
        expect(next[LR_ETA_MEAN]).toBeCloseTo(p.changes[0]!.after as number, 12);
      }
      expect(new Set(metrics.slice(1).map((m) => m[LR_ETA])).size).toBeGreaterThan(1);
    } finally {
      await service.close();
    }
  }, 300_000);

  it('without the gate (the ablation) the learner applies every move that raised its training accuracy', async () => {
    const { service, runId } = await governedRun({ iterations: 3, oversight: { enabled: true, gate: false } });
    try {
      expect(await service.waitForRun(runId)).toBe('completed');
      const knobs = service.store.oversight.listProposals({ runId, limit: 100 }).filter((p) => p.pathway !== 'model');
      expect(knobs.length).toBeGreaterThan(0);
      for (const p of knobs) {
        const rose = p.evidence.training.rewardAfter! >= p.evidence.training.rewardBefore!;
        expect(p.gate.action).toBe('ungated');
        expect(p.status).toBe(rose ? 'applied' : 'rejected');
      }
    } finally {
      await service.close();
    }
  }, 300_000);

  it('an edit to a knob outside its bounds, or to a field that is not a knob, is refused naming the field; one within bounds is taken', async () => {
    const { service, runId } = await governedRun({ iterations: 2 }, { ...POLICY_PRESETS.ask });
    try {
      const deadline = Date.now() + 120_000;
      let pending = service.store.oversight.listProposals({ runId, status: 'pending' }).filter((p) => p.pathway !== 'model');
      while (pending.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        pending = service.store.oversight.listProposals({ runId, status: 'pending' }).filter((p) => p.pathway !== 'model');
      }
      const p = pending[0]!;
      const edit = (changes: unknown) => service.handle('proposals.decide', { id: p.id, decision: 'edit', changes, actor: 'tester' });
      const refused = async (changes: unknown) => {
        const error = await edit(changes).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(CodedError);
        return (error as CodedError).issues.map((i) => i.path);
      };
      expect(await refused([{ path: 'workflow.recipe.learningRate', before: 0.01, after: 5 }])).toEqual(['changes.workflow.recipe.learningRate']);
      expect(await refused([{ path: 'workflow.recipe.replay', before: 0, after: 1e6 }])).toEqual(['changes.workflow.recipe.replay']);
      expect(await refused([{ path: 'workflow.recipe.batchSize', before: 10, after: 20 }])).toEqual(['changes.workflow.recipe.batchSize']);
      // The data, labels and validation examples are the task's: protected, outside the agent.
      expect(await refused([{ path: 'task.swapsPerEpoch', before: 5, after: 0 }])).toEqual(['changes.task.swapsPerEpoch']);
      expect(service.store.oversight.requireProposal(p.id).status).toBe('pending');
      // A value within bounds is taken: its child is re-run from the current agent and the proposal approved with it.
      const path = p.changes[0]!.path;
      const value = path === 'workflow.recipe.replay' ? 30 : 0.015;
      const edited = (await edit([{ path, before: p.changes[0]!.before, after: value }])) as {
        status: string;
        changes: unknown[];
        evidence: { heldout: { after: { n: number } } };
      };
      expect(edited.status).toBe('approved');
      expect(edited.changes).toEqual([{ path, before: p.changes[0]!.before, after: value }]);
      expect(edited.evidence.heldout.after.n).toBe(500);
      await service.handle('runs.stop', { runId });
    } finally {
      await service.close();
    }
  }, 300_000);
});
