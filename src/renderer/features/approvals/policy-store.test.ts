import { beforeEach, describe, expect, it } from 'vitest';
import { ApprovalPolicy, POLICY_PRESETS } from '../../../shared/oversight';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { policyActions, policyStore, selectDirty, selectIssues, selectPreset } from './policy-store';

let bridge: FakeBridge;
let stored: Record<string, ApprovalPolicy>;

beforeEach(() => {
  stored = { workspace: POLICY_PRESETS.default, r1: POLICY_PRESETS.ask };
  bridge = new FakeBridge()
    .on('policy.get', (input) => stored[input.runId ?? 'workspace']!)
    .on('policy.set', (input) => {
      const policy = typeof input.policy === 'string' ? POLICY_PRESETS[input.policy] : ApprovalPolicy.parse(input.policy);
      stored[input.runId ?? 'workspace'] = policy;
      return policy;
    });
  setBridge(bridge);
});

describe('approval policy editor', () => {
  it('loads the workspace default or a run policy', async () => {
    await policyActions.load(null);
    expect(selectPreset(policyStore.getState())).toBe('default');
    await policyActions.load('r1');
    expect(policyStore.getState().scope).toBe('r1');
    expect(selectPreset(policyStore.getState())).toBe('ask');
    expect(selectDirty(policyStore.getState())).toBe(false);
  });

  it('edits a rule of the grid and saves it to the chosen run', async () => {
    await policyActions.load('r1');
    policyActions.setRule('memory', 'small', 'auto');
    policyActions.setWhileWaiting('continue');
    expect(selectDirty(policyStore.getState())).toBe(true);
    expect(selectPreset(policyStore.getState())).toBeNull();
    expect(await policyActions.save()).toBe(true);
    expect(bridge.calls.at(-1)?.input).toMatchObject({ runId: 'r1', policy: { rules: { memory: { small: 'auto', large: 'ask' } }, whileWaiting: 'continue' } });
    expect(stored.workspace).toEqual(POLICY_PRESETS.default);
    expect(selectDirty(policyStore.getState())).toBe(false);
    expect(policyStore.getState().notice).toMatch(/r1/);
  });

  it('applies a preset to the workspace default', async () => {
    await policyActions.load(null);
    policyActions.preset('auto');
    await policyActions.save();
    expect(bridge.calls.at(-1)).toEqual({ name: 'policy.set', input: { policy: POLICY_PRESETS.auto } });
    expect(stored.workspace).toEqual(POLICY_PRESETS.auto);
  });

  it('names an out-of-range held-out drop and does not send it', async () => {
    await policyActions.load(null);
    policyActions.setMaxHeldoutDrop(1.5);
    expect(selectIssues(policyStore.getState()).get('maxHeldoutDrop')).toMatch(/1/);
    const calls = bridge.calls.length;
    expect(await policyActions.save()).toBe(false);
    expect(bridge.calls.length).toBe(calls);
    expect(policyStore.getState().error).toMatch(/maxHeldoutDrop/);
    policyActions.setMaxHeldoutDrop(Number.NaN);
    expect(selectIssues(policyStore.getState()).has('maxHeldoutDrop')).toBe(true);
    policyActions.revert();
    expect(selectIssues(policyStore.getState()).size).toBe(0);
  });

  it('edits inconclusive flags and the rewarded-but-wrong threshold and saves them', async () => {
    await policyActions.load('r1');
    policyActions.setInconclusiveFlags('ignore');
    policyActions.setMaxRewardedWrong(0.35);
    expect(selectIssues(policyStore.getState()).size).toBe(0);
    expect(await policyActions.save()).toBe(true);
    expect(bridge.calls.at(-1)?.input).toMatchObject({ runId: 'r1', policy: { inconclusiveFlags: 'ignore', maxRewardedWrong: 0.35 } });
    expect(stored.r1).toMatchObject({ inconclusiveFlags: 'ignore', maxRewardedWrong: 0.35 });
    expect(selectDirty(policyStore.getState())).toBe(false);
  });

  it('words a bad rewarded-but-wrong share plainly and does not send it', async () => {
    await policyActions.load(null);
    const calls = bridge.calls.length;
    policyActions.setMaxRewardedWrong(20);
    expect(selectIssues(policyStore.getState()).get('maxRewardedWrong')).toBe('enter a share between 0 and 1 (0.2 means 20%)');
    expect(await policyActions.save()).toBe(false);
    expect(policyStore.getState().error).toMatch(/maxRewardedWrong/);
    policyActions.setMaxRewardedWrong(Number.NaN);
    expect(selectIssues(policyStore.getState()).get('maxRewardedWrong')).toBe('enter a number between 0 and 1');
    policyActions.setMaxRewardedWrong(-0.1);
    expect(selectIssues(policyStore.getState()).has('maxRewardedWrong')).toBe(true);
    expect(await policyActions.save()).toBe(false);
    expect(bridge.calls.length).toBe(calls);
    policyActions.setMaxRewardedWrong(0);
    expect(selectIssues(policyStore.getState()).size).toBe(0);
  });
});
