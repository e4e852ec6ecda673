import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { checkFamilies } from '../recipes/registry';
import { createRng } from '../rng';
import type { AgentView, Problem, Task } from '../types';
import { compare, extremePairs, groupPreferences, verifierRater, winRates, type Rater } from './preferences';

const problem: Problem = { id: 'p1', prompt: '2+2=', answer: '4', level: 1 };
// A verifier with partial credit: "4" is right, "4!" half right, anything else wrong.
const task: Pick<Task, 'verify'> = {
  verify: (_p, output) => {
    const reward = output === '4' ? 1 : output === '4!' ? 0.5 : 0;
    return { correct: reward === 1, reward, verdict: `reward ${reward}` };
  },
};

describe('preference pairs from scores', () => {
  it('pair a highest-score output with a lowest-score one, each output once, the same pairs from the same seed', () => {
    const scores = [0, 1, 0, 1, 0.5, 0];
    const pairs = extremePairs(scores, 5, createRng(4));
    // two outputs at the top score, three at the bottom: two pairs at most
    expect(pairs).toHaveLength(2);
    for (const [w, l] of pairs) {
      expect(scores[w]).toBe(1);
      expect(scores[l]).toBe(0);
    }
    expect(new Set(pairs.map(([, l]) => l)).size).toBe(2);
    expect(extremePairs(scores, 5, createRng(4))).toEqual(pairs);
    expect(extremePairs(scores, 1, createRng(4))).toHaveLength(1);
  });

  it('make no pair when every output has the same score', () => {
    expect(extremePairs([1, 1, 1], 2, createRng(1))).toEqual([]);
    expect(extremePairs([0, 0], 2, createRng(1))).toEqual([]);
    expect(extremePairs([], 2, createRng(1))).toEqual([]);
  });
});

describe("the task's verifier as a rater", () => {
  it('score each output by its partial credit and prefer the higher score, ties at one half', () => {
    const rater = verifierRater(task);
    expect(rater.score(problem, '4!')).toBe(0.5);
    expect(rater.probability(problem, '4', '4!')).toBe(1);
    expect(rater.probability(problem, '4!', '4')).toBe(0);
    expect(rater.probability(problem, '5', '7')).toBe(0.5);
    const pairs = groupPreferences({ problem, outputs: ['5', '4!', '4'] }, rater, 2, createRng(1));
    expect(pairs).toEqual([[2, 0]]);
  });

  it("see outputs through the agent's tools: a rejected output scores 0, shaping changes the score", () => {
    const agent: AgentView = { accepts: (_p, o) => o !== '4', shapeReward: (_p, _o, r) => r + 0.25, memory: [], memoryShare: 0 };
    const rater = verifierRater(task, agent);
    expect(rater.score(problem, '4')).toBe(0);
    expect(rater.score(problem, '4!')).toBe(0.75);
    expect(rater.probability(problem, '4!', '4')).toBe(1);
  });
});

describe('comparisons and win rates', () => {
  it('draw nothing from the random stream for a certain or indifferent rater', () => {
    const rng = createRng(9);
    const before = rng.state();
    const rater = verifierRater(task);
    expect(compare(rater, problem, '4', '5', rng)).toBe(1);
    expect(compare(rater, problem, '5', '4', rng)).toBe(0);
    expect(compare(rater, problem, '5', '6', rng)).toBe(0.5);
    expect(rng.state()).toEqual(before);
  });

  it('draw a noisy outcome with the rater probability', () => {
    const rater: Rater = { kind: 'coin', probability: () => 0.8 };
    const rng = createRng(3);
    const n = 4000;
    let wins = 0;
    for (let i = 0; i < n; i++) wins += compare(rater, problem, 'a', 'b', rng);
    expect(wins / n).toBeGreaterThan(0.77);
    expect(wins / n).toBeLessThan(0.83);
  });

  it('give each output its share of wins against the rest of its group, a tie counting one half', () => {
    const rates = winRates({ problem, outputs: ['4', '5', '4!', '6'] }, verifierRater(task), createRng(1));
    // "4" beats all three; "4!" beats the two wrong ones; "5" and "6" tie with each other and lose the rest.
    expect(rates).toEqual([1, 0.5 / 3, 2 / 3, 0.5 / 3]);
    expect(winRates({ problem, outputs: ['4'] }, verifierRater(task), createRng(1))).toEqual([0.5]);
  });

  it('pair the best against the worst by win rate for a rater without scores', () => {
    // Prefers the longer output, certainly.
    const rater: Rater = { kind: 'length', probability: (_p, a, b) => (a.length > b.length ? 1 : a.length < b.length ? 0 : 0.5) };
    expect(groupPreferences({ problem, outputs: ['aa', 'a', 'aaa'] }, rater, 3, createRng(1))).toEqual([[2, 1]]);
  });
});

describe('the preferences family', () => {
  it('runs on a text task (its verifier the rater) and on the preference task; text-task algorithms refuse the preference task', () => {
    const config = (task: object, recipe: object) => RunConfig.parse({ task, recipe });
    expect(() => checkFamilies(config({ kind: 'arithmetic' }, { kind: 'dpo' }))).not.toThrow();
    expect(() => checkFamilies(config({ kind: 'preference' }, { kind: 'spo' }))).not.toThrow();
    expect(() => checkFamilies(config({ kind: 'preference' }, { kind: 'star' }))).toThrow(
      /needs a task of the text-task family, but task\.kind "preference" is of the preferences family/,
    );
  });
});
