import { describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/errors';
import { createRng } from '../rng';
import { NoDarwin, NoSelfImprove } from './baselines';
import { DgmStrategy } from './dgm';
import { createStrategy, STRATEGY_NAMES } from './index';
import { keptReason, stagedDecision, stagedNote } from './staged';
import { buildTree } from './test-helpers';

describe('baselines', () => {
  it('no-darwin always extends the latest node in the archive', () => {
    const tree = buildTree([
      { id: 'r', score: 0.5 },
      { id: 'a', parent: 'r', score: 0.9 },
      { id: 'b', parent: 'a', score: 0.2 },
      { id: 'c', parent: 'b', score: null, status: 'evaluating' },
      { id: 'd', parent: 'b', score: 0.8, status: 'rejected' },
    ]);
    const s = new NoDarwin();
    const rng = createRng(1);
    for (let i = 0; i < 20; i++) expect(s.next(tree, { used: i, total: 20 }, rng)).toEqual({ kind: 'expand', parentId: 'b' });
    // keep-better: b regressed from a, so the latest node still in the archive is a.
    expect(new NoDarwin({ selection: 'keep-better' }).next(tree, { used: 0, total: 1 }, rng)).toEqual({ kind: 'expand', parentId: 'a' });
    tree.add({ id: 'e', parentId: 'b', generation: 3, createdOrder: 99, score: 0.1, evaluations: { successes: 0, failures: 0 }, children: [], status: 'kept' });
    expect(s.next(tree, { used: 0, total: 1 }, rng)).toEqual({ kind: 'expand', parentId: 'e' });
    expect(s.fixedProposer).toBe(false);
  });

  it('no-selfimprove selects like DGM but asks for the fixed proposer', () => {
    const tree = buildTree([
      { id: 'r', score: 0.5 },
      { id: 'a', parent: 'r', score: 0.7 },
      { id: 'b', parent: 'r', score: 0.3 },
    ]);
    const base = new NoSelfImprove();
    const dgm = new DgmStrategy();
    const r1 = createRng(4);
    const r2 = createRng(4);
    const budget = { used: 0, total: 10 };
    expect(Array.from({ length: 50 }, () => base.next(tree, budget, r1))).toEqual(Array.from({ length: 50 }, () => dgm.next(tree, budget, r2)));
    expect(base.fixedProposer).toBe(true);
    expect(dgm.fixedProposer).toBe(false);
    expect(base.getState()).toEqual({ version: 1, strategy: 'no-selfimprove', steps: 50 });
  });
});

describe('createStrategy', () => {
  it('builds each strategy by name with validated options', () => {
    for (const name of STRATEGY_NAMES) expect(createStrategy(name).name).toBe(name);
    expect(createStrategy('no-selfimprove').fixedProposer).toBe(true);
    const err = (() => {
      try {
        createStrategy('hgm', { alpah: 0.5 });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(CodedError);
    expect((err as CodedError).code).toBe('invalid_config');
    expect((err as CodedError).issues[0].message).toMatch(/unknown field "alpah"/);
    expect(() => createStrategy('no-darwin', { lambda: 3 })).toThrow(/lambda/);
    expect(() => createStrategy('greedy' as never)).toThrow(/use one of dgm, hgm, no-darwin, no-selfimprove/);
  });
});

describe('staged evaluation', () => {
  it('says truthfully that a child which failed the check stays in the archive with its small-set score', () => {
    expect(stagedNote(0.125, 16)).toBe(
      'failed the staged check (0.13 on the 16 cheap tasks), so it was evaluated on those tasks only; if admitted it joins the archive with that small-set score',
    );
    expect(keptReason('n4', 0.125)).toBe('failed the staged check; kept in the archive as n4 with its small-set score 0.13');
    expect(keptReason('n5', null)).toBe('kept in the archive as n5');
  });

  it('sends a child to the full set when it passes the floor or keeps most of its parent cheap score', () => {
    expect(stagedDecision(0.4, 0.9)).toBe('full');
    expect(stagedDecision(0.39, null)).toBe('discard');
    expect(stagedDecision(0.2, 0.22)).toBe('full'); // 0.2 >= 0.9 * 0.22
    expect(stagedDecision(0.15, 0.22)).toBe('discard');
    expect(stagedDecision(0, 0)).toBe('discard');
    expect(stagedDecision(0.2, 0.22, { parentFraction: null })).toBe('discard');
    expect(stagedDecision(0.1, null, { floor: 0.1 })).toBe('full');
    expect(() => stagedDecision(1.5, null)).toThrow(/cheapScore must be a score in \[0, 1\]/);
    expect(() => stagedDecision(0.5, null, { floor: 2 })).toThrow(/floor/);
  });
});
