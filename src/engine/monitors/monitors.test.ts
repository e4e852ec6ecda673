import { describe, expect, it } from 'vitest';
import { balanceScore, chooseBalance, passesThreshold, queryBalance, type ScoredSample } from './balance';
import { StarRecipeConfig } from '../../shared/config';
import { distinctAnswers, distinctN, meanPassAtK, passAtK, rewardPrecision } from './exploration';

const s = (output: string, reward: number, correct: boolean): ScoredSample => ({ output, reward, correct });

describe('pass@k', () => {
  it('matches 1 - C(n-c,k)/C(n,k) computed by hand', () => {
    // n=5, c=2, k=2: 1 - C(3,2)/C(5,2) = 1 - 3/10
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 12);
    // k=1 is the fraction correct
    expect(passAtK(8, 3, 1)).toBeCloseTo(3 / 8, 12);
    expect(passAtK(4, 0, 4)).toBe(0);
    // fewer wrong samples than k: some draw must be correct
    expect(passAtK(4, 3, 2)).toBe(1);
  });

  it('averages over queries and rejects impossible counts', () => {
    expect(
      meanPassAtK(
        [
          [true, false],
          [false, false],
        ],
        1,
      ),
    ).toBeCloseTo(0.25, 12);
    expect(() => passAtK(3, 4, 1)).toThrow(RangeError);
    expect(() => passAtK(3, 1, 4)).toThrow(RangeError);
  });
});

describe('diversity and precision', () => {
  it('counts distinct answers per query', () => {
    expect(
      distinctAnswers([
        ['12', '12', '13'],
        ['7', ' 7'],
      ]),
    ).toBeCloseTo((2 + 1) / 2, 12);
  });

  it('distinct-2 is distinct bigrams over all bigrams', () => {
    // "abab": ab, ba, ab ; "ab": ab -> 2 distinct of 4
    expect(distinctN(['abab', 'ab'], 2)).toBeCloseTo(0.5, 12);
    expect(distinctN(['a', ''], 2)).toBe(0);
  });

  it('reward precision is the correct share of the kept samples', () => {
    expect(
      rewardPrecision([
        { kept: true, correct: true },
        { kept: true, correct: false },
        { kept: false, correct: true },
      ]),
    ).toBeCloseTo(0.5, 12);
    expect(rewardPrecision([{ kept: false, correct: true }])).toBe(0);
  });
});

describe('B-STaR balance score', () => {
  const query = [s('861', 0.75, true), s('861', 0.75, true), s('861', 0.75, true), s('961', 0.25, false)];

  it("bs_i = min(n_i'/n0, 1) * n_i'/n_i over the kept samples", () => {
    // tau 0.2 keeps all 4, 3 correct: min(3/4, 1) * 3/4
    expect(queryBalance(query, { threshold: 0.2, n0: 4, dedupe: false })).toBeCloseTo(0.5625, 12);
    // tau 0.5 keeps the 3 correct: min(3/2, 1) * 1
    expect(queryBalance(query, { threshold: 0.5, n0: 2, dedupe: false })).toBe(1);
    // nothing kept: the query does not count
    expect(queryBalance(query, { threshold: 0.9, n0: 2, dedupe: false })).toBeNull();
  });

  it('keeps a sample only when its reward is strictly above tau, as the B-STaR code does', () => {
    // Majority reward with k = 8: four votes for the right answer give each of them 4/8 = tau exactly.
    const split = [...Array(4)].map(() => s('861', 4 / 8, true)).concat([...Array(4)].map(() => s('961', 4 / 8, false)));
    expect(passesThreshold(0.5, 0.5)).toBe(false);
    expect(passesThreshold(0.625, 0.5)).toBe(true);
    expect(queryBalance(split, { threshold: 0.5, n0: 8, dedupe: false })).toBeNull();
    // Just below the boundary all eight are kept, half of them right: min(4/8, 1) * 4/8.
    expect(queryBalance(split, { threshold: 0.49, n0: 8, dedupe: false })).toBeCloseTo(0.25, 12);
  });

  it("defaults n0 to 8, the authors' target count", () => {
    expect(StarRecipeConfig.parse({ kind: 'star' }).balance.n0).toBe(8);
    expect(StarRecipeConfig.parse({ kind: 'star', balance: {} }).balance.n0).toBe(8);
  });

  it("dedupe collapses a one-answer task to n_i' <= 1", () => {
    // deduped: {861 correct, 961 wrong}: min(1/4, 1) * 1/2
    expect(queryBalance(query, { threshold: 0.2, n0: 4, dedupe: true })).toBeCloseTo(0.125, 12);
  });

  it('averages over queries that kept something', () => {
    const other = [s('5', 0.3, false)];
    const none = [s('x', 0, false)];
    // query: 0.5625 at tau .2 ; other keeps 1 wrong: 0 ; none kept nothing at tau .2 -> excluded
    expect(balanceScore([query, other, none], { threshold: 0.2, n0: 4, dedupe: false })).toBeCloseTo(0.5625 / 2, 12);
    expect(balanceScore([none], { threshold: 0.5, n0: 4, dedupe: false })).toBe(0);
  });

  it('picks the best grid point, earliest on ties', () => {
    const cold = { temperature: 0.5, queries: [query] };
    const hot = { temperature: 1.1, queries: [[s('1', 1, false)]] };
    expect(chooseBalance([hot, cold], [0.2, 0.5], 2, false)).toEqual({ temperature: 0.5, threshold: 0.5, score: 1 });
    expect(chooseBalance([cold], [0.6, 0.5], 2, false).threshold).toBe(0.6);
  });
});
