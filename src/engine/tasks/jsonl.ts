import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { JsonlTaskConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { Problem, Rng, Task, Verdict } from '../types';
import { createCharTokenizer } from './tokenizer';

/**
 * The user's own problems: one {"prompt": string, "answer": string, "level"?: integer, "example"?: string} per line.
 * An integer answer (what Python's json.dumps writes for an int) is taken as its decimal string.
 * The held-out split and the warm-up split are chosen by a fixed hash of each line, never by the run's seed, so
 * the same file always gives the same evaluation set. With the regex verifier the answer is a pattern, which a
 * policy cannot be trained to write: the warm-up then uses the optional "example" field (a matching answer).
 *
 * Data that would make the score meaningless is refused before a run starts, naming the line and the fix: an
 * empty answer (a policy that writes nothing would score 1.000), a non-numeric answer under the numeric verifier,
 * the same prompt with two different answers, NUL characters, a file too small to hold out any problem. Weaker
 * problems (a tiny held-out set, a prompt in both splits) are warnings, in `task.warnings`.
 *
 * The file is read in chunks and every pass over the lines is linear, so a file of millions of lines loads in
 * seconds with memory for the problems themselves and one chunk.
 */
export interface JsonlLine {
  prompt: string;
  answer: string;
  level: number;
  example: string | null;
  /** 1-based line number in the file. */
  number: number;
  /** unitHash of the line's text for the held-out and the warm-up split (the text itself is not kept). */
  heldoutHash: number;
  warmupHash: number;
}

/** Below this many held-out problems a warning says the accuracy is coarse. */
const SMALL_HELDOUT = 10;
const CHUNK_BYTES = 1 << 20;

export function createJsonlTask(config: JsonlTaskConfig): Task {
  const warnings: string[] = [];
  const lines = readLines(config, warnings);
  return createJsonlTaskFromLines(config, lines, warnings);
}

function refuse(path: string, where: string, message: string): never {
  throw new CodedError('invalid_config', `${path}: ${where}: ${message}`, [{ path: 'task.path', message: `${where}: ${message}` }]);
}

/** Calls `onLine` for each line of the file (without its newline), reading one chunk at a time. */
function forEachLine(path: string, onLine: (text: string, number: number) => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CodedError('invalid_config', `task.path: cannot read the problem file ${path} (${reason}); give the path of a .jsonl file`, [
      { path: 'task.path', message: `cannot read ${path}` },
    ]);
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let number = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      const text = n === 0 ? decoder.end() : decoder.write(buffer.subarray(0, n));
      let start = 0;
      let at = text.indexOf('\n');
      while (at !== -1) {
        onLine(pending + text.slice(start, at), ++number);
        pending = '';
        start = at + 1;
        at = text.indexOf('\n', start);
      }
      pending += text.slice(start);
      if (n === 0) break;
    }
    if (pending !== '') onLine(pending, ++number);
  } finally {
    closeSync(fd);
  }
}

/** The answer as a string: strings as written, safe integers as their decimal string. */
function answerOf(value: unknown, text: string, fail: (message: string) => never): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'number' && Number.isInteger(value)) {
    const written = /"answer"\s*:\s*(-?\d+)/.exec(text)?.[1] ?? String(value);
    return fail(`"answer" ${written} is too large an integer to keep exactly; write it as a string, e.g. "answer": "${written}"`);
  }
  if (typeof value === 'number')
    return fail(`"answer" is the number ${value}; write it as a string (e.g. "answer": "${value}") so its exact text is the expected output`);
  return fail('"answer" must be a string (or an integer)');
}

function compile(answer: string, fail: (message: string) => never): RegExp {
  try {
    return new RegExp(`^(?:${answer})$`);
  } catch {
    return fail('"answer" is not a valid regular expression');
  }
}

/** Whether two answers are different answers under the verifier (the numeric one compares values). */
function differ(a: string, b: string, config: JsonlTaskConfig): boolean {
  if (config.verifier === 'numeric') return !(Math.abs(Number(a.trim()) - Number(b.trim())) <= config.tolerance);
  if (config.verifier === 'exact') return a.trim() !== b.trim();
  return a !== b;
}

/** Parses and checks every line, refusing the first that would make the run meaningless. */
function readLines(config: JsonlTaskConfig, warnings: string[]): JsonlLine[] {
  const { path, verifier } = config;
  const out: JsonlLine[] = [];
  // Line index of the first line with each prompt: contradictions are refused, repeats counted.
  const firstByPrompt = new Map<string, number>();
  let repeated = 0;
  let firstRepeat: [number, number] | null = null;
  let emptyMatches = 0;
  forEachLine(path, (raw, number) => {
    const text = raw.trim();
    if (text === '') return;
    const where = `line ${number}`;
    const fail = (message: string): never => refuse(path, where, message);
    if (text.includes('\u0000')) fail('contains NUL bytes; the file looks binary or UTF-16: save it as UTF-8 text, one JSON object per line');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      fail('not valid JSON; each line must be one object like {"prompt": "2+2=", "answer": "4"}');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a JSON object with "prompt" and "answer"');
    const record = value as Record<string, unknown>;
    if (typeof record.prompt !== 'string' || record.prompt === '') fail('"prompt" must be a non-empty string');
    const prompt = record.prompt as string;
    const answer = answerOf(record.answer, text, fail);
    if (record.level !== undefined && (typeof record.level !== 'number' || !Number.isInteger(record.level) || record.level < 1)) {
      fail('"level" must be an integer >= 1 when present');
    }
    if (record.example !== undefined && typeof record.example !== 'string') fail('"example" must be a string when present');
    const example = (record.example as string | undefined) ?? null;
    for (const [field, s] of [
      ['prompt', prompt],
      ['answer', answer],
      ['example', example ?? ''],
    ] as const) {
      if (s.includes('\u0000')) fail(`"${field}" contains a NUL character (\\u0000); remove it`);
    }
    if (answer.trim() === '') {
      fail('"answer" is empty; a policy that writes nothing would be scored correct on it. Give the expected output, or remove the line');
    }
    if (verifier === 'numeric' && !Number.isFinite(Number(answer.trim()))) {
      fail(
        `"answer" ${JSON.stringify(answer)} is not a number, but task.verifier is "numeric"; write a number such as "42" or "-3.5", or set task.verifier to "exact"`,
      );
    }
    if (verifier === 'regex') {
      const pattern = compile(answer, fail);
      if (example !== null && !pattern.test(example.trim()))
        fail(`"example" ${JSON.stringify(example)} does not match the "answer" pattern /${answer}/; give an example the verifier accepts`);
      if (pattern.test('')) emptyMatches++;
    }
    const index = out.length;
    const seen = firstByPrompt.get(prompt);
    if (seen !== undefined) {
      const other = out[seen]!;
      if (differ(other.answer, answer, config)) {
        fail(
          `the prompt ${JSON.stringify(prompt)} is also on line ${other.number} with a different answer (${JSON.stringify(other.answer)} there, ${JSON.stringify(answer)} here); a problem has one answer: correct or remove one of the lines`,
        );
      }
      repeated++;
      firstRepeat ??= [other.number, number];
    } else firstByPrompt.set(prompt, index);
    out.push({
      prompt,
      answer,
      level: (record.level as number | undefined) ?? 1,
      example,
      number,
      heldoutHash: unitHash(text, 'heldout'),
      warmupHash: unitHash(text, 'warmup'),
    });
  });
  if (out.length === 0) {
    throw new CodedError('invalid_config', `${path}: the file has no problems; add lines like {"prompt": "2+2=", "answer": "4"}`, [
      { path: 'task.path', message: 'no problems in the file' },
    ]);
  }
  // Assigned inside the line callback, which the compiler's narrowing does not see.
  const repeat = firstRepeat as [number, number] | null;
  if (repeated > 0 && repeat !== null) {
    const [a, b] = repeat;
    warnings.push(
      `${path}: ${repeated} line${repeated === 1 ? ' repeats' : 's repeat'} the prompt of an earlier line (first: line ${b} repeats line ${a}); repeats weigh those problems more, and differently written repeats can land in both the training and the held-out split`,
    );
  }
  if (emptyMatches > 0) {
    warnings.push(
      `${path}: ${emptyMatches} regex answer${emptyMatches === 1 ? '' : 's'} also match an empty output, so a policy that writes nothing is scored correct on ${emptyMatches === 1 ? 'it' : 'them'}; require at least one character (e.g. "\\\\d+" rather than "\\\\d*")`,
    );
  }
  return out;
}

/** Characters (code points) in a string, without building an array. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function createJsonlTaskFromLines(config: JsonlTaskConfig, lines: JsonlLine[], warnings: string[] = []): Task {
  const { verifier, tolerance, path } = config;
  const target = (line: JsonlLine): string | null => (verifier === 'regex' ? line.example : line.answer);

  // One pass: the split of each line, and the pools per level that sampling draws from.
  const heldoutLines: JsonlLine[] = [];
  const warmupLines: JsonlLine[] = [];
  const trainByLevel = new Map<number, JsonlLine[]>();
  const promptsByLevel = new Map<number, JsonlLine[]>();
  const chars = new Set<string>();
  const levelSet = new Set<number>();
  const warmupLevelSet = new Set<number>();
  let maxSequenceLength = 0;
  let trainCount = 0;
  const push = (map: Map<number, JsonlLine[]>, level: number, line: JsonlLine) => {
    const list = map.get(level);
    if (list) list.push(line);
    else map.set(level, [line]);
  };
  for (const l of lines) {
    levelSet.add(l.level);
    const t = target(l);
    for (const c of l.prompt) chars.add(c);
    for (const c of l.answer) chars.add(c);
    if (t !== null) for (const c of t) chars.add(c);
    maxSequenceLength = Math.max(maxSequenceLength, 2 + codePoints(l.prompt) + codePoints(t ?? l.answer));
    if (l.heldoutHash < config.heldoutFraction) {
      heldoutLines.push(l);
      continue;
    }
    trainCount++;
    push(trainByLevel, l.level, l);
    if (l.warmupHash < config.warmupFraction && t !== null) {
      warmupLines.push(l);
      warmupLevelSet.add(l.level);
    } else push(promptsByLevel, l.level, l);
  }
  const levels = [...levelSet].sort((a, b) => a - b);
  const warmupLevels = [...warmupLevelSet].sort((a, b) => a - b);
  checkSplits(config, lines.length, heldoutLines.length, trainCount, warnings);
  if (verifier === 'regex' && warmupLines.length === 0) {
    warnings.push(
      `${path}: no training line has an "example" (an answer matching its pattern), so there is no supervised warm-up and self-improvement starts from random weights; add "example" fields`,
    );
  }
  const tokenizer = createCharTokenizer([...chars].sort());

  const toProblem = (l: JsonlLine, tag: string): Problem => ({ id: `${tag}-line${l.number}`, level: l.level, prompt: l.prompt, answer: l.answer });
  const heldoutByLevel = new Map<number, Problem[]>();
  for (const l of heldoutLines) {
    const list = heldoutByLevel.get(l.level);
    if (list) list.push(toProblem(l, 'heldout'));
    else heldoutByLevel.set(l.level, [toProblem(l, 'heldout')]);
  }
  const unevaluated = levels.filter((level) => !heldoutByLevel.has(level));
  if (unevaluated.length > 0) {
    const scored = levels.filter((level) => heldoutByLevel.has(level)).reduce((a, b) => Math.max(a, b), 0);
    const one = unevaluated.length === 1;
    warnings.push(
      `${path}: level${one ? '' : 's'} ${unevaluated.join(', ')} ${one ? 'has' : 'have'} no held-out problem, so ${one ? 'it is' : 'they are'} never evaluated (the hardest level scored is ${scored}); add lines at ${one ? 'that level' : 'those levels'}`,
    );
  }

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
    warnings,
    warmupBatch: (rng, n) => pick(rng, warmupLines, n, 'warmup', true),
    sample(rng, n, level) {
      // Prefer lines kept out of the warm-up; fall back to all training lines of the level when none are left.
      const fresh = promptsByLevel.get(level) ?? [];
      return pick(rng, fresh.length > 0 ? fresh : (trainByLevel.get(level) ?? []), n, 'train', false);
    },
    heldout: (level) => heldoutByLevel.get(level) ?? [],
    answerShaped: (output: string) => (verifier === 'numeric' ? output.trim() !== '' && Number.isFinite(Number(output.trim())) : output.trim() !== ''),
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
      return {
        correct,
        reward: correct ? 1 : 0,
        verdict: correct ? `correct: ${what}` : `expected ${what}, got ${got === '' ? 'nothing' : JSON.stringify(got)}`,
      };
    },
  };
}

/** A run needs problems to train on and problems held out to judge it; too few held out is a warning. */
function checkSplits(config: JsonlTaskConfig, total: number, heldout: number, train: number, warnings: string[]): void {
  const { path, heldoutFraction } = config;
  // Lines for about SMALL_HELDOUT held-out problems at this fraction.
  const enough = Math.ceil(SMALL_HELDOUT / heldoutFraction);
  if (heldout === 0) {
    throw new CodedError(
      'invalid_config',
      `${path}: none of its ${total} problem${total === 1 ? '' : 's'} falls in the held-out set (task.heldoutFraction ${heldoutFraction}), so the run could not be evaluated; add lines (about ${enough} give ${SMALL_HELDOUT} held-out problems)${heldoutFraction < 0.5 ? ' or raise task.heldoutFraction (below 1)' : ''}`,
      [{ path: 'task.path', message: `no held-out problems among ${total} lines` }],
    );
  }
  if (train === 0) {
    throw new CodedError(
      'invalid_config',
      `${path}: ${total === 1 ? 'its only problem falls' : `all ${total} problems fall`} in the held-out set (task.heldoutFraction ${heldoutFraction}), leaving none to train on; add lines or lower task.heldoutFraction`,
      [{ path: 'task.path', message: `no training problems among ${total} lines` }],
    );
  }
  if (heldout < SMALL_HELDOUT) {
    warnings.push(
      `${path}: only ${heldout} of ${total} problems are held out (task.heldoutFraction ${heldoutFraction}), so held-out accuracy moves in steps of ${(1 / heldout).toFixed(2)}; about ${enough} lines give ${SMALL_HELDOUT}`,
    );
  }
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
