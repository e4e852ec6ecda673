import { beforeEach, describe, expect, it } from 'vitest';
import { POLICY_PRESETS } from '../../../shared/oversight';
import { RecipeConfig } from '../../../shared/config';
import type { Genome } from '../../../shared/genome';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { oversightActions, oversightStore, summarizeGenome } from './oversight-store';

const genome: Genome = {
  workflow: { recipe: RecipeConfig.parse({ kind: 'star' }), learningRate: 0.001 },
  memory: {
    entries: [{ id: 'm-1-0', kind: 'exemplar', level: 1, prompt: '1+1=', answer: '2', source: { iteration: 1, origin: 'self', support: 1 } }],
    replayShare: 0.25,
  },
  tools: [{ kind: 'self-verify' }, { kind: 'curriculum-rule', mastery: 0.7 }],
};

let pending = 1;
let bridge: FakeBridge;
beforeEach(() => {
  pending = 1;
  bridge = new FakeBridge().on('oversight.state', () => ({ enabled: true, genome, estimates: [], pending, policy: POLICY_PRESETS.default }));
  setBridge(bridge);
});

describe('run oversight panel', () => {
  it('summarises the genome: workflow values, memory size, tools with parameters', () => {
    const g = summarizeGenome(genome);
    expect(g.workflow.slice(0, 2)).toEqual([
      ['learningRate', '0.001'],
      ['recipe.kind', 'star'],
    ]);
    // Only scalar settings are listed; nested objects would not fit a line.
    expect(g.workflow.every(([, v]) => !v.startsWith('[object'))).toBe(true);
    expect(g.memoryEntries).toBe(1);
    expect(g.tools).toEqual(['self-verify', 'curriculum-rule (mastery 0.7)']);
    expect(g.learnerKnobs).toBe(false);
    // A class-stream learner's genome: its own rate and memory of examples are recipe knobs; no text rows.
    const learner = summarizeGenome({ ...genome, workflow: { ...genome.workflow, recipe: RecipeConfig.parse({ kind: 'constant-lr', learningRate: 0.02 }) } });
    expect(learner.learnerKnobs).toBe(true);
    expect(learner.workflow.map(([k]) => k)).toEqual(['recipe.kind', 'recipe.batchSize', 'recipe.learningRate', 'recipe.batchesPerIteration', 'recipe.replay']);
  });

  it('re-reads the state on events of its own run only', async () => {
    await oversightActions.open('r1');
    expect(oversightStore.getState().state?.pending).toBe(1);
    pending = 0;
    const before = bridge.calls.length;
    oversightActions.onRunEvent({ runId: 'r2' });
    expect(bridge.calls.length).toBe(before);
    oversightActions.onRunEvent({ runId: 'r1' });
    await oversightActions.open('r1');
    expect(oversightStore.getState().state?.pending).toBe(0);
  });
});
