import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { applyChanges, initialGenome } from '../../shared/genome';
import { rewardedWrong } from '../oversight/evidence';
import { createArithmeticTask } from '../tasks/arithmetic';
import type { TrajectoryRecord } from '../types';
import { rescored } from './archive-child';

const config = RunConfig.parse({ task: { kind: 'arithmetic', warmupMaxDigits: 2, maxDigits: 3 }, recipe: { kind: 'star' }, archive: { enabled: true } });
const task = createArithmeticTask({
  kind: 'arithmetic',
  operation: 'add',
  warmupMaxDigits: 2,
  maxDigits: 3,
  reverseAnswer: true,
  reverseOperands: true,
  padOperands: false,
  heldoutPerLevel: 16,
});
const sample = (output: string, correct: boolean): TrajectoryRecord => ({
  level: 3,
  prompt: '100+200=',
  output,
  answer: null,
  reward: correct ? 1 : 0,
  correct,
  kept: correct,
  verdict: '',
});

describe("an archive child's samples, as its own genome rewards them", () => {
  // The round trained with the parent's genome: only correct answers earned reward. All four are well-formed.
  const round = [sample('003', true), sample('004', false), sample('005', false), sample('006', false)];

  it('a child that adds format credit rewards the wrong answers before it has trained on anything', () => {
    const parent = initialGenome(config);
    expect(rewardedWrong(rescored(task, parent, round))).toMatchObject({ value: 0, n: 1 });
    const child = applyChanges(parent, [{ path: 'tools.reward-shaping', after: { kind: 'reward-shaping', rule: 'format-credit' } }]);
    expect(rewardedWrong(rescored(task, child, round))).toMatchObject({ value: 0.75, n: 4 });
  });
});
