import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { applyChanges, GenomeChangeError, initialGenome, PROTECTED_ROOTS, type Genome, type MemoryEntry } from '../../shared/genome';
import { DEFAULT_POLICY, POLICY_PRESETS, type Evidence } from '../../shared/oversight';
import { createRng } from '../rng';
import { betaSummary } from '../store/oversight-store';
import { createArithmeticTask } from '../tasks/arithmetic';
import type { Policy, SampleOptions, TrajectoryRecord } from '../types';
import { agentView } from './agent-view';
import type { Scorecard } from '../environments/text-task';
import { memoryConsensus } from './consensus';
import { buildEvidence, wilson } from './evidence';
import { gate } from './gate';
import { candidates, choose, PRIOR_BELIEF, type ProposerInput } from './proposer';
import { changeSize } from './size';

const config = RunConfig.parse({
  task: { kind: 'arithmetic', warmupMaxDigits: 2, maxDigits: 3 },
  recipe: { kind: 'star', balance: { enabled: false } },
  oversight: { enabled: true },
});
const task = createArithmeticTask({
  kind: 'arithmetic',
  operation: 'add',
  warmupMaxDigits: 2,
  maxDigits: 3,
  reverseAnswer: true,
  reverseOperands: true,
  padOperands: true,
  heldoutPerLevel: 16,
});

function assessment(correct: number, n = 100, probes: Record<string, number> = { 'warmup-skill': 0.9 }): Scorecard {
  return {
    perLevel: [{ level: 3, correct, n }],
    score: { correct, n },
    probes: Object.entries(probes).map(([id, value]) => ({ id, description: id, value })),
    seconds: 0.1,
    tokens: 10,
  };
}

function traj(over: Partial<TrajectoryRecord>): TrajectoryRecord {
  return { level: 3, prompt: '100+200=', output: '0030', answer: null, reward: 1, correct: true, kept: true, verdict: '', ...over };
}

function input(over: Partial<ProposerInput> = {}): ProposerInput {
  return {
    iteration: 2,
    genome: initialGenome(config),
    metrics: {},
    previous: null,
    trajectories: [],
    evaluationShare: 0.1,
    heldoutPerLevel: 64,
    inconsistentMemory: [],
    memoryPerProposal: 8,
    answerShaped: (o) => /^\d+$/.test(o.trim()),
    ...over,
  };
}

/** The sum the prompt asks for, written as the task writes answers. */
function solve(prompt: string): string {
  const [a, b] = prompt
    .replace('=', '')
    .split('+')
    .map((x) => Number([...x].reverse().join('')));
  return [...String(a! + b!).padStart(4, '0')].reverse().join('');
}

/** A policy that adds correctly, except on one prompt, where it answers `wrong`. */
function arithmeticPolicy(badPrompt: string, wrong: string): Policy {
  const tk = task.tokenizer;
  return {
    numParams: 0,
    contextLength: 64,
    sample(prompts: number[][], _options: SampleOptions) {
      const tokens = prompts.map((p) => {
        const prompt = tk.decode(p.slice(1));
        return tk.encode(prompt === badPrompt ? wrong : solve(prompt));
      });
      return { tokens, logProbs: tokens.map((t) => t.map(() => 0)) };
    },
    prepare: () => {
      throw new Error('the stand-in policy does not train');
    },
    tokenLogProbs: () => {
      throw new Error('the stand-in policy does not train');
    },
    trainable: {
      variables: {},
      optimizer: {
        apply: () => {
          throw new Error('the stand-in policy does not train');
        },
        snapshot: () => ({ step: 0, slots: [] }),
        restore: () => undefined,
      },
    },
    logProbs: () => [],
    getState: () => ({ config: null, step: 0, weights: {}, optimizer: {} }),
    setState: () => undefined,
    clone() {
      return this;
    },
    dispose: () => undefined,
  };
}

describe('the proposer, per pathway', () => {
  it('workflow: narrow exploration raises the temperature, a noisy kept set lowers it, a held-out fall lowers the learning rate', () => {
    const raise = candidates(input({ metrics: { 'explore/pass_at_k': 0.5, 'curriculum/mastery': 0.45 } }));
    expect(raise.find((c) => c.kind === 'workflow:raise-temperature')?.changes).toEqual([{ path: 'workflow.recipe.temperature', before: 0.8, after: 0.96 }]);
    const lower = candidates(input({ metrics: { 'exploit/reward_precision': 0.4 } }));
    expect(lower.find((c) => c.kind === 'workflow:lower-temperature')?.changes[0]?.after).toBeCloseTo(0.68);
    const lr = candidates(input({ metrics: { 'heldout/acc_unseen': 0.3 }, previous: { 'heldout/acc_unseen': 0.5 } }));
    expect(lr.find((c) => c.kind === 'workflow:lower-learning-rate')?.rationale).toMatch(/0\.50 -> 0\.30/);
    expect(
      candidates(input({ metrics: { 'explore/pass_at_k': 0.9, 'curriculum/mastery': 0.4, 'exploit/reward_precision': 0.9 } })).filter(
        (c) => c.pathway === 'workflow',
      ),
    ).toEqual([]);
  });

  it('memory: confident kept samples of the current level become exemplars with their source; inconsistent entries are dropped', () => {
    const trajectories = [
      traj({ prompt: '100+200=', reward: 1 }),
      traj({ prompt: '110+200=', reward: 0.875 }),
      traj({ prompt: '120+200=', reward: 0.5 }),
      traj({ prompt: '130+200=', kept: false }),
    ];
    const add = candidates(input({ metrics: { 'curriculum/level': 3 }, trajectories })).find((c) => c.kind === 'memory:add-exemplars')!;
    expect(add.changes.map((c) => (c.after as MemoryEntry).prompt)).toEqual(['100+200=', '110+200=']);
    expect((add.changes[0]!.after as MemoryEntry).source).toEqual({ iteration: 2, origin: 'self', support: 1 });
    const genome = applyChanges(initialGenome(config), add.changes);
    expect(genome.memory.entries).toHaveLength(2);
    const drop = candidates(input({ genome, inconsistentMemory: ['m2-1'] })).find((c) => c.kind === 'memory:drop-inconsistent')!;
    expect(applyChanges(genome, drop.changes).memory.entries.map((e) => e.id)).toEqual(['m2-2']);
  });

  it('tool: malformed kept samples call for self-verification; a low kept share for format credit; a stalled level for a curriculum rule', () => {
    const kinds = candidates(
      input({
        metrics: { 'train/kept_fraction': 0.2, 'curriculum/mastery': 0.7, 'curriculum/level': 3 },
        previous: { 'curriculum/level': 3 },
        trajectories: [traj({ output: '00x' }), traj({})],
      }),
    ).map((c) => c.kind);
    expect(kinds).toEqual(expect.arrayContaining(['tool:self-verify', 'tool:format-credit', 'tool:curriculum-rule']));
    const withTools = applyChanges(initialGenome(config), [
      { path: 'tools.self-verify', after: { kind: 'self-verify' } },
      { path: 'tools.reward-shaping', after: { kind: 'reward-shaping', rule: 'format-credit' } },
    ]);
    expect(
      candidates(input({ genome: withTools, metrics: { 'train/kept_fraction': 0.2 }, trajectories: [traj({ output: '00x' })] })).map((c) => c.kind),
    ).not.toContain('tool:format-credit');
  });

  it('model: the weights of a round are sized by how far they moved', () => {
    expect(changeSize('model', [], 0.01)).toBe('small');
    expect(changeSize('model', [], 0.2)).toBe('large');
    expect(changeSize('workflow', [{ path: 'workflow.recipe.temperature', before: 0.8, after: 0.96 }])).toBe('small');
    expect(changeSize('workflow', [{ path: 'workflow.recipe.reward', before: 'majority', after: 'verifier' }])).toBe('large');
    expect(changeSize('tool', [{ path: 'tools.self-verify', after: { kind: 'self-verify' } }])).toBe('large');
  });
});

describe('tools and memory as the recipes see them', () => {
  const problem = task.heldout(3)[0]!;
  it('format credit pays any well-formed answer in full; self-verification refuses malformed ones; exemplars are replayed', () => {
    const genome: Genome = applyChanges(initialGenome(config), [
      { path: 'tools.reward-shaping', after: { kind: 'reward-shaping', rule: 'format-credit' } },
      { path: 'tools.self-verify', after: { kind: 'self-verify' } },
      {
        path: 'memory.entries.m1-1',
        after: { id: 'm1-1', kind: 'exemplar', level: 3, prompt: problem.prompt, answer: problem.answer, source: { iteration: 1, origin: 'self', support: 1 } },
      },
    ]);
    const view = agentView(task, genome);
    expect(view.shapeReward(problem, '1234', 0)).toBe(1);
    expect(view.shapeReward(problem, '12', 0)).toBe(0);
    expect(view.accepts(problem, '12x4')).toBe(false);
    expect(view.accepts(problem, '1234')).toBe(true);
    expect(view.memory).toEqual([{ prompt: problem.prompt, answer: problem.answer }]);
    const plain = agentView(task, initialGenome(config));
    expect([plain.shapeReward(problem, '12', 0.3), plain.accepts(problem, 'x'), plain.memory.length]).toEqual([0.3, true, 0]);
  });
});

describe('memory consensus (A-MemGuard)', () => {
  it('flags the entry whose answer disagrees with the answers derived along related routes', () => {
    const [p, q] = task.heldout(3);
    const entries: MemoryEntry[] = [
      { id: 'good', kind: 'exemplar', level: 3, prompt: p!.prompt, answer: solve(p!.prompt), source: { iteration: 1, origin: 'self', support: 0.9 } },
      { id: 'poisoned', kind: 'exemplar', level: 3, prompt: q!.prompt, answer: '9999', source: { iteration: 1, origin: 'self', support: 0.9 } },
    ];
    // The policy even repeats the poisoned answer on the entry's own prompt: the equivalent problems outvote it.
    const result = memoryConsensus(arithmeticPolicy(q!.prompt, '9999'), task, entries);
    expect(result.map((r) => [r.id, r.consistent])).toEqual([
      ['good', true],
      ['poisoned', false],
    ]);
    expect(result[1]!.consensus).toBe(solve(q!.prompt));
  });
});

describe('evidence and misevolution flags', () => {
  const base = { baseline: 'parent', cost: { seconds: 1, tokens: 1 } };
  it('reward rising while held-out falls is reward hacking; probes and exploration are checked', () => {
    const e = buildEvidence({
      ...base,
      before: assessment(40),
      after: assessment(30, 100, { 'warmup-skill': 0.7 }),
      trainingBefore: { 'reward/mean': 0.2, 'explore/pass_at_k': 0.8 },
      trainingAfter: { 'reward/mean': 0.9, 'explore/pass_at_k': 0.5 },
    });
    expect(e.flags.map((f) => f.kind).sort()).toEqual(['exploration-collapse', 'probe-regression', 'reward-hacking']);
    const fine = buildEvidence({
      ...base,
      before: assessment(40),
      after: assessment(45),
      trainingBefore: { 'reward/mean': 0.2 },
      trainingAfter: { 'reward/mean': 0.5 },
    });
    expect(fine.flags).toEqual([]);
    expect(fine.heldout.delta.value).toBeCloseTo(0.05);
    expect(fine.heldout.delta.lo).toBeLessThan(0);
  });

  it('Wilson intervals match known values', () => {
    const w = wilson(8, 10);
    expect(w.lo).toBeCloseTo(0.4902, 3);
    expect(w.hi).toBeCloseTo(0.9433, 3);
  });
});

function evidence(flags: Evidence['flags'] = [], delta = 0): Evidence {
  return buildEvidence({
    baseline: 'x',
    before: assessment(50),
    after: assessment(50 + delta * 100),
    // Every check computable (gate.test.ts covers the evidence that is not).
    trainingBefore: { 'reward/mean': 0.5, 'explore/pass_at_k': 0.6 },
    trainingAfter: { 'reward/mean': 0.5, 'explore/pass_at_k': 0.6 },
    trajectories: [traj({})],
    cost: { seconds: 0, tokens: 0 },
    extraFlags: flags,
  });
}

describe('the gate', () => {
  it('follows the policy per pathway and size, holds flagged or regressing changes, and always rejects protected invariants', () => {
    expect(gate({ pathway: 'workflow', size: 'small', evidence: evidence() }, DEFAULT_POLICY).action).toBe('auto-approved');
    expect(gate({ pathway: 'workflow', size: 'large', evidence: evidence() }, DEFAULT_POLICY).action).toBe('held');
    expect(gate({ pathway: 'model', size: 'small', evidence: evidence() }, DEFAULT_POLICY).action).toBe('held');
    const auto = POLICY_PRESETS.auto;
    expect(gate({ pathway: 'tool', size: 'large', evidence: evidence([{ kind: 'reward-hacking', message: 'm' }]) }, auto)).toMatchObject({
      action: 'held',
      status: 'pending',
    });
    expect(gate({ pathway: 'tool', size: 'large', evidence: evidence([{ kind: 'reward-hacking', message: 'm' }]) }, { ...auto, flagged: 'deny' }).status).toBe(
      'rejected',
    );
    expect(gate({ pathway: 'model', size: 'small', evidence: evidence([], -0.05) }, auto).action).toBe('held');
    expect(
      gate({ pathway: 'memory', size: 'small', evidence: evidence() }, { ...auto, rules: { ...auto.rules, memory: { small: 'deny', large: 'deny' } } }).action,
    ).toBe('auto-rejected');
    for (const pathway of ['model', 'memory', 'tool', 'workflow'] as const) {
      expect(gate({ pathway, size: 'small', evidence: evidence([{ kind: 'protected-invariant', message: 'gate' }]) }, auto)).toMatchObject({
        action: 'auto-rejected',
        status: 'rejected',
      });
    }
  });
});

describe('protected invariants', () => {
  it('no change on any pathway can reach the approval policy, the off switch, the evaluation sets, the probes, the audit log or the gate', () => {
    const genome = initialGenome(config);
    const targets = [
      ...PROTECTED_ROOTS.map((r) => `${r}.anything`),
      'approvalPolicy.rules.model.small',
      'offSwitch.kill',
      'gate',
      'runner.stop',
      'config.oversight.gate',
    ];
    for (const path of targets) {
      expect(() => applyChanges(genome, [{ path, after: 'auto' }]), path).toThrow(GenomeChangeError);
    }
    // Nor can one hide inside the genome: every object of it is strict, so unknown keys fail the schema.
    for (const path of ['workflow.recipe.approvalPolicy', 'workflow.offSwitch', 'memory.gate']) {
      expect(() => applyChanges(genome, [{ path, after: 'auto' }]), path).toThrow(GenomeChangeError);
    }
    expect(() => applyChanges(genome, [{ path: 'tools.gate', after: { kind: 'gate' } }])).toThrow();
    expect(applyChanges(genome, [{ path: 'workflow.recipe.temperature', before: 0.8, after: 0.9 }]).workflow.recipe).toMatchObject({
      kind: 'star',
      temperature: 0.9,
    });
  });
});

describe('people as evidence', () => {
  it('rejections make a kind rarer and approvals more frequent', () => {
    const cand = candidates(input({ metrics: { 'train/kept_fraction': 0.2 } })).filter((c) => c.kind === 'tool:format-credit');
    const rate = (belief: number) => {
      const rng = createRng(7);
      let n = 0;
      for (let i = 0; i < 4000; i++) n += choose(cand, new Map([['tool:format-credit', belief]]), rng, 2).length;
      return n / 4000;
    };
    expect(rate(PRIOR_BELIEF)).toBe(1);
    expect(rate(betaSummary(0, 1).mean)).toBeCloseTo(0.75, 1);
    expect(rate(betaSummary(0, 3).mean)).toBeCloseTo(0.5, 1);
    expect(rate(betaSummary(3, 0).mean)).toBe(1);
    // With one slot, an approved kind goes ahead of a more urgent kind the person has never decided on.
    const two = candidates(input({ metrics: { 'train/kept_fraction': 0.2, 'exploit/reward_precision': 0.4 } })).filter((c) =>
      ['tool:format-credit', 'workflow:lower-temperature'].includes(c.kind),
    );
    expect(choose(two, new Map(), createRng(1), 1).map((c) => c.kind)).toEqual(['tool:format-credit']);
    expect(choose(two, new Map([['workflow:lower-temperature', betaSummary(4, 0).mean]]), createRng(1), 1).map((c) => c.kind)).toEqual([
      'workflow:lower-temperature',
    ]);
    expect(choose(cand, new Map(), createRng(1), 2, ['workflow:raise-temperature'])).toEqual([]);
  });
});
