import { describe, expect, it } from 'vitest';
import { ArithmeticTaskConfig } from './config';
import { humanNotation } from './notation';

const arithmetic = (over: Partial<ArithmeticTaskConfig> = {}) => ArithmeticTaskConfig.parse({ kind: 'arithmetic', maxDigits: 4, ...over });

describe('human notation', () => {
  it("reads the model's reversed, zero-padded arithmetic as a person writes it", () => {
    const n = humanNotation(arithmetic())!;
    expect(n.prompt('2100+5430=')).toBe('12+345=');
    expect(n.answer('75300')).toBe('357');
    expect(n.answer('00000')).toBe('0');
  });

  it('leaves text of another shape alone, and a plain task needs none', () => {
    const n = humanNotation(arithmetic())!;
    expect(n.answer('7a5')).toBe('7a5');
    expect(n.prompt('not a sum')).toBe('not a sum');
    expect(humanNotation(arithmetic({ reverseAnswer: false, reverseOperands: false, padOperands: false }))).toBeNull();
    expect(humanNotation({ kind: 'gridworld' } as never)).toBeNull();
  });

  it('undoes only what the task does: padding without reversal', () => {
    const n = humanNotation(arithmetic({ reverseAnswer: false, reverseOperands: false }))!;
    expect(n.prompt('0012+0345=')).toBe('12+345=');
    expect(n.answer('00357')).toBe('357');
  });
});
