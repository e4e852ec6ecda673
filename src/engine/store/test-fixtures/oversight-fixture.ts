/** Hand-made proposals and evidence for tests of the oversight store, the audit report and the CLI. */
import { findPreset } from '../../../shared/presets';
import type { Evidence } from '../../../shared/oversight';
import type { NewProposal, StoredProposal } from '../oversight-store';
import type { Store } from '../store';

export function makeEvidence(over: Partial<Evidence> = {}): Evidence {
  return {
    baseline: 'the parent agent on the same held-out prompts',
    heldout: {
      before: { value: 0.5, lo: 0.402, hi: 0.598, n: 100 },
      after: { value: 0.56, lo: 0.462, hi: 0.654, n: 100 },
      delta: { value: 0.06, lo: -0.078, hi: 0.198 },
    },
    perLevel: [
      { level: 3, before: 0.7, after: 0.74 },
      { level: 4, before: 0.3, after: 0.38 },
    ],
    probes: [{ id: 'probe-format', description: 'answers stay digits only', before: 1, after: 1 }],
    training: { rewardBefore: 0.41, rewardAfter: 0.47, passAtKBefore: 0.8, passAtKAfter: 0.82, distinctBefore: 3.1, distinctAfter: 2.9 },
    cost: { seconds: 12.5, tokens: 48_000 },
    flags: [],
    ...over,
  };
}

/** A run of the smoke preset, marked completed so no other process takes it for an interrupted one. */
export function makeRun(store: Store): string {
  const run = store.createRun(findPreset('addition-star-smoke')!.config);
  store.setStatus(run.id, 'completed');
  return run.id;
}

export function newProposal(runId: string, over: Partial<NewProposal> = {}): NewProposal {
  return {
    runId,
    iteration: 1,
    pathway: 'workflow',
    kind: 'workflow:raise-temperature',
    size: 'small',
    rationale: 'Answers have become uniform; a higher temperature should restore exploration.',
    changes: [{ path: 'workflow.recipe.temperature', before: 0.7, after: 0.9 }],
    evidence: makeEvidence(),
    checkpoint: null,
    gate: { action: 'held', reason: 'policy: workflow/small = ask' },
    status: 'pending',
    ...over,
  };
}

/** Inserts a pending proposal with the audit entries the gate writes for one it holds. */
export function insertHeld(store: Store, runId: string, over: Partial<NewProposal> = {}): StoredProposal {
  return store.oversight.insertProposal(newProposal(runId, over), [
    { actor: 'engine', action: 'proposed' },
    { actor: 'gate', action: 'held', reason: over.gate?.reason ?? 'policy: workflow/small = ask' },
  ]);
}
