import { describe, expect, it } from 'vitest';
import { preferenceNames } from './preference-panel';

describe('the preference group of the run screen', () => {
  it('takes the preference monitors in their order and the class shares with "other" last, and nothing else', () => {
    const names = ['pref/share_scissors', 'reward/mean', 'pref/share_other', 'pref/reward_margin', 'pref/kendall_tau', 'pref/share_paper', 'pref/mean_length'];
    expect(preferenceNames(names)).toEqual({
      monitors: ['pref/kendall_tau', 'pref/reward_margin'],
      shares: ['pref/share_paper', 'pref/share_scissors', 'pref/share_other'],
    });
  });

  it("shows a DPO run's margin, and is empty for a run without preference monitors", () => {
    expect(preferenceNames(['dpo/reward_margin', 'dpo/loss']).monitors).toEqual(['dpo/reward_margin']);
    expect(preferenceNames(['heldout/acc_d4', 'train/loss'])).toEqual({ monitors: [], shares: [] });
  });
});
