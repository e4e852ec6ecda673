import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { createRng } from '../rng';
import { createTask } from '.';

const task = createTask(RunConfig.parse({ task: { kind: 'preference', prompts: 50, heldoutPrompts: 8 }, recipe: { kind: 'spo' } }).task);

describe('the preference task', () => {
  it('warm up on the classes at the configured shares, with no answer key for training prompts', () => {
    const batch = task.warmupBatch(createRng(1), 6000);
    const share = (name: string) => batch.filter((p) => p.answer === name).length / batch.length;
    expect(share('rock')).toBeCloseTo(0.6, 1);
    expect(share('scissors')).toBeCloseTo(0.3, 1);
    expect(share('paper')).toBeCloseTo(0.1, 1);
    expect(task.sample(createRng(1), 5, 1).every((p) => p.answer === null)).toBe(true);
  });

  it('hold out fixed prompts that training never samples, the same whatever the seed', () => {
    const heldout = task.heldout(1).map((p) => p.prompt);
    expect(heldout).toHaveLength(8);
    const trained = new Set(task.sample(createRng(3), 2000, 1).map((p) => p.prompt));
    expect(heldout.some((p) => trained.has(p))).toBe(false);
    expect(task.heldout(1)).toEqual(task.heldout(1));
  });

  it('class each output, verifying only that it is one of the classes', () => {
    const [p] = task.heldout(1);
    expect(task.outputClasses!.classOf('paper')).toBe(2);
    expect(task.outputClasses!.classOf('lizard')).toBeNull();
    expect(task.verify(p!, 'rock').correct).toBe(true);
    expect(task.verify(p!, 'roc').reward).toBe(0);
    for (const name of task.outputClasses!.names) expect(task.tokenizer.decode(task.tokenizer.encode(name))).toBe(name);
    expect(1 + task.tokenizer.encode(`${p!.prompt}scissors`).length + 1).toBeLessThanOrEqual(task.maxSequenceLength);
  });

  it('refuse oversight and the archive, whose evidence needs an answer key, naming the field', () => {
    for (const field of ['oversight', 'archive']) {
      const bad = RunConfig.safeParse({ task: { kind: 'preference' }, recipe: { kind: 'spo' }, [field]: { enabled: true } });
      const issue = bad.error!.issues.find((i) => i.path.join('.') === `${field}.enabled`);
      expect(issue?.message).toMatch(/task\.kind "preference" has none/);
    }
  });

  it('refuse warm-up shares that do not match the classes, naming the field', () => {
    const bad = RunConfig.safeParse({ task: { kind: 'preference', warmupShares: [1, 1] }, recipe: { kind: 'spo' } });
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toContain('task.warmupShares');
  });
});
