/**
 * SPIRAL with the text LM: the token loss is -mean over kept moves of A * sum_t log pi(token_t) / maxNewTokens (EOS a
 * trained token only when written), text the game cannot parse is the invalid action, bad configs are refused naming
 * the field before anything is built, and a resumed run continues exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig, type RunConfigInput } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import { createGameSet } from '../environments/games/game-set';
import { playGames, randomPlayer, type TextMove } from '../environments/games/arena';
import { createTransformerPolicy } from '../policies/transformer';
import { preflight } from '../preflight';
import { createRng } from '../rng';
import { createRunSession } from '../run-session';
import { textGameTokenizer } from '../text-game-check';
import { initBackend, tf } from '../tf';
import type { AdvantagedMove } from './spiral-model';
import { moveBatch, randomMoveExamples, textMoveLoss, textPlayer } from './spiral-text';

beforeAll(async () => {
  await initBackend('wasm');
});

const tokenizer = textGameTokenizer();
const policyConfig = { kind: 'transformer' as const, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 24, positions: 'rope' as const };

function kept(prompt: string, answer: string, advantage: number, ended: boolean): AdvantagedMove {
  const text: TextMove = { text: answer, prompt: [tokenizer.bos, ...tokenizer.encode(prompt)], tokens: tokenizer.encode(answer), ended };
  return { move: { seat: 0, vector: new Float32Array(0), action: 0, legal: [0], text }, advantage, ret: advantage };
}

/** A small text-LM TicTacToe run (a few warm-up steps), with overrides. */
function textRun(over: Partial<RunConfigInput> = {}): RunConfigInput {
  return {
    seed: 3,
    backend: 'wasm',
    task: { kind: 'game', games: ['tictactoe'], evalGames: 4 },
    policy: { ...policyConfig, contextLength: 144 },
    optim: { learningRate: 1e-2, warmupSteps: 0, batchSize: 4 },
    warmup: { steps: 2 },
    iterations: 3,
    recipe: { kind: 'spiral', gamesPerIteration: 4, maxNewTokens: 4 },
    ...over,
  };
}

describe('the text LM token loss', () => {
  it('is -mean over moves of A * sum_t log pi(token_t) / maxNewTokens, with EOS trained only where it was written', () => {
    const policy = createTransformerPolicy({ ...policyConfig, vocabSize: tokenizer.vocabSize, eos: tokenizer.eos }, createRng(1));
    try {
      const moves = [kept('ab', '[4]', 0.7, true), kept('xyz', '[12', -1.2, false), kept('q', '', 0.4, true)];
      const batch = moveBatch(moves, tokenizer.eos);
      // The written EOS is a target of the first and third moves, not of the second (cut off at the budget).
      expect(batch.sequences.map((s) => s.at(-1) === tokenizer.eos)).toEqual([true, false, true]);
      expect(batch.sequences.map((s, i) => s.length - batch.targetStart[i]!)).toEqual([4, 3, 1]);
      const perToken = policy.logProbs(batch);
      const maxNewTokens = 6;
      const expected = -moves.reduce((a, m, b) => a + m.advantage * perToken[b]!.reduce((x, y) => x + y, 0), 0) / (moves.length * maxNewTokens);
      const p = policy.prepare(batch);
      const { loss, surprise } = tf.tidy(() => {
        const out = textMoveLoss(policy, p, maxNewTokens);
        return { loss: tf.keep(out.loss), surprise: tf.keep(out.surprise) };
      });
      expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
      const tokens = perToken.flat();
      expect(surprise.dataSync()[0]).toBeCloseTo(-tokens.reduce((a, b) => a + b, 0) / tokens.length, 5);
      loss.dispose();
      surprise.dispose();
    } finally {
      policy.dispose();
    }
  });

  it('a move that wrote nothing and no EOS trains nothing', () => {
    expect(moveBatch([kept('ab', '', 1, false)], tokenizer.eos).sequences).toEqual([]);
  });
});

describe('the text LM as a player', () => {
  it('writes its moves as text; text the game cannot parse or does not allow is the invalid action', () => {
    const env = createGameSet(RunConfig.parse({ ...textRun() }).task as never);
    const policy = createTransformerPolicy({ ...policyConfig, contextLength: 144, vocabSize: tokenizer.vocabSize, eos: tokenizer.eos }, createRng(2));
    try {
      const agent = textPlayer('policy', policy, { tokenizer, style: 'compact', maxNewTokens: 4, temperature: 1 });
      const episodes = Array.from({ length: 6 }, () => env.play({ game: 'tictactoe' }, 'training'));
      const traces = playGames(episodes, () => [agent, randomPlayer], createRng(5), new Set([agent]));
      // An untrained char-level model writes no legal move: every game ends at its first move, an invalid one.
      for (const [i, e] of episodes.entries()) {
        expect(e.invalidBy).toBe(0);
        expect(e.record().returns).toEqual([-1.5, 0.5]);
        expect(traces[i]).toHaveLength(1);
        expect(traces[i]![0]!.action).toBe(-1);
        expect(traces[i]![0]!.text!.prompt[0]).toBe(tokenizer.bos);
      }
    } finally {
      policy.dispose();
    }
  });

  it("the warm-up's examples are the observation text and a legal move's text", () => {
    const env = createGameSet(RunConfig.parse(textRun()).task as never);
    const examples = randomMoveExamples(env, createRng(1), 20, 'compact');
    expect(examples).toHaveLength(20);
    for (const e of examples) {
      expect(e.prompt).toContain('Available Moves:');
      // The move is one of the available ones.
      expect(e.prompt.split('Available Moves:')[1]).toContain(e.answer);
    }
  });
});

describe('text-LM game configs', () => {
  it('refuses a contextLength too short for the prompt, naming policy.contextLength and the length needed', async () => {
    const config = RunConfig.parse(textRun({ policy: { ...policyConfig, contextLength: 64 } }));
    for (const attempt of [() => preflight(config), () => createRunSession(config)]) {
      let error: unknown;
      try {
        await attempt();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CodedError);
      const coded = error as CodedError;
      expect(coded.issues[0]!.path).toBe('policy.contextLength');
      // BOS + the 133 characters of the empty board's compact observation + 4 + EOS.
      expect(coded.message).toContain('raise policy.contextLength to 139');
    }
  });

  it('refuses Simple Negotiation, the league and a transfer probe without a text LM, naming each field', () => {
    const issues = (input: RunConfigInput) => {
      const r = RunConfig.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues(textRun({ task: { kind: 'game', games: ['negotiation'] } }))).toContain('task.games');
    expect(issues(textRun({ recipe: { kind: 'spiral', opponent: 'league' } }))).toContain('recipe.opponent');
    expect(
      issues(textRun({ policy: { kind: 'mlp', hidden: [8] }, task: { kind: 'game', transfer: { arithmetic: { maxDigits: 1, warmupMaxDigits: 1 } } } })),
    ).toContain('task.transfer');
    expect(issues(textRun())).toEqual([]);
  });
});

describe('a text-LM game run', () => {
  it('resumes exactly from its state: the same metrics at the next iteration', async () => {
    const config = RunConfig.parse(
      textRun({
        task: { kind: 'game', games: ['tictactoe'], evalGames: 4, transfer: { arithmetic: { maxDigits: 1, warmupMaxDigits: 1, heldoutPerLevel: 8 } } },
      }),
    );
    const a = await createRunSession(config);
    const b = await createRunSession(config);
    try {
      await a.warmup();
      await a.iterate(1);
      const state = structuredClone(a.getState());
      (b.setState as (s: unknown) => void)(state);
      const [ma, mb] = [(await a.iterate(2)).metrics, (await b.iterate(2)).metrics];
      const strip = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('time/') && !k.startsWith('mem/')));
      expect(strip(mb)).toEqual(strip(ma));
      expect(ma['transfer/arithmetic_n']).toBe(8);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
