import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestOutput } from '../../shared/contract';
import type { CodedError } from '../../shared/errors';
import type { RatingPair } from '../../shared/ratings';
import type { Metrics } from '../../shared/run';
import { EngineService } from '../service';

/**
 * A person as the rater, through the engine's service with the real session (the smoke preset, shortened, on the
 * WASM backend): the run stores its pairs and waits; choices are validated, stored and audited; a stop while waiting
 * stops cleanly and a resume uses the choices already made; a replay from the same seed gives the same metrics.
 */
const PRESET = 'preference-person-dpo-smoke';
const SHORT = { iterations: 2, warmup: { steps: 40 } };

let dir: string;
let service: EngineService;
let events: Array<{ name: string; payload: unknown }>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-person-'));
  // The audit key outside the workspace, and not the user's.
  process.env.EVOLAB_AUDIT_KEY_FILE = path.join(`${dir}-key`, 'audit-key');
  events = [];
  service = new EngineService({ workspace: dir, emit: (name, payload) => events.push({ name, payload }) });
});
afterEach(async () => {
  await service.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(`${dir}-key`, { recursive: true, force: true });
  delete process.env.EVOLAB_AUDIT_KEY_FILE;
});

const call = <T>(name: string, input: unknown) => service.handle(name, input) as Promise<T>;
const refusal = async (name: string, input: unknown): Promise<CodedError> => {
  try {
    await service.handle(name, input);
  } catch (error) {
    return error as CodedError;
  }
  throw new Error(`${name} ${JSON.stringify(input)} should have been refused`);
};

async function start(config: Record<string, unknown> = {}, seed = 3): Promise<string> {
  const { runId } = await call<{ runId: string }>('runs.start', { preset: PRESET, config: { ...SHORT, ...config }, seed, backend: 'wasm' });
  return runId;
}

/** Resolves once `runId` waits with pairs of `iteration` stored (polling the workspace, as the Rate page does). */
async function waitingPairs(runId: string, iteration: number): Promise<RatingPair[]> {
  for (;;) {
    const run = service.store.runDetail(runId);
    const list = await call<RequestOutput<'ratings.list'>>('ratings.list', { runId });
    const pairs = list.waiting.filter((p) => p.iteration === iteration);
    if (run.status === 'waiting' && pairs.length > 0) return pairs;
    if (run.status === 'failed' || run.status === 'completed') throw new Error(`run ${runId} ended (${run.status}) while a wait was expected`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const choose = (id: string, choice: string, actor = 'ada') => call<RatingPair>('ratings.choose', { id, choice, actor });

/** Rates every pair the run asks for with `choice` until it ends (an iteration whose samples all agree asks none). */
async function rateToTheEnd(runId: string, choice: string): Promise<string> {
  for (;;) {
    const status = service.store.runDetail(runId).status;
    if (status !== 'running' && status !== 'waiting') return status;
    for (const p of (await call<RequestOutput<'ratings.list'>>('ratings.list', { runId })).waiting) await choose(p.id, choice);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function committed(runId: string, iteration: number): Promise<void> {
  while (service.store.runDetail(runId).iterationsDone < iteration) await new Promise((r) => setTimeout(r, 20));
}

/** Every metric except those that measure time, speed or memory. */
function learning(metrics: Metrics): Metrics {
  return Object.fromEntries(Object.entries(metrics).filter(([k]) => !/^(time|perf|mem)\//.test(k)));
}

describe('a person as the rater', () => {
  it('waits for the choices, refuses malformed and late ones, stores and audits each, and trains on exactly those made', async () => {
    const runId = await start({ recipe: { kind: 'dpo', promptsPerIteration: 3 } });
    const pairs = await waitingPairs(runId, 1);
    // One pair per prompt (their samples differ), so each choice (A, B, skip) is tried once.
    expect(pairs).toHaveLength(3);
    expect(service.store.runDetail(runId).status).toBe('waiting');
    expect(events.some((e) => e.name === 'run.status' && (e.payload as { reason?: string }).reason?.includes('Rate page'))).toBe(true);
    for (const p of pairs) expect(p.a).not.toBe(p.b);

    // A hostile or malformed client: each refused, naming the field, and nothing changes.
    const malformed: Array<[unknown, string]> = [
      [{ id: pairs[0]!.id, choice: 'c' }, 'choice'],
      [{ choice: 'a' }, 'id'],
      [{ id: "x'; DROP TABLE rating_pairs; --", choice: 'a' }, 'id'],
      [{ id: pairs[0]!.id, choice: 'a', extra: true }, ''],
      [{ id: pairs[0]!.id, choice: 'a', actor: 'person:<script>' }, 'actor'],
      [{ id: 'r1-i1-999', choice: 'a' }, 'id'],
    ];
    for (const [input, field] of malformed) {
      const error = await refusal('ratings.choose', input);
      expect(error.code, JSON.stringify(input)).toBe('invalid_request');
      if (field) expect(error.issues.map((i) => i.path).join(), JSON.stringify(input)).toContain(field);
    }
    expect((await call<RequestOutput<'ratings.list'>>('ratings.list', { runId })).waiting).toHaveLength(pairs.length);

    const choices = pairs.map((_, k) => (['a', 'b', 'skip'] as const)[k % 3]!);
    const first = await choose(pairs[0]!.id, choices[0]!);
    expect(first).toMatchObject({ status: 'rated', choice: choices[0], chosenBy: 'person:ada' });
    // Final once made: a second choice on the same pair is refused and the first stays.
    expect((await refusal('ratings.choose', { id: pairs[0]!.id, choice: 'b' })).code).toBe('already_decided');
    for (let k = 1; k < pairs.length; k++) await choose(pairs[k]!.id, choices[k]!);

    await committed(runId, 1);
    const it1 = service.store.iterationMetrics(runId, 1);
    expect(it1['dpo/pairs']).toBe(choices.filter((c) => c !== 'skip').length);
    const summary = await call<RequestOutput<'ratings.summary'>>('ratings.summary', { runId });
    expect(summary.iterations[0]).toMatchObject({
      iteration: 1,
      asked: pairs.length,
      a: choices.filter((c) => c === 'a').length,
      b: choices.filter((c) => c === 'b').length,
      skipped: choices.filter((c) => c === 'skip').length,
      trainedOn: it1['dpo/pairs'],
    });
    // The pair view: both sides of each trained pair, with the person's verdict and their implicit rewards.
    const pair = await call<RequestOutput<'trajectories.pair'>>('trajectories.pair', { runId, iteration: 1, pair: 0 });
    // Pair 0 is the first pair asked, chosen A.
    expect(pair.chosen.pair).toMatchObject({ pair: 0, role: 'chosen', rater: 'person:ada chose A over B' });
    expect(pair.rejected.pair?.role).toBe('rejected');
    expect([pair.chosen.output, pair.rejected.output]).toEqual([pairs[0]!.a, pairs[0]!.b]);
    expect(Number.isFinite(pair.chosen.pair!.implicitReward)).toBe(true);

    // Every choice is in the tamper-evident audit log, and the log verifies.
    const rated = service.store.oversight.auditEntries(runId).filter((e) => e.action === 'rated');
    expect(rated.map((e) => (e.detail as { choice: string }).choice)).toEqual(choices);
    expect(service.store.verifyAudit(runId).ok).toBe(true);

    expect(await rateToTheEnd(runId, 'a')).toBe('completed');
  }, 120_000);

  it('a resumed run redoes the iteration with the choices already made, and a replay from the same seed gives the same metrics', async () => {
    const runId = await start();
    const pairs = await waitingPairs(runId, 1);
    // One choice, then a stop while the run waits: it stops cleanly at its last checkpoint (the warm-up), as a kill
    // would leave it (the iteration in flight is lost); the pairs and the choice stay.
    await choose(pairs[0]!.id, 'a');
    await call('runs.stop', { runId });
    expect(await service.waitForRun(runId)).toBe('stopped');
    expect(service.store.runDetail(runId).iterationsDone).toBe(0);
    // A choice made while no engine runs is kept too.
    if (pairs.length > 1) await choose(pairs[1]!.id, 'b');

    await call('runs.resume', { runId });
    expect(await rateToTheEnd(runId, 'b')).toBe('completed');
    // The same pairs were found again (no new rows for iteration 1), with the choices made before the stop.
    const stored = service.store.ratings.pairs(runId, 1);
    expect(stored.map((p) => p.id)).toEqual(pairs.map((p) => p.id));
    expect(stored.slice(0, 2).map((p) => p.choice)).toEqual(['a', 'b'].slice(0, pairs.length));
    expect(service.store.iterationMetrics(runId, 1)['dpo/pairs']).toBe(pairs.length);

    const replay = await start({ rater: { kind: 'person', replayChoicesFrom: runId } });
    expect(await service.waitForRun(replay)).toBe('completed');
    for (const iteration of [1, 2]) {
      expect(learning(service.store.iterationMetrics(replay, iteration))).toEqual(learning(service.store.iterationMetrics(runId, iteration)));
    }
    const replayed = service.store.oversight.auditEntries(replay).filter((e) => e.action === 'rated');
    expect(replayed.length).toBe(service.store.oversight.auditEntries(runId).filter((e) => e.action === 'rated').length);
    expect(replayed[0]!.actor).toMatch(/^replay:/);
    expect(service.store.verifyAudit(replay).ok).toBe(true);
  }, 180_000);

  it('with a quorum, trains once that many choices are made; the rest expire and a late choice is refused', async () => {
    const runId = await start({ iterations: 1, recipe: { kind: 'dpo', promptsPerIteration: 3 }, rater: { kind: 'person', quorum: 1 } });
    const pairs = await waitingPairs(runId, 1);
    expect(pairs).toHaveLength(3);
    await choose(pairs[1]!.id, 'b');
    expect(await service.waitForRun(runId)).toBe('completed');
    expect(service.store.ratings.pairs(runId, 1).map((p) => p.status)).toEqual(['expired', 'rated', 'expired']);
    expect(service.store.iterationMetrics(runId, 1)['dpo/pairs']).toBe(1);
    const late = await refusal('ratings.choose', { id: pairs[0]!.id, choice: 'a' });
    expect(late).toMatchObject({ code: 'already_decided', message: expect.stringMatching(/expired/) });
    expect((await call<RequestOutput<'ratings.summary'>>('ratings.summary', { runId })).iterations[0]).toMatchObject({ b: 1, expired: 2, trainedOn: 1 });
  }, 120_000);

  it('refuses a person rater where it cannot work, naming the field', async () => {
    const spo = await refusal('runs.start', { preset: PRESET, config: { recipe: { kind: 'spo' } } });
    expect(spo.issues.map((i) => i.path)).toContain('rater.kind');
    const missing = await refusal('runs.start', { preset: PRESET, config: { rater: { kind: 'person', replayChoicesFrom: 'r999' } } });
    expect(missing.issues.map((i) => i.path)).toContain('rater.replayChoicesFrom');
    const governed = await refusal('runs.start', {
      config: { task: { kind: 'arithmetic' }, recipe: { kind: 'dpo' }, rater: { kind: 'person' }, oversight: { enabled: true } },
    });
    expect(governed.issues.map((i) => i.path)).toContain('oversight.enabled');
  });
});
