/**
 * The text LM playing a game with 2 pool workers: each batched move of the games (one row per episode) is sampled on
 * the workers, the warm-up and SPIRAL's token-loss steps are data-parallel, and the run replays from its seed and
 * resumes bit-for-bit in a fresh session with its own pool.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunConfig, type RunConfigInput } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import type { TextMove } from '../environments/games/arena';
import { createTransformerPolicy, type TransformerConfig } from '../policies/transformer';
import type { AdvantagedMove } from '../recipes/spiral-model';
import { textSpiralModel } from '../recipes/spiral-text';
import { createRng } from '../rng';
import { createRunSession } from '../run-session';
import { textGameTokenizer } from '../text-game-check';
import { initBackend } from '../tf';
import { PooledPolicy } from './pooled-policy';
import { WorkerPool } from './worker-pool';

const tokenizer = textGameTokenizer();
const POLICY: TransformerConfig = {
  kind: 'transformer',
  dModel: 16,
  nLayers: 1,
  nHeads: 2,
  contextLength: 144,
  positions: 'rope',
  vocabSize: tokenizer.vocabSize,
  eos: tokenizer.eos,
};

const config = (): RunConfig =>
  RunConfig.parse({
    seed: 3,
    backend: 'wasm',
    workers: 2,
    task: { kind: 'game', games: ['tictactoe'], evalGames: 4 },
    policy: { kind: 'transformer', dModel: 16, nLayers: 1, nHeads: 2, contextLength: 144, positions: 'rope' },
    optim: { learningRate: 1e-2, warmupSteps: 0, batchSize: 4 },
    warmup: { steps: 4 },
    iterations: 2,
    recipe: { kind: 'spiral', gamesPerIteration: 4, maxNewTokens: 4 },
  } satisfies RunConfigInput);

const replayable = (m: Metrics): Metrics => Object.fromEntries(Object.entries(m).filter(([k]) => !/^(time|perf|mem)\//.test(k)));

function kept(prompt: string, answer: string, advantage: number, ended: boolean): AdvantagedMove {
  const text: TextMove = { text: answer, prompt: [tokenizer.bos, ...tokenizer.encode(prompt)], tokens: tokenizer.encode(answer), ended };
  return { move: { seat: 0, vector: new Float32Array(0), action: 0, legal: [0], text }, advantage, ret: advantage };
}

let pool: WorkerPool;

beforeAll(async () => {
  await initBackend('wasm');
  pool = await WorkerPool.start(2, POLICY, 'wasm');
});

afterAll(() => pool.close());

describe('a text-LM game run with 2 workers', () => {
  it("takes SPIRAL's token-loss step on the pool as one worker does: loss, entropy estimate and gradient norm", () => {
    const inner = createTransformerPolicy(POLICY, createRng(4));
    const reference = createTransformerPolicy(POLICY, createRng(4));
    const moves = [kept('X..|.O.|...', '[4]', 1.5, true), kept('XO.|...|...', '[8]', -0.5, false), kept('...|...|...', '[0', 0.25, false)];
    const options = { tokenizer, style: 'compact' as const, maxNewTokens: 4, temperature: 1, stepsPerIteration: 2, thaw: () => reference };
    const ctx = { globalStep: 0, learningRate: () => 1e-2, gradClip: 1, progress: () => undefined };
    const a = textSpiralModel({ ...options, policy: new PooledPolicy(inner, pool) }).train(moves, ctx);
    const b = textSpiralModel({ ...options, policy: reference }).train(moves, ctx);
    expect(a.steps).toBe(2);
    for (const key of ['loss', 'entropy', 'gradNorm'] as const) expect(Math.abs(a[key] - b[key])).toBeLessThan(1e-4 * Math.abs(b[key]));
    expect(b.entropy).toBeGreaterThan(0);
    inner.dispose();
    reference.dispose();
  });

  it('samples its moves and trains on the pool, replays from its seed and resumes bit-for-bit', async () => {
    const seen = new Set<string>();
    // The frozen opponent's moves go to the same pool: count the batched moves it samples there.
    let opponentMoves = 0;
    const realAlongside = PooledPolicy.prototype.alongside;
    const alongside = vi.spyOn(PooledPolicy.prototype, 'alongside').mockImplementation(function (this: PooledPolicy, other) {
      const shared = realAlongside.call(this, other);
      const sample = shared.sample.bind(shared);
      shared.sample = (prompts, options) => {
        if (prompts.length >= 2) opponentMoves += 1;
        return sample(prompts, options);
      };
      return shared;
    });
    const realCall = WorkerPool.prototype.call;
    const call = vi.spyOn(WorkerPool.prototype, 'call').mockImplementation(function (this: WorkerPool, requests) {
      for (const r of requests) seen.add(r.type === 'grad' ? r.loss.kind : r.type);
      return realCall.call(this, requests);
    });
    const run = async (): Promise<Metrics[]> => {
      const session = await createRunSession(config());
      try {
        const out = [replayable(await session.warmup())];
        for (let i = 1; i <= 2; i++) out.push(replayable((await session.iterate(i)).metrics));
        return out;
      } finally {
        session.dispose();
      }
    };
    try {
      const straight = await run();
      expect([...seen].sort()).toEqual(['likelihood', 'sample']);
      expect(opponentMoves).toBeGreaterThan(0);
      expect(await run()).toEqual(straight);
      const first = await createRunSession(config());
      await first.warmup();
      await first.iterate(1);
      const state = structuredClone(first.getState());
      first.dispose();
      const second = await createRunSession(config());
      try {
        (second.setState as (s: unknown) => void)(state);
        expect(replayable((await second.iterate(2)).metrics)).toEqual(straight[2]);
      } finally {
        second.dispose();
      }
    } finally {
      call.mockRestore();
      alongside.mockRestore();
    }
  });

  it('leaves the pool open when a policy sharing it is disposed, and closes it with the policy that owns it', async () => {
    const own = await WorkerPool.start(2, POLICY, 'wasm');
    const owner = new PooledPolicy(createTransformerPolicy(POLICY, createRng(5)), own);
    const opponent = owner.alongside(createTransformerPolicy(POLICY, createRng(6)));
    const prompts = [
      [tokenizer.bos, ...tokenizer.encode('X..|.O.|...')],
      [tokenizer.bos, ...tokenizer.encode('...|...|...')],
    ];
    const greedy = { maxNewTokens: 3, temperature: 0, rng: createRng(7) };
    const before = opponent.sample(prompts, greedy);
    const inProcess = createTransformerPolicy(POLICY, createRng(6));
    // Greedy rows are independent, so the pool answers as the opponent in process does, with the opponent's weights.
    expect(before.tokens).toEqual(inProcess.sample(prompts, greedy).tokens);
    inProcess.dispose();
    opponent.dispose();
    expect(owner.sample(prompts, greedy).tokens).toHaveLength(2);
    owner.dispose();
    const late = owner.alongside(createTransformerPolicy(POLICY, createRng(6)));
    expect(() => late.sample(prompts, greedy)).toThrow();
    late.dispose();
  });
});
