import { describe, expect, it } from 'vitest';
import { POLICY_PRESETS } from '../../shared/oversight';
import { autoApproves, policySummary } from './policy-summary';

describe('policy summary', () => {
  it('says what each preset approves without a person', () => {
    expect(autoApproves(POLICY_PRESETS.default)).toBe('small workflow changes');
    expect(autoApproves(POLICY_PRESETS.ask)).toBe('nothing: a person decides every change');
    expect(autoApproves(POLICY_PRESETS.auto)).toBe('every change that loses at most 2 points of held-out accuracy');
    expect(autoApproves(POLICY_PRESETS.archive)).toBe('every change');
  });

  it('adds what happens to flagged changes and to the run while one waits', () => {
    expect(policySummary(POLICY_PRESETS.archive)).toBe('auto-approves every change; flagged changes wait for a person; the run goes on while one waits');
    expect(policySummary({ ...POLICY_PRESETS.default, flagged: 'deny' })).toContain('flagged changes are rejected');
  });
});
