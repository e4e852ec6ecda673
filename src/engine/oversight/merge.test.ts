import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { initialGenome, type GenomeChange, type MemoryEntry } from '../../shared/genome';
import { effectOf, type Evidence } from '../../shared/oversight';
import type { StoredProposal } from '../store/oversight-store';
import { planMerge } from './merge';

const genome = initialGenome(RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'star' }, oversight: { enabled: true } }));
const entry: MemoryEntry = { id: 'm1', kind: 'exemplar', level: 2, prompt: '12+30=', answer: '42', source: { iteration: 2, origin: 'self', support: 1 } };

function proposal(id: string, pathway: StoredProposal['pathway'], changes: GenomeChange[], after: number, decidedAt: string): StoredProposal {
  const est = (value: number) => ({ value, lo: value, hi: value, n: 96 });
  const evidence = { heldout: { before: est(0.24), after: est(after), delta: { value: 0, lo: 0, hi: 0 } } } as Evidence;
  return {
    id,
    runId: 'r',
    iteration: 2,
    pathway,
    kind: pathway === 'model' ? 'model:promote' : 'memory:add-exemplars',
    size: 'small',
    rationale: '',
    changes,
    evidence,
    evidenceHash: '',
    status: 'approved',
    gate: { action: 'held', reason: '' },
    decidedBy: 'person:x',
    reason: null,
    createdAt: decidedAt,
    decidedAt,
    checkpoint: `runs/r/children/${id}.ckpt`,
  };
}

const promote = proposal('p-model', 'model', [{ path: 'model.weights', before: "the parent's weights", after: "round 2's weights" }], 0.188, '1');
const memory = proposal('p-memory', 'memory', [{ path: 'memory.entries.m1', after: entry }], 0.2, '2');

describe('a split decision', () => {
  it("approving a memory change while the round's model:promote is rejected adopts the change and never the trial's weights", () => {
    const plan = planMerge(genome, [memory], -1);
    expect(plan.applied.map((p) => p.id)).toEqual(['p-memory']);
    expect(plan.weights).toBeUndefined();
    expect(plan.genome.memory.entries.map((e) => e.id)).toEqual(['m1']);
  });

  it('approving both takes the weights from the model proposal only, even when the memory trial scored higher', () => {
    const better = { ...memory, evidence: { ...memory.evidence, heldout: { ...memory.evidence.heldout, after: { value: 0.5, lo: 0.5, hi: 0.5, n: 96 } } } };
    const plan = planMerge(genome, [promote, better], -1);
    expect(plan.weights?.id).toBe('p-model');
    expect(plan.applied).toHaveLength(2);
  });

  it('the effect of approving, in the words the card and the audit use', () => {
    expect(effectOf(memory)).toBe(
      "applies memory.entries.m1 to the agent's genome; the agent keeps its weights (only a model proposal changes them), and the change trains from the next round",
    );
    expect(effectOf(promote)).toBe("the agent takes round 2's weights (held-out 18.8%); its genome is unchanged");
    const child = { ...memory, changes: [...memory.changes, ...promote.changes] };
    expect(effectOf(child)).toMatch(/^the child's weights \(round 2's, held-out 20.0%\) and its genome changes \(memory.entries.m1\) together$/);
  });
});
