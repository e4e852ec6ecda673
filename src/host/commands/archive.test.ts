import { describe, expect, it } from 'vitest';
import type { ArchiveNode, ArchiveView } from '../../shared/archive';
import { findPreset } from '../../shared/presets';
import { archiveLines } from './archive';
import { budgetCurve } from './compare-report';
import { comparisonId, parseStrategies } from './compare';

const preset = findPreset('addition-archive-smoke')!.config;

function node(id: string, parentId: string | null, order: number, extra: Partial<ArchiveNode> = {}): ArchiveNode {
  return {
    id,
    runId: 'r1',
    parentId,
    generation: 0,
    createdOrder: order,
    step: order,
    status: 'kept',
    rejectedBy: null,
    score: 0.5,
    successes: 8,
    failures: 8,
    cheapScore: null,
    fullyEvaluated: true,
    cmp: { mean: 0.5, lo: 0.3, hi: 0.7, n: 16 },
    mismatch: false,
    kind: parentId === null ? 'root' : 'tool:self-verify',
    rationale: '',
    changes: [],
    genome: { workflow: { recipe: preset.recipe, learningRate: preset.optim.learningRate }, memory: { entries: [], replayShare: 0 }, tools: [] },
    proposalId: null,
    verdict: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

function view(nodes: ArchiveNode[], bestNodeId: string | null = null): ArchiveView {
  return {
    runId: 'r1',
    strategy: 'dgm',
    selection: 'keep-all',
    budget: { used: 120, total: 300 },
    steps: nodes.length - 1,
    nodes,
    bestNodeId,
    generations: [{ generation: 0, made: 1, kept: 1 }],
  };
}

describe('archiveLines', () => {
  it('puts children under their parent in the order they were made, with the best and mismatch marks and the verdict', () => {
    const lines = archiveLines(
      view(
        [
          node('n2', 'n0', 2, { status: 'rejected', rejectedBy: 'staged', verdict: { status: 'rejected', actor: 'gate', reason: null } }),
          node('n0', null, 0),
          node('n3', 'n1', 3, { mismatch: true }),
          node('n1', 'n0', 1, { verdict: { status: 'approved', actor: 'ada', reason: null } }),
        ],
        'n1',
      ),
    );
    const tree = lines.filter((l) => /^\s+n\d/.test(l));
    expect(
      tree.map((l) =>
        l
          .match(/^(\s+)(n\d)/)!
          .slice(1)
          .join(''),
      ),
    ).toEqual(['  n0', '    n1', '      n3', '    n2']);
    expect(tree[1]).toContain('*');
    expect(tree[1]).toContain('approved by ada');
    expect(tree[2]).toContain(' !');
    expect(tree[3]).toContain('rejected (staged)');
    expect(tree[3]).toContain('score 0.500 8/16');
    expect(tree[3]).toContain('CMP 0.500 [0.300, 0.700] n=16');
    expect(lines).toContain('  generation 0: 1 made, 1 kept');
    expect(lines.at(-1)).toBe('Budget: 120/300 evaluation units used');
  });

  it('prints a chain of thousands of generations without overflowing the stack', () => {
    const nodes = Array.from({ length: 5000 }, (_, i) => node(`n${i}`, i === 0 ? null : `n${i - 1}`, i));
    const tree = archiveLines(view(nodes)).filter((l) => /^\s+n\d/.test(l));
    expect(tree).toHaveLength(5000);
    expect(tree[4999].indexOf('n4999')).toBe(2 * 5000);
  });
});

describe('compare helpers', () => {
  it('keeps the strategies in the order given and rejects unknown or repeated ones', () => {
    expect(parseStrategies('hgm, dgm,no-darwin')).toEqual(['hgm', 'dgm', 'no-darwin']);
    expect(() => parseStrategies('dgm,dgm')).toThrow(/twice/);
    expect(() => parseStrategies('dgm,,hgm')).toThrow(/Unknown strategy ""/);
  });

  it('makes sortable comparison ids from the UTC time', () => {
    expect(comparisonId(new Date('2026-03-04T05:06:07.890Z'), 'ab12')).toBe('cmp-20260304-050607-ab12');
    expect(comparisonId()).toMatch(/^cmp-\d{8}-\d{6}-[0-9a-f]{4}$/);
  });

  it('builds the budget curve from the iterations that have both metrics', () => {
    const curve = budgetCurve({ iterations: [0, 1, 2], series: { 'archive/budget_used': [0, null, 96], 'archive/best_estimate': [0.2, 0.3, 0.4] } });
    expect(curve).toEqual([
      [0, 0.2],
      [96, 0.4],
    ]);
  });
});
