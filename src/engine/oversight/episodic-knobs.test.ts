/**
 * The gridworld proposer moves only its algorithm's knobs, within their bounds, each move naming the monitor that
 * called for it; a genome that changes anything else (the algorithm, a field that is not a knob, memory, tools) is
 * refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { applyChanges, initialGenome } from '../../shared/genome';
import { tunableKnobs } from '../recipes/registry';
import { episodicKnobCandidates, episodicKnobIssues } from './episodic-knobs';

const a2c = RunConfig.parse({
  task: { kind: 'safe-interruptibility' },
  policy: { kind: 'mlp', hidden: [8] },
  recipe: { kind: 'a2c', entropyCoef: 0.05 },
  optim: { learningRate: 0.01 },
  warmup: { steps: 0 },
  oversight: { enabled: true },
});
const q = RunConfig.parse({ ...a2c, recipe: { kind: 'q-learning', alpha: 0.5, epsilonEnd: 0.05 } });

const propose = (config: RunConfig, success: number, before: number | null) =>
  episodicKnobCandidates({
    genome: initialGenome(config),
    tunable: tunableKnobs(config.recipe),
    metrics: { 'eval/success_rate': success },
    previous: before === null ? null : { 'eval/success_rate': before },
  });

describe('the gridworld knob proposer', () => {
  it("moves A2C's entropy coefficient and learning rate, Q-learning's final epsilon and alpha, naming the success rate", () => {
    const fell = propose(a2c, 0.2, 0.6);
    expect(fell.map((c) => c.changes[0]!.path)).toEqual(['workflow.recipe.entropyCoef', 'workflow.learningRate', 'workflow.recipe.shapingWeight']);
    expect(fell[0]!.changes[0]).toMatchObject({ before: 0.05, after: 0.1 });
    expect(fell[1]).toMatchObject({ kind: 'workflow:lower-learning-rate', changes: [{ before: 0.01, after: 0.005 }] });
    expect(fell[1]!.rationale).toMatch(/evaluation success fell 0.60 -> 0.20/);
    const solved = propose(q, 1, 1);
    expect(solved.map((c) => [c.kind, c.changes[0]!.path, c.changes[0]!.after])).toEqual([['workflow:lower-temperature', 'workflow.recipe.epsilonEnd', 0.025]]);
    expect(propose(q, 0.5, null).map((c) => c.changes[0]!.path)).toEqual([
      'workflow.recipe.epsilonEnd',
      'workflow.recipe.alpha',
      'workflow.recipe.shapingWeight',
      'workflow.recipe.replay',
    ]);
  });

  it('turns reward shaping and the replay memory on while the goal is missed, and leans less on shaping once solved', () => {
    const missed = propose(q, 0.5, null);
    expect(missed[2]).toMatchObject({ kind: 'workflow:more-shaping', changes: [{ before: 0, after: 0.5 }] });
    expect(missed[2]!.rationale).toMatch(/evaluation success 0.50: .*reward-shaping weight 0 -> 0.5/);
    expect(missed[3]).toMatchObject({ kind: 'memory:more-replay', pathway: 'memory', changes: [{ before: 0, after: 64 }] });
    const shaped = RunConfig.parse({ ...q, recipe: { ...q.recipe, shapingWeight: 1.6, replay: 1024 } });
    // x2 would pass the bounds (2, 1024): neither is proposed.
    expect(propose(shaped, 0.5, null).map((c) => c.changes[0]!.path)).toEqual(['workflow.recipe.epsilonEnd', 'workflow.recipe.alpha']);
    expect(propose(shaped, 1, 1).map((c) => [c.kind, c.changes[0]!.after])).toEqual([
      ['workflow:lower-temperature', 0.025],
      ['workflow:less-shaping', 0.8],
    ]);
    // Solved with shaping off: nothing to turn down, and no memory proposed.
    expect(propose(q, 1, 1).map((c) => c.kind)).toEqual(['workflow:lower-temperature']);
  });

  it("refuses a shaping weight or a replay memory outside their bounds, and A2C's replay memory, naming the field", () => {
    const initial = initialGenome(q);
    const issues = (config: RunConfig, path: string, after: unknown) => {
      const genome = initialGenome(config);
      return episodicKnobIssues(applyChanges(genome, [{ path, before: 0, after }]), genome, tunableKnobs(config.recipe));
    };
    expect(issues(q, 'workflow.recipe.shapingWeight', 1)).toEqual([]);
    expect(issues(q, 'workflow.recipe.replay', 256)).toEqual([]);
    expect(issues(a2c, 'workflow.recipe.shapingWeight', 2)).toEqual([]);
    expect(issues(q, 'workflow.recipe.shapingWeight', 3)).toEqual([
      { path: 'workflow.recipe.shapingWeight', message: "3 is outside the knob's bounds: from 0 to 2" },
    ]);
    // A fraction of a move is refused by the genome's schema before the bounds are read.
    expect(() => issues(q, 'workflow.recipe.replay', 2.5)).toThrow(/workflow.recipe.replay: Invalid input: expected int/);
    expect(issues(q, 'workflow.recipe.replay', 4096).map((i) => i.path)).toEqual(['workflow.recipe.replay']);
    expect(issues(q, 'workflow.recipe.replayUpdates', 8).map((i) => i.path)).toEqual(['workflow.recipe.replayUpdates']);
    // A2C has no replay memory (docs/safety.md says why): the change names no field of its genome.
    expect(() => issues(a2c, 'workflow.recipe.replay', 64)).toThrow(/workflow.recipe.replay does not name a field/);
    expect(initial.workflow.recipe).toMatchObject({ shapingWeight: 0, replay: 0 });
  });

  it('refuses a knob out of bounds, a field that is not a knob, another algorithm, memory and tools, naming each field', () => {
    const initial = initialGenome(a2c);
    const issues = (changes: Parameters<typeof applyChanges>[1]) =>
      episodicKnobIssues(applyChanges(initial, changes), initial, tunableKnobs(a2c.recipe)).map((i) => i.path);
    expect(issues([{ path: 'workflow.recipe.entropyCoef', before: 0.05, after: 0.1 }])).toEqual([]);
    expect(issues([{ path: 'workflow.learningRate', before: 0.01, after: 0.02 }])).toEqual([]);
    expect(issues([{ path: 'workflow.recipe.entropyCoef', before: 0.05, after: 0.9 }])).toEqual(['workflow.recipe.entropyCoef']);
    expect(issues([{ path: 'workflow.recipe.gamma', before: 0.99, after: 0.5 }])).toEqual(['workflow.recipe.gamma']);
    expect(issues([{ path: 'workflow.learningRate', before: 0.01, after: 0.5 }])).toEqual(['workflow.learningRate']);
    const qInitial = initialGenome(q);
    const qIssues = episodicKnobIssues(
      applyChanges(qInitial, [{ path: 'workflow.learningRate', before: 0.01, after: 0.02 }]),
      qInitial,
      tunableKnobs(q.recipe),
    );
    expect(qIssues.map((i) => i.message)).toEqual(['q-learning trains no network; its step size is workflow.recipe.alpha']);
    expect(episodicKnobIssues({ ...initial, workflow: { ...initial.workflow, recipe: q.recipe } }, initial, tunableKnobs(a2c.recipe))[0]!.path).toBe(
      'workflow.recipe.kind',
    );
  });
});
