import type { ArchiveNode, ArchiveView } from '../../../shared/archive';
import { RecipeConfig, RunConfig } from '../../../shared/config';
import type { RunDetail } from '../../../shared/run';

/** Archive nodes and views for the lineage tests (plain data, no engine). */
export function makeNode(id: string, over: Partial<ArchiveNode> = {}): ArchiveNode {
  return {
    id,
    runId: 'r1',
    parentId: null,
    generation: 0,
    createdOrder: 0,
    step: 0,
    status: 'kept',
    rejectedBy: null,
    score: 0.5,
    successes: 8,
    failures: 8,
    cheapScore: null,
    fullyEvaluated: true,
    cmp: { mean: 0.5, lo: 0.3, hi: 0.7, n: 0 },
    mismatch: false,
    kind: 'root',
    rationale: '',
    changes: [],
    genome: { workflow: { recipe: RecipeConfig.parse({ kind: 'star' }), learningRate: 0.001 }, memory: { entries: [], replayShare: 0 }, tools: [] },
    proposalId: null,
    verdict: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

export function makeView(nodes: ArchiveNode[], over: Partial<ArchiveView> = {}): ArchiveView {
  return {
    runId: 'r1',
    strategy: 'hgm',
    selection: 'keep-all',
    budget: { used: 100, total: 1000 },
    steps: 3,
    nodes,
    bestNodeId: nodes[0]?.id ?? null,
    generations: [],
    ...over,
  };
}

export function makeRun(id: string, over: Partial<RunDetail> = {}): RunDetail {
  const config = RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'star' }, archive: { enabled: true, strategy: 'hgm', comparison: 'cmp-1' } });
  return {
    id,
    name: null,
    preset: 'addition-archive-smoke',
    recipe: 'star',
    status: 'running',
    seed: 1,
    backend: 'cpu',
    iterationsDone: 1,
    iterationsTotal: 10,
    bestScore: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:01:00.000Z',
    error: null,
    archive: { strategy: 'hgm', comparison: 'cmp-1' },
    config,
    lastMetrics: null,
    lastCheckpointIteration: null,
    ...over,
  };
}
