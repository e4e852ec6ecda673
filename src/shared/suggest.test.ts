import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearest } from './suggest';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('', 'ab')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('iteratons', 'iterations')).toBe(1);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('wsam', 'wasm')).toBe(1); // a transposition is one edit
    expect(editDistance('ca', 'abc')).toBe(3);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['seed', 'sede'],
      ['backend', 'bakcend'],
      ['x', 'xyz'],
    ] as const)
      expect(editDistance(a, b)).toBe(editDistance(b, a));
  });
});

describe('nearest', () => {
  const fields = ['name', 'preset', 'seed', 'backend', 'iterations', 'task', 'policy', 'optim', 'warmup', 'recipe'];

  it('suggests the closest name for a typo, ignoring case', () => {
    expect(nearest('iteratons', fields)).toBe('iterations');
    expect(nearest('Backend', fields)).toBe('backend');
    expect(nearest('polcy', fields)).toBe('policy');
    expect(nearest('wsam', ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])).toBe('wasm');
  });

  it('suggests nothing when no name is plausibly meant', () => {
    expect(nearest('colour', fields)).toBeNull();
    expect(nearest('zzzzzzzz', fields)).toBeNull();
    expect(nearest('x', [])).toBeNull();
  });

  it('words the hint for an error message', () => {
    expect(didYouMean('iteratons', fields)).toBe('; did you mean `iterations`?');
    expect(didYouMean('--sed', ['--seed'], (s) => s)).toBe('; did you mean --seed?');
    expect(didYouMean('colour', fields)).toBe('');
  });
});
