import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../shared/config';
import { CodedError } from '../shared/errors';
import { TASK_FAMILY } from '../shared/families';
import { presets } from '../shared/presets';
import { FakeSession } from './fake-session';
import { WASM_LIMIT_BYTES, checkMemory, estimateMemory } from './memory-estimate';
import { checkContext, preflight, taskShape } from './preflight';
import { resolveRunConfig } from './run-setup';
import { EngineService } from './service';
import { createTask } from './tasks';

let dir: string;
let service: EngineService;
let events: Array<{ name: string; payload: unknown }>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-preflight-'));
  events = [];
  service = new EngineService({
    workspace: path.join(dir, 'ws'),
    emit: (name, payload) => events.push({ name, payload }),
    createSession: FakeSession.factory(),
    initBackend: async () => ({ active: 'cpu' }),
  });
});
afterEach(async () => {
  await service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function jsonl(name: string, lines: Array<Record<string, unknown>>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

const smoke = (over: Record<string, unknown>) => ({ preset: 'addition-star-smoke', config: over });

async function refused(request: unknown): Promise<CodedError> {
  try {
    await service.handle('runs.start', request);
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    return error as CodedError;
  }
  throw new Error('expected runs.start to refuse');
}

describe('runs.start refuses before the run exists', () => {
  it('refuses degenerate data, a context too short and a model too large, leaving no run behind', async () => {
    const empty = jsonl(
      'empty.jsonl',
      Array.from({ length: 50 }, (_, i) => ({ prompt: `q${i}`, answer: '' })),
    );
    const long = jsonl(
      'long.jsonl',
      Array.from({ length: 50 }, (_, i) => ({ prompt: `${'x'.repeat(60)}${i}=`, answer: String(i) })),
    );
    const errors = [
      await refused(smoke({ task: { kind: 'jsonl', path: empty } })),
      await refused(smoke({ task: { kind: 'jsonl', path: long }, policy: { contextLength: 32 } })),
      await refused(smoke({ backend: 'wasm', policy: { dModel: 1024, nLayers: 24, nHeads: 16, contextLength: 1024 } })),
    ];
    expect(errors[0]!.message).toContain('line 1: "answer" is empty');
    expect(errors[1]!.message).toMatch(/needs 6\d tokens .*; set policy.contextLength to at least 6\d$/);
    expect(errors[2]!.message).toMatch(/needs about [\d.]+ GiB of memory .* more than the wasm backend's limit of 3\.0 GiB/);
    expect(errors.map((e) => e.code)).toEqual(['invalid_config', 'invalid_config', 'invalid_config']);
    expect(service.store.listRuns()).toEqual([]);
    expect(events.filter((e) => e.name === 'run.status')).toEqual([]);
  });

  it("refuses a class stream's malformed data files naming the file and the line or byte offset, leaving no run behind", async () => {
    const csv = path.join(dir, 'train.csv');
    fs.writeFileSync(csv, '3,0,255\n1,12\n');
    const idx = path.join(dir, 'images.idx');
    fs.writeFileSync(idx, Buffer.from([0, 0, 8, 2, 0, 0, 0, 9, 0, 0, 0, 2, 1, 2]));
    const stream = (data: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
      config: { task: { kind: 'class-stream', data, ...over }, policy: { kind: 'classifier' }, recipe: { kind: 'constant-lr' } },
    });
    const errors = [
      await refused(stream({ source: 'csv', train: csv, validation: csv })),
      await refused(stream({ source: 'idx', trainImages: idx, trainLabels: idx, validationImages: idx, validationLabels: idx })),
      await refused(stream({ source: 'generated', trainSize: 100 }, { swapsPerEpoch: 11 })),
    ];
    expect(errors[0]!.message).toBe(`${csv}: line 2: 1 features where the first example has 2; give every line the same number of columns`);
    expect(errors[0]!.issues[0]!.path).toBe('task.data.train');
    expect(errors[1]!.message).toMatch(/images\.idx: byte 14: the data ends after 2 of the 18 bytes its header \[9 x 2\] promises; the file is truncated/);
    expect(errors[2]!.message).toMatch(/11 swaps per epoch, but an epoch has only 10 minibatches of 10/);
    expect(service.store.listRuns()).toEqual([]);
  });

  it('starts a run on weak data and reports the warnings, in the answer and as run.log', async () => {
    const few = jsonl(
      'few.jsonl',
      Array.from({ length: 20 }, (_, i) => ({ prompt: `${i}+1=`, answer: i + 1 })),
    );
    const out = (await service.handle('runs.start', smoke({ task: { kind: 'jsonl', path: few } }))) as { runId: string; warnings: string[] };
    expect(out.warnings.join('\n')).toMatch(/only \d of 20 problems are held out/);
    expect(events).toContainEqual({ name: 'run.log', payload: { runId: out.runId, level: 'warn', message: out.warnings[0] } });
    await service.waitForRun(out.runId);
  });
});

describe('memory estimate', () => {
  const config = (over: Record<string, unknown>) => resolveRunConfig({ preset: 'addition-star-smoke', config: over });
  const shape = { vocabSize: 16, maxSequenceLength: 1024, heldoutProblems: 256 };

  it('lets every preset run on WASM', () => {
    for (const p of presets) {
      const c = RunConfig.parse(p.config);
      // Without Debian's Fashion-MNIST, its presets are refused, saying how to install it.
      if (c.task.kind === 'class-stream' && c.task.data.source === 'fashion-mnist' && !fs.existsSync(c.task.data.dir)) {
        expect(() => preflight(c, 'wasm'), p.id).toThrow(/apt-get install dataset-fashion-mnist/);
        continue;
      }
      // An episodic or class-stream preset has no text task and no transformer to estimate: preflight passes it by its family.
      if (TASK_FAMILY[c.task.kind] !== 'text-task') {
        expect(preflight(c, 'wasm'), p.id).toEqual({ task: null, warnings: [] });
        continue;
      }
      const task = createTask(c.task);
      const e = estimateMemory(c, taskShape(task));
      expect(e.total, p.id).toBeLessThan(WASM_LIMIT_BYTES / 4);
      expect(() => checkMemory(c, taskShape(task), 'wasm')).not.toThrow();
    }
  });

  it('refuses the largest model the schema allows on WASM, naming the model fields, estimate and limit', () => {
    const c = config({ policy: { dModel: 1024, nLayers: 24, nHeads: 16, contextLength: 1024 } });
    const shape = { vocabSize: 16, maxSequenceLength: 24, heldoutProblems: 256 }; // short problems: the weights dominate
    const e = estimateMemory(c, shape);
    expect(e.parameters).toBeGreaterThan(300e6);
    let error: CodedError | null = null;
    try {
      checkMemory(c, shape, 'wasm');
    } catch (caught) {
      error = caught as CodedError;
    }
    expect(error?.message).toContain(`${(e.total / 2 ** 30).toFixed(1)} GiB`);
    expect(error?.message).toContain('limit of 3.0 GiB (a 4 GiB WebAssembly address space less headroom)');
    expect(error?.message).toContain('or use a native backend');
    expect(error?.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['policy.dModel', 'policy.nLayers']));
    // A native backend with the memory for it accepts the same run.
    expect(() => checkMemory(c, shape, 'tensorflow', 64 * 2 ** 30)).not.toThrow();
    expect(() => checkMemory(c, shape, 'tensorflow', 2 * 2 ** 30)).toThrow(/the free memory of this machine/);
  });

  it('refuses a small model with contextLength 1024 and long prompts, naming the context', () => {
    const c = config({ policy: { contextLength: 1024 } });
    let error: CodedError | null = null;
    try {
      checkMemory(c, shape, 'wasm');
    } catch (caught) {
      error = caught as CodedError;
    }
    expect(error).not.toBeNull();
    const paths = error!.issues.map((i) => i.path);
    expect(paths).toContain('policy.contextLength');
    expect(error!.message).toMatch(/sampling [\d.]+ GiB for 512 rows at once/);
    // With few rows sampled at once, the recipe fields that set them are named too.
    const grpo = resolveRunConfig({ preset: 'addition-grpo-smoke', config: { policy: { contextLength: 512 } } });
    const few = { ...shape, maxSequenceLength: 512, heldoutProblems: 16 };
    expect(() => checkMemory(grpo, few, 'wasm')).toThrow(/Lower .*recipe\.(promptsPerIteration|groupSize)/);
    // The same context with the task's short problems needs little: the length that counts is the longest problem.
    expect(() => checkMemory(c, { ...shape, maxSequenceLength: 20 }, 'wasm')).not.toThrow();
  });

  it('counts every pool worker: each within its backend, all within the free memory, naming workers', () => {
    const c = config({ policy: { dModel: 256, nLayers: 4, nHeads: 8, contextLength: 64 }, workers: 8 });
    const medium = { vocabSize: 16, maxSequenceLength: 24, heldoutProblems: 64 };
    const alone = estimateMemory(c, medium);
    const pooled = estimateMemory(c, medium, 8);
    expect(alone.perWorker).toBe(0);
    // A replica is the weights, a gradient and its flat copy, plus a shard of the batch: less than the engine's share.
    expect(pooled.perWorker).toBeGreaterThan(3 * 4 * pooled.parameters);
    expect(pooled.perWorker).toBeLessThan(pooled.total);
    const room = pooled.total + 3 * pooled.perWorker;
    expect(() => checkMemory(c, medium, 'wasm', 64 * 2 ** 30, 8)).not.toThrow();
    let error: CodedError | null = null;
    try {
      checkMemory(c, medium, 'wasm', room, 8);
    } catch (caught) {
      error = caught as CodedError;
    }
    expect(error?.message).toContain("The run's 8 pool workers do not fit");
    expect(error?.message).toContain('at most 3 fit');
    expect(error?.issues.map((i) => i.path)).toEqual(['workers']);
    // The same memory holds the engine alone.
    expect(() => checkMemory(c, medium, 'wasm', room, 1)).not.toThrow();
    // Preflight resolves the config's workers (auto too) before it checks.
    expect(() => preflight({ ...c, workers: 2 }, 'wasm')).not.toThrow();
  });

  it('never advises a context above the schema maximum', () => {
    const file = jsonl(
      'huge.jsonl',
      Array.from({ length: 50 }, (_, i) => ({ prompt: `${'y'.repeat(1500)}${i}=`, answer: String(i) })),
    );
    const c = config({ task: { kind: 'jsonl', path: file }, policy: { contextLength: 1024 } });
    try {
      checkContext(c, createTask(c.task));
      expect.unreachable();
    } catch (error) {
      const message = (error as CodedError).message;
      expect(message).toContain('policy.contextLength can be at most 1024, so shorten the longest problems');
      expect(message).not.toMatch(/at least \d{4,}/);
    }
    expect(() => preflight(c)).toThrow(/can be at most 1024/);
  });
});

describe('preflight of an episodic run', () => {
  it('skips the text-only checks, and the text parts refuse an episodic config naming the field', () => {
    const c = RunConfig.parse({ task: { kind: 'gridworld' }, policy: { kind: 'mlp' }, recipe: { kind: 'a2c' } });
    expect(preflight(c, 'wasm')).toEqual({ task: null, warnings: [] });
    const shape = { vocabSize: 16, maxSequenceLength: 24, heldoutProblems: 8 };
    expect(() => estimateMemory(c, shape)).toThrow(/text-task session needs a text task.*task\.kind is "gridworld"/);
    expect(() => createTask(c.task)).toThrow(/episodic environment, not a text task/);
    // A text recipe on the gridworld is refused by its families before anything is built.
    const mixed = RunConfig.parse({ task: { kind: 'gridworld' }, recipe: { kind: 'star' } });
    expect(() => preflight(mixed, 'wasm')).toThrow(/needs a task of the text-task family, but task\.kind "gridworld" is of the episodic family/);
  });
});
