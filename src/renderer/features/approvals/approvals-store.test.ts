import { beforeEach, describe, expect, it } from 'vitest';
import type { Proposal, ProposerEstimate } from '../../../shared/oversight';
import type { RunSummary } from '../../../shared/run';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { approvalsActions, approvalsStore, selectEstimate } from './approvals-store';
import { describeChange, formatDelta, parseEditedChanges } from '../../lib/proposal-format';

const proposal = (id: string, patch: Partial<Proposal> = {}): Proposal => ({
  id,
  runId: 'r1',
  iteration: 2,
  pathway: 'workflow',
  kind: 'workflow:raise-temperature',
  size: 'large',
  rationale: 'explore more',
  changes: [{ path: 'workflow.recipe.temperature', before: 0.7, after: 0.9 }],
  evidence: {
    baseline: 'the parent agent',
    heldout: {
      before: { value: 0.4, lo: 0.3, hi: 0.5, n: 100 },
      after: { value: 0.45, lo: 0.35, hi: 0.55, n: 100 },
      delta: { value: 0.05, lo: -0.08, hi: 0.18 },
    },
    perLevel: [],
    probes: [],
    training: { rewardBefore: null, rewardAfter: null, passAtKBefore: null, passAtKAfter: null, distinctBefore: null, distinctAfter: null },
    cost: { seconds: 3, tokens: 1000 },
    flags: [],
  },
  evidenceHash: `hash-${id}`,
  status: 'pending',
  gate: { action: 'held', reason: 'policy says ask' },
  decidedBy: null,
  reason: null,
  createdAt: `2025-01-01T00:00:0${id.slice(-1)}Z`,
  decidedAt: null,
  ...patch,
});
const run: RunSummary = {
  id: 'r1',
  name: 'oversight',
  preset: 'addition-oversight-smoke',
  recipe: 'star',
  status: 'waiting',
  seed: 1,
  backend: 'cpu',
  iterationsDone: 2,
  iterationsTotal: 4,
  bestScore: null,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '',
  error: null,
  archive: null,
};

let bridge: FakeBridge;
let pending: Proposal[];
let decided: Proposal[];
let estimates: ProposerEstimate[];

beforeEach(() => {
  pending = [proposal('p2'), proposal('p1', { kind: 'memory:add-exemplars', pathway: 'memory' })];
  decided = [];
  estimates = [{ kind: 'workflow:raise-temperature', approved: 0, rejected: 0, mean: 0.5, lo: 0.1, hi: 0.9 }];
  bridge = new FakeBridge()
    .on('proposals.list', (input) => (input.status === 'pending' ? pending : decided))
    .on('runs.list', () => [run])
    .on('oversight.state', () => ({
      enabled: true,
      genome: null,
      estimates,
      pending: pending.length,
      policy: {
        rules: {
          model: { small: 'ask', large: 'ask' },
          memory: { small: 'ask', large: 'ask' },
          tool: { small: 'ask', large: 'ask' },
          workflow: { small: 'auto', large: 'ask' },
        },
        whileWaiting: 'pause',
        flagged: 'ask',
        maxHeldoutDrop: 0.02,
        maxRewardedWrong: 0.2,
        unchecked: 'ask',
        inconclusiveFlags: 'ask',
        unattended: false,
      },
    }))
    .on('proposals.decide', (input) => {
      const p = pending.find((x) => x.id === input.id)!;
      pending = pending.filter((x) => x.id !== input.id);
      const status = input.decision === 'reject' ? 'rejected' : 'approved';
      if (status === 'rejected') estimates = [{ ...estimates[0]!, rejected: 1, mean: 0.33 }];
      const result: Proposal = {
        ...p,
        status,
        reason: input.reason ?? null,
        decidedBy: 'person:local',
        decidedAt: '2025-01-02T00:00:00Z',
        changes: input.changes ?? p.changes,
      };
      decided = [result, ...decided];
      return result;
    });
  setBridge(bridge);
  approvalsActions.reset();
});

describe('approvals store', () => {
  it('lists pending proposals oldest first with their runs and the proposer estimates', async () => {
    await approvalsActions.load();
    const s = approvalsStore.getState();
    expect(s.pending.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(s.pendingCount).toBe(2);
    expect(s.runs.r1?.iterationsTotal).toBe(4);
    expect(selectEstimate(s, s.pending[1]!)?.mean).toBe(0.5);
    expect(selectEstimate(s, s.pending[0]!)).toBeNull();
  });

  it('refuses to reject without a reason and never sends the request', async () => {
    await approvalsActions.load();
    const result = await approvalsActions.decide('p1', 'reject', { reason: '   ' });
    expect(result).toBeNull();
    expect(approvalsStore.getState().decideErrors.p1).toMatch(/reason/);
    expect(bridge.calls.some((c) => c.name === 'proposals.decide')).toBe(false);
  });

  it('moves a rejected proposal to decided with its reason and shows the updated estimate', async () => {
    await approvalsActions.load();
    await approvalsActions.decide('p2', 'reject', { reason: ' reward hacking ' });
    const decideCall = bridge.calls.find((c) => c.name === 'proposals.decide');
    expect(decideCall?.input).toEqual({ id: 'p2', decision: 'reject', reason: 'reward hacking' });
    await approvalsActions.refresh();
    const s = approvalsStore.getState();
    expect(s.pending.map((p) => p.id)).toEqual(['p1']);
    expect(s.decided[0]).toMatchObject({ id: 'p2', status: 'rejected', reason: 'reward hacking' });
    expect(s.pendingCount).toBe(1);
    expect(selectEstimate(s, s.decided[0]!)).toMatchObject({ rejected: 1, mean: 0.33 });
  });

  it('sends edited values as changes and keeps an engine error beside the card', async () => {
    await approvalsActions.load();
    const changes = [{ path: 'workflow.recipe.temperature', before: 0.7, after: 0.8 }];
    const result = await approvalsActions.decide('p2', 'edit', { changes });
    expect(bridge.calls.find((c) => c.name === 'proposals.decide')?.input).toEqual({ id: 'p2', decision: 'edit', changes });
    expect(result?.changes).toEqual(changes);
    bridge.on('proposals.decide', () => {
      throw Object.assign(new Error('the changed genome is invalid at workflow.recipe.temperature'), { code: 'invalid-input' });
    });
    expect(await approvalsActions.decide('p1', 'approve')).toBeNull();
    const s = approvalsStore.getState();
    expect(s.decideErrors.p1).toMatch(/invalid at workflow\.recipe\.temperature/);
    expect(s.busy.p1).toBeUndefined();
  });

  it('keeps the nav count live from events without opening the inbox', async () => {
    await approvalsActions.refresh();
    expect(approvalsStore.getState().pendingCount).toBe(2);
    expect(approvalsStore.getState().loaded).toBe(false);
    pending = [...pending, proposal('p3')];
    approvalsActions.onProposal(proposal('p3'));
    await approvalsActions.refresh();
    expect(approvalsStore.getState().pendingCount).toBe(3);
    pending = [];
    approvalsActions.onRunStatus({ runId: 'r1', status: 'running' });
    await approvalsActions.refresh();
    expect(approvalsStore.getState().pendingCount).toBe(0);
  });

  it('finishes loading the inbox when the nav count is read at the same time', async () => {
    // The screen loads the lists while the shell reads the count: both answers must land.
    await Promise.all([approvalsActions.load(), approvalsActions.refresh()]);
    const s = approvalsStore.getState();
    expect(s.loading).toBe(false);
    expect(s.loaded).toBe(true);
    expect(s.pending).toHaveLength(2);
  });

  it('places a decided event in the decided list once the inbox is open', async () => {
    await approvalsActions.load();
    approvalsActions.onProposal(proposal('p1', { status: 'approved', decidedAt: '2025-01-03T00:00:00Z', gate: { action: 'auto-approved', reason: 'small' } }));
    const s = approvalsStore.getState();
    expect(s.pending.map((p) => p.id)).toEqual(['p2']);
    expect(s.decided.map((p) => p.id)).toEqual(['p1']);
  });
});

describe('proposal diff and edits', () => {
  it('shows memory entries as prompt and answer, tools as kind and parameters', () => {
    const entry = { id: 'm-1-0', kind: 'exemplar', level: 2, prompt: '12+30=', answer: '42', source: { iteration: 1, origin: 'self', support: 0.75 } };
    expect(describeChange({ path: 'memory.entries.m-1-0', after: entry })).toMatchObject({
      before: { kind: 'none' },
      after: { kind: 'memory', prompt: '12+30=', answer: '42', note: 'exemplar · level 2 · support 0.75' },
    });
    expect(
      describeChange({ path: 'tools.curriculum-rule', before: { kind: 'curriculum-rule', mastery: 0.8 }, after: { kind: 'curriculum-rule', mastery: 0.6 } })
        .after,
    ).toEqual({ kind: 'tool', tool: 'curriculum-rule', params: 'mastery: 0.6' });
    expect(describeChange({ path: 'workflow.learningRate', before: 0.001, after: 0.002 }).after).toEqual({ kind: 'value', text: '0.002' });
  });

  it('validates each edited value as JSON and requires a change', () => {
    const changes = [
      { path: 'workflow.recipe.temperature', before: 0.7, after: 0.9 },
      { path: 'tools.self-verify', after: { kind: 'self-verify' } },
    ];
    const bad = parseEditedChanges(changes, ['0.8', '{kind: self-verify}']);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors)).toEqual(['1']);
    const same = parseEditedChanges(changes, ['0.9', '{"kind":"self-verify"}']);
    expect(same.ok).toBe(false);
    const good = parseEditedChanges(changes, ['0.8', '']);
    expect(good).toEqual({
      ok: true,
      changes: [
        { path: 'workflow.recipe.temperature', before: 0.7, after: 0.8 },
        { path: 'tools.self-verify', before: undefined },
      ],
    });
  });

  it('formats a held-out delta with its interval in points', () => {
    expect(formatDelta({ value: 0.05, lo: -0.08, hi: 0.18 })).toBe('+5.0 pts [−8.0, +18.0]');
  });
});
