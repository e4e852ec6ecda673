import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { initialGenome } from '../../shared/genome';
import type { Evidence, Flag } from '../../shared/oversight';
import { nodeView, type NodeRecord, type ProposalLookup } from './archive-state';
import { buildTree } from './test-helpers';

const genome = initialGenome(RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'star' }, archive: { enabled: true } }));
const record = (proposalId: string | null): NodeRecord => ({
  step: 1,
  kind: proposalId ? 'tool:format-credit' : 'root',
  rationale: '',
  changes: [],
  genome,
  checkpoint: 'x',
  outcomes: '',
  cheapScore: null,
  rejectedBy: null,
  proposalId,
  training: null,
  createdAt: '',
});

describe('the lineage of a flagged node', () => {
  it("shows the node's own flags and rewarded-but-wrong, and every descendant carries the flags of its ancestors", () => {
    const tree = buildTree([{ id: 'n0' }, { id: 'n1', parent: 'n0' }, { id: 'n2', parent: 'n1' }, { id: 'n3', parent: 'n2' }, { id: 'n4', parent: 'n0' }]);
    const records = { n0: record(null), n1: record('p1'), n2: record('p2'), n3: record('p3'), n4: record('p4') };
    const rw = { value: 0.8, lo: 0.7, hi: 0.9, n: 40 };
    const evidence = (flags: Flag[], rewardedWrong: Evidence['rewardedWrong'] = null) => ({ flags, rewardedWrong }) as Evidence;
    const proposals: Record<string, Evidence> = {
      p1: evidence([{ kind: 'reward-hacking', message: 'rewarded but wrong' }], rw),
      p2: evidence([]),
      p3: evidence([]),
      p4: evidence([]),
    };
    const lookup: ProposalLookup = (id) => ({
      status: 'applied',
      decidedBy: null,
      reason: null,
      gate: { action: 'held', reason: '' },
      evidence: proposals[id]!,
    });
    const view = (id: string) => nodeView('r', tree, records, id, lookup);
    expect(view('n1')).toMatchObject({ flags: ['reward-hacking'], rewardedWrong: rw, carried: [] });
    expect(view('n2')).toMatchObject({ flags: [], carried: [{ kind: 'reward-hacking', from: 'n1' }] });
    expect(view('n3').carried).toEqual([{ kind: 'reward-hacking', from: 'n1' }]);
    expect(view('n4').carried).toEqual([]);
    expect(view('n0')).toMatchObject({ flags: [], rewardedWrong: null, carried: [] });
  });
});
