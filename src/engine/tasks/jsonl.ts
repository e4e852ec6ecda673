import { readFileSync } from 'node:fs';
import type { JsonlTaskConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { Problem, Rng, Task, Verdict } from '../types';
import { createCharTokenizer } from './tokenizer';

/**
 * The user's own problems: one {"prompt": string, "answer": string, "level"?: integer, "example"?: string} per line.
 * The held-out split and the warm-up split are chosen by a fixed hash of each line, never by the run's seed, so
 * the same file always gives the same evaluation set. With the regex verifier the answer is a pattern, which a
 * policy cannot be trained to write: the warm-up then uses the optional "example" field (a matching answer).
 */
export interface JsonlLine {
  prompt: string;
  answer: string;
  level: number;
  example: string | null;
  number: number;
  text: string;
}

export function createJsonlTask(config: JsonlTaskConfig): Task {
  let content: string;
  try {
    content = readFileSync(config.path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CodedError('invalid_config', `task.path: cannot read the problem file ${config.path} (${reason}); give the path of a .jsonl file`, [
      { path: 'task.path', message: `cannot read ${config.path}` },
    ]);
  }
  const lines = parseLines(content, config.path);
  return createJsonlTaskFromLines(config, lines);
}

/** Parses the file's lines, naming the line and field of the first malformed one. */
function parseLines(content: string, path: string): JsonlLine[] {
  const out: JsonlLine[] = [];
  const raw = content.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const text = raw[i]!.trim();
    if (text === '') continue;
    const number = i + 1;
    const fail = (message: string): never => {
      throw new CodedError('invalid_config', `${path}: line ${number}: ${message}`, [{ path: 'task.path', message: `line ${number}: ${message}` }]);
    };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      fail('not valid JSON; each line must be one object like {"prompt": "2+2=", "answer": "4"}');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a JSON object with "prompt" and "answer"');
    const record = value as Record<string, unknown>;
    if (typeof record.prompt !== 'string' || record.prompt === '') fail('"prompt" must be a non-empty string');
    if (typeof record.answer !== 'string') fail('"answer" must be a string');
    if (record.level !== undefined && (typeof record.level !== 'number' || !Number.isInteger(record.level) || record.level < 1)) {
      fail('"level" must be an integer >= 1 when present');
    }
    if (record.example !== undefined && typeof record.example !== 'string') fail('"example" must be a string when present');
    out.push({
      prompt: record.prompt as string,
      answer: record.answer as string,
      level: (record.level as number | undefined) ?? 1,
      example: (record.example as string | undefined) ?? null,
      number,
      text,
    });
  }
  if (out.length === 0) {
    throw new CodedError('invalid_config', `${path}: the file has no problems; add lines like {"prompt": "2+2=", "answer": "4"}`, [
      { path: 'task.path', message: 'no problems in the file' },
    ]);
  }
  return out;
}

export function createJsonlTaskFromLines(config: JsonlTaskConfig, lines: JsonlLine[]): Task {
  const { verifier, tolerance } = config;
  if (verifier === 'regex') {
    for (const line of lines) {
      try {
        new RegExp(`^(?:${line.answer})$`);
      } catch {
        throw new CodedError('invalid_config', `${config.path}: line ${line.number}: "answer" is not a valid regular expression`, [
          { path: 'task.path', message: `line ${line.number}: invalid regular expression` },
        ]);
      }
    }
  }
  const target = (line: JsonlLine): string | null => (verifier === 'regex' ? line.example : line.answer);
  const heldoutLines = lines.filter((l) => unitHash(l.text, 'heldout') < config.heldoutFraction);
  const trainLines = lines.filter((l) => unitHash(l.text, 'heldout') >= config.heldoutFraction);
  const warmupLines = trainLines.filter((l) => unitHash(l.text, 'warmup') < config.warmupFraction && target(l) !== null);
  const promptLines = trainLines.filter((l) => !warmupLines.includes(l));

  const chars = new Set<string>();
  for (const l of lines) for (const c of l.prompt + (target(l) ?? '') + l.answer) chars.add(c);
  const tokenizer = createCharTokenizer([...chars].sort());
  const levels = [...new Set(lines.map((l) => l.level))].sort((a, b) => a - b);
  const warmupLevels = [...new Set(warmupLines.map((l) => l.level))].sort((a, b) => a - b);
  const maxSequenceLength = Math.max(...lines.map((l) => 2 + [...l.prompt].length + [...(target(l) ?? l.answer)].length));

  const toProblem = (l: JsonlLine, tag: string): Problem => ({ id: `${tag}-line${l.number}`, level: l.level, prompt: l.prompt, answer: l.answer });
  const heldoutByLevel = new Map<number, Problem[]>();
  for (const level of levels) heldoutByLevel.set(level, heldoutLines.filter((l) => l.level === level).map((l) => toProblem(l, 'heldout')));

  function pick(rng: Rng, pool: JsonlLine[], n: number, tag: string, supervised: boolean): Problem[] {
    if (pool.length === 0) return [];
    return Array.from({ length: n }, () => {
      const line = pool[rng.int(pool.length)]!;
      const problem = toProblem(line, tag);
      return supervised ? { ...problem, answer: target(line) } : problem;
    });
  }

  return {
    kind: 'jsonl',
    tokenizer,
    levels,
    warmupLevels,
    maxSequenceLength,
    warmupBatch: (rng, n) => pick(rng, warmupLines, n, 'warmup', true),
    sample(rng, n, level) {
      // Prefer lines kept out of the warm-up; fall back to all training lines of the level when none are left.
      const fresh = promptLines.filter((l) => l.level === level);
      return pick(rng, fresh.length > 0 ? fresh : trainLines.filter((l) => l.level === level), n, 'train', false);
    },
    heldout: (level) => heldoutByLevel.get(level) ?? [],
    verify(problem: Problem, output: string): Verdict {
      const answer = problem.answer ?? '';
      const got = output.trim();
      let correct: boolean;
      if (verifier === 'numeric') {
        const x = Number(got);
        correct = got !== '' && Number.isFinite(x) && Math.abs(x - Number(answer)) <= tolerance;
      } else if (verifier === 'regex') {
        correct = new RegExp(`^(?:${answer})$`).test(got);
      } else {
        correct = got === answer.trim();
      }
      const what = verifier === 'regex' ? `matching /${answer}/` : verifier === 'numeric' ? `${answer} (±${tolerance})` : JSON.stringify(answer);
      return { correct, reward: correct ? 1 : 0, verdict: correct ? `correct: ${what}` : `expected ${what}, got ${got === '' ? 'nothing' : JSON.stringify(got)}` };
    },
  };
}

/** FNV-1a of the line with a salt, mapped to [0, 1): a split that depends only on the line's text. */
function unitHash(text: string, salt: string): number {
  let h = 0x811c9dc5;
  for (const c of `${salt}:${text}`) {
    h ^= c.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}
