import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunConfig } from '../../../shared/config';
import { CodedError } from '../../../shared/errors';
import type { ArchiveView } from '../../../shared/archive';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { CMP_MEANING, formatCmp, layoutTree, mismatchText, NODE_RADIUS, statusBadge } from './lineage-layout';
import { makeNode, makeRun, makeView } from './lineage-fixtures';
import { branchConfig, growthOf, lineageActions, lineageStore, REFRESH_DEBOUNCE_MS, selectCounts, selectParentOf, selectSelectedNode } from './lineage-store';

let view: ArchiveView;
let bridge: FakeBridge;
const count = (name: string) => bridge.calls.filter((c) => c.name === name).length;

beforeEach(() => {
  view = makeView([
    makeNode('n0'),
    makeNode('n1', { parentId: 'n0', generation: 1, createdOrder: 1, step: 1, kind: 'tool:self-verify', proposalId: 'p1', score: 0.8, mismatch: true }),
  ]);
  bridge = new FakeBridge()
    .on('runs.get', ({ runId }) => makeRun(runId))
    .on('archive.get', () => structuredClone(view))
    .on('proposals.get', ({ id }) => {
      throw new CodedError('unknown_proposal', `no proposal ${id}`);
    })
    .on('runs.trajectories', () => ({ total: 0, items: [], iterations: [] }));
  setBridge(bridge);
});
afterEach(() => {
  lineageActions.close();
  vi.useRealTimers();
});

describe('lineage store', () => {
  it('loads the run and its archive, and explains runs without one', async () => {
    await lineageActions.open('r1');
    expect(lineageStore.getState().view?.nodes.map((n) => n.id)).toEqual(['n0', 'n1']);
    expect(selectCounts(lineageStore.getState())).toEqual({ size: 2, kept: 2, mismatches: 1, pending: 0 });
    bridge.on('archive.get', () => {
      throw new CodedError('invalid_request', 'run r2 is not an archive run');
    });
    await lineageActions.open('r2');
    expect(lineageStore.getState().view).toBeNull();
    expect(lineageStore.getState().error).toMatch(/not an archive run/);
  });

  it('shows new and changed nodes of its own run at once, with the growth table recomputed', async () => {
    await lineageActions.open('r1');
    lineageActions.onNode(makeNode('x9', { runId: 'other', generation: 1 }));
    expect(lineageStore.getState().view?.nodes).toHaveLength(2);
    lineageActions.onNode(makeNode('n2', { parentId: 'n1', generation: 2, createdOrder: 2, status: 'evaluating', score: null }));
    lineageActions.onNode(makeNode('n1', { parentId: 'n0', generation: 1, createdOrder: 1, status: 'rejected', rejectedBy: 'person' }));
    const s = lineageStore.getState();
    expect(s.view?.nodes.map((n) => `${n.id}:${n.status}`)).toEqual(['n0:kept', 'n1:rejected', 'n2:evaluating']);
    expect(s.view?.generations).toEqual([
      { generation: 0, made: 1, kept: 1 },
      { generation: 1, made: 1, kept: 0 },
      { generation: 2, made: 1, kept: 0 },
    ]);
  });

  it("refetches once per burst of its run's iterations and decisions, never for other runs", async () => {
    await lineageActions.open('r1');
    vi.useFakeTimers();
    const before = count('archive.get');
    lineageActions.onRunEvent({ runId: 'r2' });
    for (let i = 0; i < 5; i++) lineageActions.onRunEvent({ runId: 'r1' });
    view = makeView([...view.nodes, makeNode('n2', { parentId: 'n0', generation: 1, createdOrder: 2 })]);
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS - 1);
    expect(count('archive.get')).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(count('archive.get')).toBe(before + 1);
    await vi.waitFor(() => expect(lineageStore.getState().view?.nodes).toHaveLength(3));
  });

  it("loads a node's evidence and its round's trajectories; an evidence error stays beside the node", async () => {
    await lineageActions.open('r1');
    await lineageActions.select('n1');
    const s = lineageStore.getState();
    expect(selectSelectedNode(s)?.id).toBe('n1');
    expect(selectParentOf(s, selectSelectedNode(s))?.id).toBe('n0');
    expect(bridge.calls.find((c) => c.name === 'runs.trajectories')?.input).toEqual({ runId: 'r1', iteration: 1, limit: 20 });
    expect(s.detail?.proposalError).toMatch(/no proposal p1/);
    expect(s.detail?.trajectories).toEqual([]);
    // The root has no proposal: nothing to fetch.
    const before = count('proposals.get');
    await lineageActions.select('n0');
    expect(count('proposals.get')).toBe(before);
    await lineageActions.select(null);
    expect(lineageStore.getState().detail).toBeNull();
  });

  it("branches: the source config starting from the node, outside the source's comparison, and the form shows it", () => {
    const run = makeRun('r1', { name: 'hgm search' });
    const config = branchConfig(run, 'n3');
    expect(config.startFrom).toEqual({ runId: 'r1', nodeId: 'n3' });
    expect((config.archive as Record<string, unknown>).comparison).toBeUndefined();
    expect(config.name).toBe('hgm search · branch from n3');
    // What the New-run form sends is a valid run config.
    expect(RunConfig.safeParse(config).success).toBe(true);
  });
});

describe('lineage layout', () => {
  it('puts generations in rows and gives every node its own slot, however many there are', () => {
    const nodes = [makeNode('n0')];
    for (let i = 1; i < 60; i++) {
      const generation = i < 20 ? 1 : i < 45 ? 2 : 3;
      const parent = generation === 1 ? 'n0' : `n${(i % 19) + 1}`;
      nodes.push(makeNode(`n${i}`, { parentId: parent, generation, createdOrder: i }));
    }
    const layout = layoutTree(nodes);
    expect(layout.placed).toHaveLength(60);
    expect(layout.edges).toHaveLength(59);
    for (let i = 0; i < layout.placed.length; i++) {
      for (let j = i + 1; j < layout.placed.length; j++) {
        const a = layout.placed[i];
        const b = layout.placed[j];
        const apart = Math.abs(a.x - b.x) >= NODE_RADIUS * 4 || Math.abs(a.y - b.y) >= NODE_RADIUS * 4;
        expect(apart, `${a.node.id} and ${b.node.id} overlap`).toBe(true);
      }
    }
    const ys = (gen: number) => new Set(layout.placed.filter((p) => p.node.generation === gen).map((p) => p.y));
    expect(ys(2).size).toBe(1);
    expect([...ys(1)][0]).toBeLessThan([...ys(2)][0]);
    expect(Math.max(...layout.placed.map((p) => p.x))).toBeLessThan(layout.width);
  });

  it('orders a row by parent, then creation', () => {
    const layout = layoutTree([
      makeNode('a'),
      makeNode('b', { parentId: 'a', generation: 1, createdOrder: 1 }),
      makeNode('c', { parentId: 'a', generation: 1, createdOrder: 2 }),
      makeNode('d', { parentId: 'c', generation: 2, createdOrder: 3 }),
      makeNode('e', { parentId: 'b', generation: 2, createdOrder: 4 }),
    ]);
    const row2 = layout.placed
      .filter((p) => p.node.generation === 2)
      .sort((p, q) => p.x - q.x)
      .map((p) => p.node.id);
    expect(row2).toEqual(['e', 'd']);
  });

  it('draws a long chain (no-darwin) as one column, and a node whose parent is missing as a tree of its own', () => {
    const chain = Array.from({ length: 2000 }, (_, i) => makeNode(`n${i}`, { parentId: i ? `n${i - 1}` : null, generation: i, createdOrder: i }));
    const layout = layoutTree(chain);
    expect(new Set(layout.placed.map((p) => p.x)).size).toBe(1);
    expect(layout.edges).toHaveLength(1999);
    const orphan = layoutTree([makeNode('a'), makeNode('z', { parentId: 'gone', generation: 1, createdOrder: 1 })]);
    expect(orphan.placed.map((p) => p.node.id).sort()).toEqual(['a', 'z']);
    expect(orphan.edges).toHaveLength(0);
  });

  it('words the badge, CMP and growth', () => {
    expect(statusBadge({ status: 'rejected', rejectedBy: 'staged' })).toMatchObject({ text: '✗S', tone: 'bad' });
    expect(statusBadge({ status: 'pending', rejectedBy: null }).title).toMatch(/waiting for a person/);
    expect(formatCmp({ mean: 0.5, lo: 0.25, hi: 0.75, n: 12 })).toBe('0.50 [0.25, 0.75]');
    expect(formatCmp({ mean: 0.5, lo: 0.05, hi: 0.95, n: 0 })).toBe('no evidence');
    expect(growthOf([makeNode('a'), makeNode('b', { generation: 1, status: 'pending' })])).toEqual([
      { generation: 0, made: 1, kept: 1 },
      { generation: 1, made: 1, kept: 0 },
    ]);
  });

  it('says a kept child that failed the staged check competes with its small-set score', () => {
    const badge = statusBadge({ status: 'kept', rejectedBy: null, fullyEvaluated: false, cheapScore: 0.125 });
    expect(badge).toMatchObject({ text: '✓', tone: 'ok' });
    expect(badge.title).toMatch(/small-set score 0\.13.*failed the staged check/);
    expect(statusBadge({ status: 'kept', rejectedBy: null, fullyEvaluated: true, cheapScore: 0.5 }).title).toBe('kept: in the archive, may be a parent');
  });

  it("labels CMP as the descendants' estimate, and HGM's draw as pooling the node's own evaluations with theirs", () => {
    expect(CMP_MEANING).toMatch(/descendants' evaluations \(not its own\)/);
    const text = mismatchText('0.90', '0.20 [0.10, 0.30]');
    expect(text).toMatch(/outside its descendants' CMP interval 0\.20/);
    expect(text).toMatch(/HGM expands by a draw pooling the node's own evaluations with its descendants'/);
  });
});
