import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArithmeticTaskConfig, JsonlTaskConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import { createRng } from '../rng';
import { createArithmeticTask } from './arithmetic';
import { createTask } from './index';
import { partialCredit } from './reward';
import { createCharTokenizer } from './tokenizer';

const arithmetic = (over: Partial<ArithmeticTaskConfig> = {}) =>
  createArithmeticTask(ArithmeticTaskConfig.parse({ kind: 'arithmetic', warmupMaxDigits: 2, maxDigits: 4, heldoutPerLevel: 32, ...over }));

describe('tokenizer', () => {
  it('reserves 0/1/2 and round-trips text', () => {
    const t = createCharTokenizer(['a', 'b']);
    expect([t.pad, t.bos, t.eos, t.vocabSize]).toEqual([0, 1, 2, 5]);
    expect(t.encode('ab')).toEqual([3, 4]);
    expect(t.decode([1, 4, 3, 2])).toBe('ba');
    expect(() => t.encode('c')).toThrow(/not in the task's vocabulary/);
  });
});

describe('arithmetic task', () => {
  it('states the verdict in ordinary notation whatever the written digit order', () => {
    const task = arithmetic(); // operands and answer least-significant digit first
    const [p] = task.sample(createRng(4), 1, 3);
    const rev = (x: string) => [...x].reverse().join('');
    const [a, b] = p!.prompt
      .slice(0, -1)
      .split('+')
      .map((x) => String(Number(rev(x))));
    const sum = String(Number(a) + Number(b));
    expect(task.verify(p!, p!.answer!)).toMatchObject({ correct: true, reward: 1, verdict: `correct: ${a}+${b} = ${sum}` });
    const off = String(Number(sum) + 1);
    const written = rev(off.padStart(5, '0'));
    const wrong = task.verify(p!, written);
    expect(wrong.correct).toBe(false);
    expect(wrong.verdict).toBe(`expected ${a}+${b} = ${sum}, got ${off} (as written: ${written})`);
    expect(task.verify(p!, '').verdict).toBe(`expected ${a}+${b} = ${sum}, got nothing`);
    const plainTask = arithmetic({ reverseAnswer: false, reverseOperands: false, padOperands: false });
    expect(plainTask.verify({ id: 'y', level: 3, prompt: '123+45=', answer: '168' }, '169').verdict).toBe('expected 123+45 = 168, got 169');
  });

  it('writes zero-padded operands and answer least-significant digit first, each digit at a fixed place', () => {
    const task = arithmetic(); // maxDigits 4
    const rev = (s: string) => [...s].reverse().join('');
    for (const p of task.sample(createRng(3), 50, 3)) {
      const [a, b] = p.prompt.slice(0, -1).split('+');
      expect([a!.length, b!.length]).toEqual([4, 4]);
      const [x, y] = [Number(rev(a!)), Number(rev(b!))];
      expect(Math.max(String(x).length, String(y).length)).toBe(3);
      expect(p.answer).toBe(rev(String(x + y).padStart(5, '0')));
    }
  });

  it('can write plain operands and answers for comparison', () => {
    const task = arithmetic({ reverseAnswer: false, reverseOperands: false, padOperands: false });
    for (const p of task.sample(createRng(3), 50, 3)) {
      const [a, b] = p.prompt.slice(0, -1).split('+');
      expect(Math.max(a!.length, b!.length)).toBe(3);
      expect(p.answer).toBe(String(Number(a) + Number(b)));
    }
    const mul = arithmetic({ operation: 'mul', reverseAnswer: false, reverseOperands: false, padOperands: false });
    const [p] = mul.sample(createRng(1), 1, 2);
    const [a, b] = p!.prompt.slice(0, -1).split('*');
    expect(p!.answer).toBe(String(Number(a) * Number(b)));
  });

  it('keeps held-out sets fixed across seeds and disjoint from training prompts', () => {
    const a = arithmetic();
    const b = arithmetic();
    expect(a.heldout(2)).toEqual(b.heldout(2));
    expect(a.heldout(1).length).toBe(25); // capped at a quarter of the 100 one-digit problems
    const held = new Set(a.heldout(1).map((p) => p.prompt));
    const train = a.sample(createRng(9), 2000, 1);
    expect(train.some((p) => held.has(p.prompt))).toBe(false);
  });

  it('warms up only on the warm-up levels and sizes the context', () => {
    const task = arithmetic();
    expect(task.warmupLevels).toEqual([1, 2]);
    expect(new Set(task.warmupBatch(createRng(2), 200).map((p) => p.level))).toEqual(new Set([1, 2]));
    // BOS + "1234+5678=" + 5 answer digits + EOS
    expect(task.maxSequenceLength).toBe(1 + 10 + 5 + 1);
  });

  it('gives position-wise partial credit', () => {
    expect(partialCredit('861', '861')).toBe(1);
    expect(partialCredit('871', '861')).toBeCloseTo(2 / 3, 12);
    expect(partialCredit('8612', '861')).toBeCloseTo(3 / 4, 12);
    expect(partialCredit('', '861')).toBe(0);
  });
});

describe('jsonl task', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evolab-jsonl-'));
  const write = (name: string, lines: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, lines.join('\n'));
    return path;
  };
  const config = (path: string, over: Partial<JsonlTaskConfig> = {}) => JsonlTaskConfig.parse({ kind: 'jsonl', path, ...over });

  it('builds a sorted vocabulary, one level, and a hash split independent of line order', () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `${i}*2=`, answer: String(i * 2) }));
    const a = createTask(config(write('a.jsonl', lines)));
    const b = createTask(config(write('b.jsonl', [...lines].reverse())));
    expect(a.levels).toEqual([1]);
    expect(a.tokenizer.decode(a.tokenizer.encode('*0123456789='))).toBe('*0123456789=');
    expect(new Set(a.heldout(1).map((p) => p.prompt))).toEqual(new Set(b.heldout(1).map((p) => p.prompt)));
    expect(a.heldout(1).length).toBeGreaterThan(0);
  });

  /** Enough lines for a held-out and a training split, whatever the test is about. */
  const filler = (n = 40) => Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `${i}+1=`, answer: String(i + 1) }));

  it('verifies exact, numeric and regex answers', () => {
    const path = write('v.jsonl', [
      '{"prompt":"pi=","answer":"3.14","example":"3.14"}',
      ...filler().map((l) => l.replace(/"answer":"(\d+)"/, '"answer":"$1","example":"$1"')),
    ]);
    const p = { id: 'x', level: 1, prompt: 'pi=', answer: '3.14' };
    expect(createTask(config(path)).verify(p, '3.140').correct).toBe(false);
    expect(createTask(config(path, { verifier: 'numeric', tolerance: 0.01 })).verify(p, '3.141').correct).toBe(true);
    const rp = { ...p, answer: '3\\.1\\d*' };
    expect(createTask(config(path, { verifier: 'regex' })).verify(rp, '3.1415').correct).toBe(true);
    expect(createTask(config(path, { verifier: 'regex' })).verify(rp, 'x3.14').correct).toBe(false);
  });

  it('names the line and field of a malformed line, and a missing file', () => {
    const path = write('bad.jsonl', ['{"prompt":"a","answer":"b"}', '', '{"prompt":"c","answer":true}']);
    expect(() => createTask(config(path))).toThrow(/line 3: "answer" must be a string \(or an integer\)/);
    try {
      createTask(config(join(dir, 'missing.jsonl')));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CodedError);
      expect((error as CodedError).message).toContain('missing.jsonl');
    }
  });
});
