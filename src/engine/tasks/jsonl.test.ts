import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlTaskConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import { createRng } from '../rng';
import { createJsonlTask } from './jsonl';

const dir = mkdtempSync(join(tmpdir(), 'evolab-jsonl-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function write(lines: string[]): string {
  const path = join(dir, `f${files++}.jsonl`);
  writeFileSync(path, lines.join('\n'));
  return path;
}
const config = (path: string, over: Partial<JsonlTaskConfig> = {}) => JsonlTaskConfig.parse({ kind: 'jsonl', path, ...over });
const line = (prompt: string, answer: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ prompt, answer, ...extra });
/** Enough well-formed lines for both splits. */
const filler = (n = 60, from = 0) => Array.from({ length: n }, (_, i) => line(`${from + i}+1=`, String(from + i + 1)));

function refusal(path: string, over: Partial<JsonlTaskConfig> = {}): CodedError {
  try {
    createJsonlTask(config(path, over));
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('invalid_config');
    return error as CodedError;
  }
  throw new Error('expected the file to be refused');
}

describe('jsonl data checks', () => {
  it('refuses empty answers, which a policy that writes nothing would score 1.000 on', () => {
    const allEmpty = write(Array.from({ length: 50 }, (_, i) => line(`q${i}?`, '')));
    const e = refusal(allEmpty);
    expect(e.message).toContain('line 1: "answer" is empty');
    expect(e.message).toContain('Give the expected output, or remove the line');
    expect(refusal(write([...filler(), line('blank?', '   ')])).message).toContain('line 61: "answer" is empty');
  });

  it('refuses a non-numeric answer under the numeric verifier, naming the line and both fixes', () => {
    const path = write([...filler(), line('pi=', 'about three')]);
    const e = refusal(path, { verifier: 'numeric' });
    expect(e.message).toContain('line 61: "answer" "about three" is not a number, but task.verifier is "numeric"');
    expect(e.message).toContain('set task.verifier to "exact"');
    expect(() => createJsonlTask(config(path))).not.toThrow(); // fine under exact
  });

  it('refuses the same prompt with two different answers, naming both lines', () => {
    const e = refusal(write([line('2+2=', '4'), ...filler(), line('2+2=', '5')]));
    expect(e.message).toContain('line 62: the prompt "2+2=" is also on line 1 with a different answer ("4" there, "5" here)');
    // Under the numeric verifier 1.0 and 1 are one answer; a plain repeat is a warning, not a refusal.
    const task = createJsonlTask(config(write([line('one=', '1.0'), ...filler(), line('one=', '1', { level: 1 })]), { verifier: 'numeric' }));
    expect(task.warnings?.join('\n')).toContain('1 line repeats the prompt of an earlier line (first: line 62 repeats line 1)');
  });

  it('refuses NUL characters, raw (a binary or UTF-16 file) or escaped', () => {
    const utf16 = join(dir, 'utf16.jsonl');
    writeFileSync(utf16, Buffer.from(`${filler(5).join('\n')}\n`, 'utf16le'));
    expect(refusal(utf16).message).toMatch(/line 1: contains NUL bytes; the file looks binary or UTF-16: save it as UTF-8/);
    expect(refusal(write([...filler(), '{"prompt":"a\\u0000b","answer":"1"}'])).message).toContain('line 61: "prompt" contains a NUL character');
  });

  it('refuses a file too small to hold out a problem, and warns when the held-out set is tiny', () => {
    const tiny = refusal(write(filler(2)));
    expect(tiny.message).toMatch(/none of its 2 problems falls in the held-out set \(task\.heldoutFraction 0\.2\)/);
    expect(tiny.message).toContain('about 50 give 10 held-out problems');
    const small = createJsonlTask(config(write(filler(20))));
    const held = small.heldout(1).length;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(10);
    expect(small.warnings?.join('\n')).toContain(`only ${held} of 20 problems are held out`);
    expect(createJsonlTask(config(write(filler(400)))).warnings).toEqual([]);
  });

  it('takes an integer answer as its decimal string, and refuses one too large to keep exactly', () => {
    const task = createJsonlTask(config(write([...filler(), '{"prompt": "2+2=", "answer": 4}'])));
    const problems = [...task.heldout(1), ...task.sample(createRng(1), 500, 1)];
    expect(problems.find((p) => p.prompt === '2+2=')?.answer).toBe('4');
    expect(refusal(write([...filler(), '{"prompt":"big=","answer":12345678901234567890}'])).message).toContain(
      'line 61: "answer" 12345678901234567890 is too large an integer to keep exactly; write it as a string',
    );
  });

  it('warns about regex answers that match an empty output and levels with nothing held out', () => {
    const lines = [...filler(60).map((l, i) => l.replace(/"answer":"(\d+)"/, `"answer":"${i}\\\\d*","example":"${i}"`)), line('rare=', 'x', { level: 9 })];
    const task = createJsonlTask(config(write(lines), { verifier: 'regex' }));
    const warnings = task.warnings?.join('\n') ?? '';
    expect(warnings).toContain('level 9 has no held-out problem');
    expect(createJsonlTask(config(write([...filler(), line('any=', '\\d*', { example: '7' })]), { verifier: 'regex' })).warnings?.join('\n')).toContain(
      '1 regex answer also match an empty output',
    );
  });

  it('loads a file with 500k lines (too many for a spread) in one linear pass', async () => {
    const path = join(dir, 'large.jsonl');
    const out = createWriteStream(path);
    for (let i = 0; i < 500_000; i++) out.write(`${line(`${i}+${i % 97}=`, String(i + (i % 97)), { level: 1 + (i % 3) })}\n`);
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const task = createJsonlTask(config(path));
    expect(task.levels).toEqual([1, 2, 3]);
    // BOS + "499999+39=" + "500038" + EOS
    expect(task.maxSequenceLength).toBe(1 + 10 + 6 + 1);
    const held = task.levels.reduce((n, level) => n + task.heldout(level).length, 0);
    expect(held / 500_000).toBeGreaterThan(0.19);
    expect(held / 500_000).toBeLessThan(0.21);
    expect(task.sample(createRng(2), 10, 3)).toHaveLength(10);
  }, 60_000);
});
