import type { ArithmeticTaskConfig } from '../../shared/config';
import { createRng } from '../rng';
import type { Problem, Rng, Task, Verdict } from '../types';
import { createCharTokenizer } from './tokenizer';

/**
 * Multi-digit arithmetic. Level d = the longer operand has d digits, the other 1..d (uniformly; level 1: 0-9).
 * By default both operands and the answer are zero-padded to the task's width and written least-significant
 * digit first: "12+345" with maxDigits 4 is "2100+5430=" and its answer 357 is "75300". So answer digit i reads
 * operand digits i at the same offsets for every i, and the carry flows in writing order. With the policy's
 * rotary (relative) positions, the circuit the warm-up learns on places 1..3 works at place 4 it never saw with a
 * non-zero digit: that partial zero-shot skill is what self-improvement then amplifies, level by level.
 * (padOperands / reverseOperands / reverseAnswer = false gives the plain "12+345=357" for comparison.)
 *
 * Held-out sets are drawn from a fixed seed, independent of the run's seed, and training prompts are redrawn
 * whenever they hit a held-out prompt, so held-out accuracy is never measured on trained problems.
 */
const HELDOUT_SEED = 0x5eed_1234;
/** At most this share of a level's problem space is held out (level 1 has only 100 problems). */
const MAX_HELDOUT_SHARE = 0.25;

export function createArithmeticTask(config: ArithmeticTaskConfig): Task {
  const { operation, maxDigits, reverseAnswer, heldoutPerLevel, padOperands, reverseOperands } = config;
  const warmupMaxDigits = Math.min(config.warmupMaxDigits, maxDigits);
  const op = operation === 'add' ? '+' : '*';
  const tokenizer = createCharTokenizer([...'0123456789', op, '=']);
  const levels = range(1, maxDigits);
  const warmupLevels = range(1, warmupMaxDigits);
  // BOS + "a op b =" + longest answer + EOS.
  const longestAnswer = operation === 'add' ? maxDigits + 1 : 2 * maxDigits;
  // Zero-padded operands put every place value at a fixed position, and the answer is padded to its full width.
  const pad = (digits: string, width: number): string => (padOperands ? digits.padStart(width, '0') : digits);
  const write = (digits: string): string => (reverseOperands ? reverse(pad(digits, maxDigits)) : pad(digits, maxDigits));
  const promptOf = (a: string, b: string): string => `${write(a)}${op}${write(b)}=`;
  const maxSequenceLength = 1 + (2 * maxDigits + 2) + longestAnswer + 1;

  const heldoutSets = new Map<number, Problem[]>();
  const heldoutKeys = new Map<number, Set<string>>();
  for (const level of levels) {
    const rng = createRng(HELDOUT_SEED + level * 7919);
    const size = Math.min(heldoutPerLevel, Math.floor(levelSpace(level) * MAX_HELDOUT_SHARE));
    const keys = new Set<string>();
    const problems: Problem[] = [];
    while (problems.length < size) {
      const [a, b] = operands(rng, level);
      const prompt = promptOf(a, b);
      if (keys.has(prompt)) continue;
      keys.add(prompt);
      problems.push(makeProblem(`heldout-d${level}-${problems.length}`, level, a, b));
    }
    heldoutSets.set(level, problems);
    heldoutKeys.set(level, keys);
  }

  function makeProblem(id: string, level: number, a: string, b: string): Problem {
    const exact = operation === 'add' ? BigInt(a) + BigInt(b) : BigInt(a) * BigInt(b);
    const text = pad(exact.toString(), longestAnswer);
    return { id, level, prompt: promptOf(a, b), answer: reverseAnswer ? reverse(text) : text };
  }

  function sampleLevel(rng: Rng, level: number, tag: string): Problem {
    const keys = heldoutKeys.get(level) ?? new Set<string>();
    for (;;) {
      const [a, b] = operands(rng, level);
      if (!keys.has(promptOf(a, b))) return makeProblem(`${tag}-d${level}-${a}${op}${b}`, level, a, b);
    }
  }

  function checkLevel(level: number): void {
    if (!Number.isInteger(level) || level < 1 || level > maxDigits) {
      throw new RangeError(`arithmetic level must be an integer in 1..${maxDigits}, got ${level}`);
    }
  }

  return {
    kind: 'arithmetic',
    uniqueAnswers: true,
    tokenizer,
    levels,
    warmupLevels,
    maxSequenceLength,
    warmupBatch(rng: Rng, n: number): Problem[] {
      return Array.from({ length: n }, () => sampleLevel(rng, 1 + rng.int(warmupMaxDigits), 'warmup'));
    },
    sample(rng: Rng, n: number, level: number): Problem[] {
      checkLevel(level);
      return Array.from({ length: n }, () => sampleLevel(rng, level, 'train'));
    },
    heldout(level: number): Problem[] {
      checkLevel(level);
      return heldoutSets.get(level) ?? [];
    },
    answerShaped: (output: string) => /^\d+$/.test(output.trim()),
    wellFormed(_problem: Problem, output: string): boolean {
      const got = output.trim();
      return /^\d+$/.test(got) && (padOperands ? got.length === longestAnswer : got.length <= longestAnswer);
    },
    equivalents(problem: Problem): Problem[] {
      const parts = problem.prompt.replace(/=$/, '').split(op);
      if (parts.length !== 2) return [];
      const [a, b] = parts.map((x) => BigInt(plain(x, reverseOperands) || '0')) as [bigint, bigint];
      const pairs: Array<[bigint, bigint]> =
        operation === 'add'
          ? [
              [b, a],
              [a + 1n, b - 1n],
              [a - 1n, b + 1n],
            ]
          : [[b, a]];
      const limit = 10n ** BigInt(maxDigits);
      return pairs
        .filter(([x, y]) => x >= 0n && y >= 0n && x < limit && y < limit && !(x === a && y === b))
        .map(([x, y], i) => {
          const level = Math.max(x.toString().length, y.toString().length);
          return makeProblem(`${problem.id}-eq${i}`, level, x.toString(), y.toString());
        });
    },
    verify(problem: Problem, output: string): Verdict {
      const answer = problem.answer ?? '';
      const got = output.trim();
      const correct = got === answer;
      return { correct, reward: correct ? 1 : 0, verdict: describe(problem.prompt, correct, answer, got, { op, reverseOperands, reverseAnswer }) };
    },
  };
}

/**
 * The verdict in ordinary notation, since prompts and answers are written least-significant digit first:
 * "correct: 7313+9 = 7322" or "expected 7313+9 = 7322, got 7422 (as written: 22470)".
 */
function describe(
  prompt: string,
  correct: boolean,
  answer: string,
  got: string,
  format: { op: string; reverseOperands: boolean; reverseAnswer: boolean },
): string {
  const { op, reverseOperands, reverseAnswer } = format;
  const operands = prompt
    .replace(/=$/, '')
    .split(op)
    .map((x) => plain(x, reverseOperands));
  const sum = `${operands.join(op)} = ${plain(answer, reverseAnswer)}`;
  if (correct) return `correct: ${sum}`;
  if (got === '') return `expected ${sum}, got nothing`;
  if (!/^\d+$/.test(got)) return `expected ${sum}, got ${JSON.stringify(got)}`;
  const asWritten = reverseAnswer || got.length !== plain(got, reverseAnswer).length ? ` (as written: ${got})` : '';
  return `expected ${sum}, got ${plain(got, reverseAnswer)}${asWritten}`;
}

/** Digits as a person writes them: most-significant first, no leading zeros. */
function plain(digits: string, reversed: boolean): string {
  const ordered = reversed ? reverse(digits) : digits;
  return ordered.replace(/^0+(?=\d)/, '');
}

/** One operand with `level` digits, the other with 1..level, in random order. */
function operands(rng: Rng, level: number): [string, string] {
  const long = operand(rng, level);
  const short = operand(rng, 1 + rng.int(level));
  return rng.int(2) === 0 ? [long, short] : [short, long];
}

/** A uniformly drawn operand with exactly `digits` digits (level 1 includes 0). */
function operand(rng: Rng, digits: number): string {
  if (digits === 1) return String(rng.int(10));
  let s = String(1 + rng.int(9));
  for (let i = 1; i < digits; i++) s += String(rng.int(10));
  return s;
}

/** Number of distinct problems at a level (ordered pairs whose longer operand has exactly `level` digits). */
function levelSpace(level: number): number {
  const upTo = (d: number): number => 10 ** d;
  return upTo(level) ** 2 - (level === 1 ? 0 : upTo(level - 1) ** 2);
}

function reverse(s: string): string {
  return [...s].reverse().join('');
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
