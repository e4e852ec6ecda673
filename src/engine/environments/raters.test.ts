import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { applyChanges, GenomeChangeError, initialGenome, protectedTarget } from '../../shared/genome';
import { RaterConfig, type PreferenceTaskConfig } from '../../shared/preferences';
import { protectedRejection } from '../oversight/protocol';
import { createRng } from '../rng';
import { createTask } from '../tasks';
import { createPreferenceTask } from '../tasks/preference';
import type { Problem } from '../types';
import { compare, winRates } from './preferences';
import { createRater, cyclicProbability, panelProbability } from './raters';

const task = createPreferenceTask({ kind: 'preference', classes: ['rock', 'scissors', 'paper'], warmupShares: [1, 1, 1], prompts: 10, heldoutPrompts: 4 });
const problem: Problem = task.heldout(1)[0]!;
const rater = (config: unknown) => createRater(RaterConfig.parse(config), task);

describe('raters over output classes', () => {
  it('cyclic: each class beats the next with probability p and loses to the one before, so no ordering is consistent', () => {
    const r = rater({ kind: 'cyclic', p: 0.8 });
    expect(r.probability(problem, 'rock', 'scissors')).toBeCloseTo(0.8);
    expect(r.probability(problem, 'scissors', 'paper')).toBeCloseTo(0.8);
    expect(r.probability(problem, 'paper', 'rock')).toBeCloseTo(0.8);
    expect(r.probability(problem, 'scissors', 'rock')).toBeCloseTo(0.2);
    expect(r.probability(problem, 'rock', 'rock')).toBe(0.5);
    // An output of no class loses to any class and ties with another of no class.
    expect(r.probability(problem, 'lizard', 'paper')).toBe(0);
    expect(r.probability(problem, 'paper', 'lizard')).toBe(1);
    expect(r.probability(problem, 'lizard', 'spock')).toBe(0.5);
    // Against the uniform mix every class wins exactly half its comparisons: the Minimax Winner.
    for (let i = 0; i < 3; i++) expect([0, 1, 2].reduce((a, j) => a + cyclicProbability(i, j, 0.8), 0) / 3).toBeCloseTo(0.5);
  });

  it("panel: three transitive raters whose majority is cyclic (Condorcet's paradox)", () => {
    const r = rater({ kind: 'panel', accuracy: 1 });
    expect(r.probability(problem, 'rock', 'scissors')).toBe(1);
    expect(r.probability(problem, 'scissors', 'paper')).toBe(1);
    expect(r.probability(problem, 'paper', 'rock')).toBe(1);
    // Noisy voters: the majority is right with P(at least 2 of 3), and the cycle stays.
    // Rock against scissors: two rankings say rock (each with 0.9), one says scissors (so votes rock with 0.1).
    // P(at least two of three) = .9*.1*.1 + .9*.9*.9 + .1*.1*.9 + .9*.1*.9 = 0.828.
    const a = 0.9;
    expect(panelProbability(0, 1, a)).toBeCloseTo(0.828);
    expect(panelProbability(1, 2, a)).toBeCloseTo(panelProbability(0, 1, a));
    expect(panelProbability(2, 0, a)).toBeCloseTo(panelProbability(0, 1, a));
    expect(panelProbability(1, 0, a)).toBeCloseTo(1 - panelProbability(0, 1, a));
  });

  it('utility: Bradley-Terry noise around a hidden utility per class, transitive', () => {
    const r = rater({ kind: 'utility', utilities: [1, 0, -1], temperature: 0.5 });
    expect(r.probability(problem, 'rock', 'scissors')).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(r.probability(problem, 'rock', 'paper')).toBeCloseTo(1 / (1 + Math.exp(-4)));
    expect(r.probability(problem, 'paper', 'rock')).toBeCloseTo(1 / (1 + Math.exp(4)));
    // Drawn comparisons follow the probability.
    const rng = createRng(2);
    let wins = 0;
    for (let i = 0; i < 3000; i++) wins += compare(r, problem, 'rock', 'scissors', rng);
    expect(wins / 3000).toBeCloseTo(1 / (1 + Math.exp(-2)), 1);
  });

  it("utility without classes: Bradley-Terry noise around the verifier's reward of a text task", () => {
    const arithmetic = createTask(RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'dpo' } }).task);
    const p = arithmetic.heldout(1)[0]!;
    const r = createRater(RaterConfig.parse({ kind: 'utility', temperature: 0.5 }), arithmetic);
    expect(r.probability(p, p.answer!, 'x')).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(r.probability(p, 'x', 'y')).toBe(0.5);
  });

  it('win rates under the cyclic rater: an even mix wins half, a class alone against its victim wins more', () => {
    const r = rater({ kind: 'cyclic', p: 1 });
    expect(winRates({ problem, outputs: ['rock', 'scissors', 'paper'] }, r, createRng(1))).toEqual([0.5, 0.5, 0.5]);
    expect(winRates({ problem, outputs: ['rock', 'scissors', 'scissors'] }, r, createRng(1))).toEqual([1, 0.25, 0.25]);
  });
});

describe('a rater must fit its task, and no proposal may change it', () => {
  const base = { task: { kind: 'arithmetic' }, recipe: { kind: 'dpo' } };

  it('refuse a rater over classes on a task without classes, naming the field and the fix', () => {
    for (const [rater, path] of [
      [{ kind: 'cyclic' }, 'rater.kind'],
      [{ kind: 'panel' }, 'rater.kind'],
      [{ kind: 'utility', utilities: [1, 0] }, 'rater.utilities'],
    ] as const) {
      const parsed = RunConfig.safeParse({ ...base, rater });
      expect(parsed.success, JSON.stringify(rater)).toBe(false);
      const issue = parsed.error!.issues.find((i) => i.path.join('.') === path);
      expect(issue?.message).toMatch(/task\.kind "preference"/);
    }
    const preference: Partial<PreferenceTaskConfig> = { kind: 'preference', classes: ['a', 'b'], warmupShares: [1, 1] };
    const two = RunConfig.safeParse({ ...base, task: preference, rater: { kind: 'cyclic' } });
    expect(two.error!.issues.map((i) => i.message).join()).toMatch(/exactly three classes/);
    const utilities = RunConfig.safeParse({ ...base, task: { kind: 'preference' }, rater: { kind: 'utility', utilities: [1, 2] } });
    expect(utilities.error!.issues.map((i) => i.path.join('.'))).toContain('rater.utilities');
    expect(RunConfig.parse({ ...base, task: { kind: 'preference' }, rater: { kind: 'cyclic' } }).rater).toEqual({ kind: 'cyclic', p: 0.8 });
    expect(RunConfig.parse(base).rater).toEqual({ kind: 'verifier' });
  });

  it('a proposal that would change the rater is refused as a protected-invariant change', () => {
    const config = RunConfig.parse({ ...base, task: { kind: 'preference' }, rater: { kind: 'cyclic' } });
    const genome = initialGenome(config);
    expect(protectedTarget('rater.p')).toBe('rater');
    expect(() => applyChanges(genome, [{ path: 'rater.kind', before: 'cyclic', after: 'verifier' }])).toThrow(GenomeChangeError);
    let refused: unknown = null;
    try {
      applyChanges(genome, [{ path: 'rater.p', after: 0.5 }]);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(GenomeChangeError);
    expect((refused as GenomeChangeError).protectedRoot).toBe('rater');
    expect((refused as GenomeChangeError).message).toMatch(/protected invariant \(rater\)/);
    // Nor through the recipe, whose schema has no rater field.
    expect(() => applyChanges(genome, [{ path: 'workflow.recipe.rater', after: { kind: 'verifier' } }])).toThrow(GenomeChangeError);
    expect(protectedRejection([{ kind: 'protected-invariant', message: 'changes rater.kind: rater is protected' }])).toMatchObject({ status: 'rejected' });
  });

  it('a person as the rater: only for DPO, and a proposal may neither replace the person nor change the quorum or the replay', () => {
    const person = RunConfig.parse({ ...base, rater: { kind: 'person' } });
    expect(person.rater).toEqual({ kind: 'person', quorum: 0 });
    const spo = RunConfig.safeParse({ ...base, recipe: { kind: 'spo' }, rater: { kind: 'person' } });
    expect(spo.error!.issues.find((i) => i.path.join('.') === 'rater.kind')?.message).toMatch(/only recipe\.kind "dpo"/);
    const genome = initialGenome(person);
    for (const change of [
      { path: 'rater.kind', before: 'person', after: 'verifier' },
      { path: 'rater.quorum', before: 0, after: 1 },
      { path: 'rater.replayChoicesFrom', after: 'r1' },
    ]) {
      let refused: unknown = null;
      try {
        applyChanges(genome, [change]);
      } catch (e) {
        refused = e;
      }
      expect(refused, change.path).toBeInstanceOf(GenomeChangeError);
      expect((refused as GenomeChangeError).protectedRoot).toBe('rater');
    }
    // The person's rater cannot be asked for a probability: its choices come through the recipe.
    expect(() => createRater(person.rater, createTask(person.task)).probability(problem, 'a', 'b')).toThrow(/Rate page/);
  });
});
