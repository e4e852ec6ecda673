/**
 * The agent snapshot (core/agent.ts, core/snapshot.ts): a session forked on the device goes back to exactly the
 * state it was taken in, and the governed and archive loops that fork it every round hold no tensor past a round.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfig, type RunConfigInput } from '../shared/config';
import type { Metrics } from '../shared/run';
import { MEM_TENSORS } from '../shared/metrics';
import { EngineService } from './service';
import { Session, type SessionState } from './session';
import { initBackend, memoryInfo } from './tf';

const base: RunConfigInput = {
  seed: 7,
  backend: 'wasm',
  iterations: 2,
  task: { kind: 'arithmetic', warmupMaxDigits: 1, maxDigits: 2, heldoutPerLevel: 8 },
  policy: { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 12 },
  optim: { batchSize: 8, warmupSteps: 2 },
  warmup: { steps: 6 },
  recipe: { kind: 'star', promptsPerIteration: 4, samplesPerPrompt: 3, trainStepsPerIteration: 2, reward: 'verifier', balance: { enabled: false } },
};
// The stream's words read back unsigned once set (rng.ts keeps uint32 words; a fresh draw may read signed).
const unsigned = (state: SessionState): SessionState => ({ ...state, rng: state.rng.map((x, i) => (i < 4 ? x >>> 0 : x)) });
const replayable = (m: Metrics): Metrics => Object.fromEntries(Object.entries(m).filter(([k]) => !/^(time|perf|mem)\//.test(k)));
const dirs: string[] = [];

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('Session.snapshot / restore', () => {
  it('goes back to the exact agent it was taken from (weights, optimiser, reference, stream, recipe, genome), as often as asked', async () => {
    const s = await Session.create(RunConfig.parse(base));
    try {
      await s.warmup();
      await s.iterate(1);
      const state = s.getState();
      const snap = s.snapshot();
      const first = replayable((await s.iterate(2)).metrics);
      const after = s.getState();
      expect(after).not.toEqual(state);
      s.restore(snap);
      expect(s.getState()).toEqual(unsigned(state));
      expect(replayable((await s.iterate(2)).metrics)).toEqual(first);
      expect(s.getState()).toEqual(after);
      // Keeping the run's position: the parent's weights with the stream and step the round consumed.
      const position = s.position();
      s.restore(snap, position);
      expect(s.getState()).toEqual(unsigned({ ...state, ...position }));
      snap.dispose();
      snap.dispose(); // twice is harmless
    } finally {
      s.dispose();
    }
  });

  it('leaks no tensor: forking, training the child and going back, round after round', async () => {
    const s = await Session.create(RunConfig.parse(base));
    try {
      await s.warmup();
      const round = async (i: number) => {
        const snap = s.snapshot();
        try {
          await s.iterate(i, { evaluate: false });
          s.weightChange(snap);
          s.restore(snap);
        } finally {
          snap.dispose();
        }
      };
      await round(1);
      const tensors = memoryInfo().numTensors;
      for (let i = 2; i <= 4; i++) await round(i);
      expect(memoryInfo().numTensors).toBe(tensors);
    } finally {
      s.dispose();
    }
  });
});

async function tensorsPerIteration(config: RunConfigInput): Promise<{ series: number[]; leftOver: number; proposals: number }> {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-snapshot-'));
  dirs.push(ws);
  const before = memoryInfo().numTensors;
  const service = new EngineService({ workspace: ws, emit: () => {} });
  try {
    // The archive policy approves within bounds and never pauses: every round applies or keeps a child.
    const { runId } = (await service.handle('runs.start', { config, policy: 'archive' })) as { runId: string };
    expect(await service.waitForRun(runId)).toBe('completed');
    const series = service.store.iterationNumbers(runId).map((i) => service.store.iterationMetrics(runId, i)[MEM_TENSORS]!);
    const proposals = service.store.oversight.listProposals({ runId, limit: 100 }).length;
    return { series, leftOver: memoryInfo().numTensors - before, proposals };
  } finally {
    await service.close();
  }
}

describe('the loops that fork the agent hold no tensor past a round', () => {
  it("governed: tf.memory().numTensors after every round is the warm-up's, and nothing is left once the run ends", async () => {
    const { series, leftOver, proposals } = await tensorsPerIteration({ ...base, iterations: 4, oversight: { enabled: true } });
    expect(proposals).toBeGreaterThan(4);
    expect(series).toEqual(Array(5).fill(series[0]));
    expect(leftOver).toBe(0);
  });

  it('governed: an edit-and-approve re-runs its child from the current agent and gives every tensor back', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-snapshot-'));
    dirs.push(ws);
    const statuses: string[] = [];
    const service = new EngineService({
      workspace: ws,
      emit: (name, payload) => name === 'run.status' && statuses.push((payload as { status: string }).status),
    });
    try {
      // "ask" holds every proposal and pauses: the run waits after round 1 with the agent idle.
      const config = { ...base, iterations: 1, oversight: { enabled: true, maxProposalsPerRound: 3 } };
      const { runId } = (await service.handle('runs.start', { config, policy: 'ask' })) as { runId: string };
      for (let t = 0; !statuses.includes('waiting'); t++) {
        if (t > 600) throw new Error('the run never waited for a decision');
        await new Promise((r) => setTimeout(r, 100));
      }
      const pending = service.store.oversight.listProposals({ runId, status: 'pending' });
      const child = pending.find((p) => p.pathway !== 'model');
      expect(child, `a non-model proposal among ${pending.map((p) => p.kind).join(', ')}`).toBeDefined();
      const tensors = memoryInfo().numTensors;
      const learningRate = service.store.oversight.genome(runId)!.workflow.learningRate;
      const changes = [{ path: 'workflow.learningRate', before: learningRate, after: learningRate / 2 }];
      const edited = (await service.handle('proposals.decide', { id: child!.id, decision: 'edit', changes, reason: 'half the rate' })) as {
        status: string;
        evidence: { baseline: string };
      };
      expect(edited.status).toBe('approved');
      expect(edited.evidence.baseline).toMatch(/re-run from it/);
      expect(memoryInfo().numTensors).toBe(tensors);
      for (const p of service.store.oversight.listProposals({ runId, status: 'pending' })) {
        await service.handle('proposals.decide', { id: p.id, decision: 'reject', reason: 'not this time' });
      }
      expect(await service.waitForRun(runId)).toBe('completed');
      expect(service.store.oversight.genome(runId)!.workflow.learningRate).toBe(learningRate / 2);
    } finally {
      await service.close();
    }
  });

  it('archive: the same after every expansion', async () => {
    const archive = { enabled: true, strategy: 'dgm', budget: 400, expansionCost: 4, poolSize: 8, cheapTasks: 4, evalBatch: 4 } as const;
    const { series, leftOver } = await tensorsPerIteration({ ...base, iterations: 4, archive });
    expect(series).toEqual(Array(5).fill(series[0]));
    expect(leftOver).toBe(0);
  });
});
