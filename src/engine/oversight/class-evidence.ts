/**
 * What a class-stream run adds to a proposal's evidence: its own reward is its online training accuracy (the labels
 * come from the protected stream, so "training reward up while validation falls" is the learner fitting what it
 * remembers rather than what the labels are now), its behaviour under shift as monitors before and after, and the
 * checks that do not apply to a classifier (it samples nothing, so there is no exploration to collapse; it rewards
 * nothing itself, so no share of rewarded-but-wrong samples).
 */
import { LR_ETA_MEAN, SHIFT_ACC_AFTER, SHIFT_ACC_BEFORE, SHIFT_RECOVERY_STEPS, SHIFT_UNRECOVERED, TRAIN_ACCURACY } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import type { FamilyEvidence } from '../core/ports';

const MONITORS: Array<{ name: string; description: string }> = [
  { name: TRAIN_ACCURACY, description: 'online training accuracy over the round (before each update)' },
  { name: SHIFT_ACC_BEFORE, description: 'accuracy just before the round’s label swaps' },
  { name: SHIFT_ACC_AFTER, description: 'accuracy just after them' },
  { name: SHIFT_RECOVERY_STEPS, description: 'minibatches to recover after a swap' },
  { name: SHIFT_UNRECOVERED, description: 'swaps not recovered within the window' },
  { name: LR_ETA_MEAN, description: 'mean learning rate over the round' },
];

export function classEvidence(before: Metrics | null, after: Metrics): FamilyEvidence {
  const value = (m: Metrics | null, name: string) => (m && m[name] !== undefined ? m[name]! : null);
  return {
    rewardMetric: TRAIN_ACCURACY,
    selfRewarded: false,
    monitors: MONITORS.map((m) => ({ ...m, before: value(before, m.name), after: value(after, m.name) })),
    notApplicable: [{ check: 'exploration-collapse', reason: 'a classifier samples no outputs: there is no pass@k or diversity to collapse' }],
  };
}
