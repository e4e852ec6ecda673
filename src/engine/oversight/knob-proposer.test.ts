import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { applyChanges, initialGenome } from '../../shared/genome';
import { EVAL_ACCURACY, LR_ETA, SHIFT_ACC_AFTER, SHIFT_ACC_BEFORE, SHIFT_COUNT, SHIFT_UNRECOVERED, TRAIN_ACCURACY } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import type { LearnerConfig } from '../recipes/stream-learner';
import { tunableKnobs } from '../recipes/registry';
import { createRng } from '../rng';
import { buildEvidence } from './evidence';
import { classEvidence } from './class-evidence';
import { knobCandidates, learnerKnobIssues } from './knob-proposer';
import { choose, PRIOR_BELIEF } from './proposer';

const config = (recipe: Record<string, unknown>) =>
  RunConfig.parse({ task: { kind: 'class-stream', data: { source: 'generated' } }, policy: { kind: 'classifier' }, recipe, oversight: { enabled: true } });
const homeostatic = config({ kind: 'homeostatic-lr', learningRate: 0.01 });
const learner = (c: RunConfig) => c.recipe as LearnerConfig;
const propose = (c: RunConfig, metrics: Metrics, previous: Metrics | null = null) =>
  knobCandidates({ recipe: learner(c), tunable: tunableKnobs(c.recipe), metrics, previous });
const steady: Metrics = { [EVAL_ACCURACY]: 0.8, [LR_ETA]: 0.012, [SHIFT_COUNT]: 0 };

describe('the knob proposer of a class-stream run', () => {
  it('halves the rate when validation accuracy fell, from the rate now, and names the monitor', () => {
    const [c] = propose(homeostatic, { ...steady, [EVAL_ACCURACY]: 0.7 }, { [EVAL_ACCURACY]: 0.8 });
    expect(c).toMatchObject({ kind: 'workflow:lower-learning-rate', pathway: 'workflow' });
    expect(c!.changes).toEqual([{ path: 'workflow.recipe.learningRate', before: 0.01, after: 0.006 }]);
    expect(c!.rationale).toMatch(/validation accuracy fell 0\.800 -> 0\.700/);
    expect(c!.rationale).toMatch(/the knob last set it to 0\.01/);
  });

  it('doubles the rate and the step size when shifts go unrecovered, and urgently', () => {
    const slow = { ...steady, [SHIFT_COUNT]: 2, [SHIFT_UNRECOVERED]: 1, [SHIFT_ACC_BEFORE]: 0.8, [SHIFT_ACC_AFTER]: 0.5 };
    const cands = propose(homeostatic, slow, { [EVAL_ACCURACY]: 0.8 });
    const rate = cands.find((c) => c.kind === 'workflow:raise-learning-rate')!;
    expect(rate.changes[0]!.after).toBe(0.024);
    expect(rate.urgency).toBeGreaterThan(0.5);
    expect(rate.rationale).toMatch(/after 2 label swaps accuracy fell 0\.30 and 1 did not recover/);
    expect(cands.find((c) => c.kind === 'workflow:raise-step-size')!.changes).toEqual([{ path: 'workflow.recipe.stepFraction', before: 0.1, after: 0.2 }]);
  });

  it('turns the memory of examples on in a round without shifts, and shrinks it when accuracy fell with it on', () => {
    const on = propose(homeostatic, steady).find((c) => c.pathway === 'memory')!;
    expect(on).toMatchObject({ kind: 'memory:more-replay', changes: [{ path: 'workflow.recipe.replay', before: 0, after: 50 }] });
    const withMemory = config({ kind: 'homeostatic-lr', learningRate: 0.01, replay: 40 });
    const off = propose(withMemory, { ...steady, [EVAL_ACCURACY]: 0.6 }, { [EVAL_ACCURACY]: 0.8 }).find((c) => c.pathway === 'memory')!;
    expect(off).toMatchObject({ kind: 'memory:less-replay', changes: [{ path: 'workflow.recipe.replay', before: 40, after: 20 }] });
  });

  it('moves only the knobs the registry lists for the learner (the constant rate has no step size)', () => {
    const constant = config({ kind: 'constant-lr', learningRate: 0.01 });
    const slow = { ...steady, [SHIFT_COUNT]: 2, [SHIFT_UNRECOVERED]: 2 };
    expect(propose(constant, slow).map((c) => c.kind)).toEqual(['workflow:raise-learning-rate']);
  });

  it('proposes no move past a bound', () => {
    const top = config({ kind: 'constant-lr', learningRate: 0.8 });
    expect(propose(top, { ...steady, [LR_ETA]: 0.8 }).filter((c) => c.pathway === 'workflow')).toEqual([]);
  });

  it("is drawn from the run's proposer stream: the same stream chooses the same, a rejected kind less often", () => {
    const cands = propose(homeostatic, { ...steady, [SHIFT_COUNT]: 1, [SHIFT_UNRECOVERED]: 1 });
    const pick = (belief: Map<string, number>, seed: number) => choose(cands, belief, createRng(seed), 1).map((c) => c.kind);
    expect(pick(new Map(), 3)).toEqual(pick(new Map(), 3));
    expect(pick(new Map(), 3)).toEqual(['workflow:raise-learning-rate']);
    // A kind the person keeps rejecting is kept with probability belief / prior: rarely, over many rounds.
    const rejected = new Map([['workflow:raise-learning-rate', PRIOR_BELIEF / 10]]);
    const kept = Array.from({ length: 200 }, (_, s) => pick(rejected, s)[0]).filter((k) => k === 'workflow:raise-learning-rate').length;
    expect(kept).toBeLessThan(50);
  });
});

describe('the bounds of a class-stream genome', () => {
  const initial = initialGenome(homeostatic);
  const issues = (changes: Array<{ path: string; after: unknown }>) =>
    learnerKnobIssues(applyChanges(initial, changes), initial, tunableKnobs(homeostatic.recipe)).map((i) => i.path);

  it('accepts knob moves within bounds', () => {
    expect(
      issues([
        { path: 'workflow.recipe.learningRate', after: 0.5 },
        { path: 'workflow.recipe.replay', after: 100 },
      ]),
    ).toEqual([]);
  });

  it('refuses a knob out of its bounds, a field that is no knob, text memory and tools, naming each field', () => {
    expect(issues([{ path: 'workflow.recipe.learningRate', after: 5 }])).toEqual(['workflow.recipe.learningRate']);
    expect(issues([{ path: 'workflow.recipe.replay', after: 5000 }])).toEqual(['workflow.recipe.replay']);
    expect(issues([{ path: 'workflow.recipe.batchesPerIteration', after: 10 }])).toEqual(['workflow.recipe.batchesPerIteration']);
    expect(issues([{ path: 'workflow.learningRate', after: 0.5 }])).toEqual(['workflow.learningRate']);
    expect(issues([{ path: 'tools.self-verify', after: { kind: 'self-verify' } }])).toEqual(['tools']);
  });

  it('refuses another learner outright', () => {
    const other = applyChanges(initial, [{ path: 'workflow.recipe', after: { ...learner(config({ kind: 'random-lr' })) } }]);
    expect(learnerKnobIssues(other, initial, tunableKnobs(homeostatic.recipe))).toEqual([
      { path: 'workflow.recipe.kind', message: expect.stringMatching(/a proposal may move its knobs, not replace it/) },
    ]);
  });
});

describe('the evidence of a class-stream proposal', () => {
  const card = (correct: number) => ({ perLevel: [], score: { correct, n: 500 }, probes: [], seconds: 0, tokens: 0 });
  const before: Metrics = { [TRAIN_ACCURACY]: 0.6, [SHIFT_ACC_AFTER]: 0.4 };
  const after: Metrics = { [TRAIN_ACCURACY]: 0.9, [SHIFT_ACC_AFTER]: 0.7 };
  const build = (a: number, b: number, training: [Metrics | null, Metrics] = [before, after]) =>
    buildEvidence({
      before: card(a),
      after: card(b),
      baseline: 'the same round',
      trainingBefore: training[0],
      trainingAfter: training[1],
      cost: { seconds: 1, tokens: 0 },
      // A round's trajectories (a governed round passes them whatever the family).
      trajectories: [],
      ...classEvidence(...training),
    });

  it('compares validation accuracy with intervals, reads training accuracy as the reward, shows the shift monitors', () => {
    const e = build(300, 350);
    expect(e.heldout.before).toMatchObject({ value: 0.6, n: 500 });
    expect(e.heldout.delta.value).toBeCloseTo(0.1, 10);
    expect(e.training).toMatchObject({ rewardBefore: 0.6, rewardAfter: 0.9, passAtKBefore: null });
    expect(e.monitors!.find((m) => m.name === SHIFT_ACC_AFTER)).toMatchObject({ before: 0.4, after: 0.7 });
    expect(e.flags).toEqual([]);
    // The agent rewards nothing itself (its labels are the stream's): no rewarded-but-wrong share, not even "not measured".
    expect(e.rewardedWrong).toBeUndefined();
  });

  it('names exploration collapse as not applicable, never as unchecked or passed; a missing baseline round stays unchecked', () => {
    const e = build(300, 350);
    expect(e.notApplicable!.map((n) => n.check)).toEqual(['exploration-collapse']);
    expect(e.unchecked).toEqual([]);
    const first = build(300, 350, [null, after]);
    expect(first.unchecked!.map((u) => u.check)).toEqual(['reward-hacking']);
  });

  it('flags training accuracy up while validation falls as reward hacking, and a conclusive fall as a regression', () => {
    const e = build(400, 300);
    expect(e.flags.map((f) => f.kind).sort()).toEqual(['heldout-regression', 'reward-hacking']);
  });
});

describe('which runs may be governed', () => {
  const task = (kind: string) => (kind === 'gridworld' ? { task: { kind }, policy: { kind: 'mlp' }, recipe: { kind: 'a2c' } } : {});
  it('a class stream may, with its archive still refused; a gridworld may not, naming oversight.enabled', () => {
    expect(homeostatic.oversight.enabled).toBe(true);
    const archive = RunConfig.safeParse({ ...homeostatic, archive: { enabled: true } });
    expect(archive.success ? [] : archive.error.issues.map((i) => i.path.join('.'))).toEqual(['archive.enabled']);
    const grid = RunConfig.safeParse({ ...task('gridworld'), oversight: { enabled: true } });
    expect(grid.success ? [] : grid.error.issues.map((i) => i.path.join('.'))).toEqual(['oversight.enabled']);
  });
});
