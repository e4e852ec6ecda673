/**
 * Archive runs end to end in the engine: the DGM smoke search learns (its final agent beats the root on the held-out
 * sets), every child passed the gate with its evidence and audit trail, the archive's numbers hang together, no tensor
 * leaks; and under a policy that asks a person, the person's verdicts land on the nodes and decide which are parents.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArchiveView } from '../../shared/archive';
import type { EventName, EventPayload } from '../../shared/contract';
import { POLICY_PRESETS } from '../../shared/oversight';
import { EngineService } from '../service';
import { Store } from '../store/store';
import { cmpEstimate } from './cmp';

const PRESET = 'addition-archive-smoke';
const dirs: string[] = [];

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-archive-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// Generous: the machine's two cores are shared; nothing here is a speed target.
async function until(check: () => boolean, what: string, ms = 400_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('archive runs', () => {
  it('DGM smoke: the search beats its root on the held-out sets, every child passed the gate, no tensor leaked', async () => {
    const ws = workspace();
    const nodeEvents: string[] = [];
    const emit = <E extends EventName>(name: E, payload: EventPayload<E>) => {
      if (name === 'archive.node') nodeEvents.push((payload as { id: string }).id);
    };
    const service = new EngineService({ workspace: ws, emit });
    const runId = service.start({ preset: PRESET, policy: 'archive' });
    expect(await service.waitForRun(runId)).toBe('completed');
    const view = (await service.handle('archive.get', { runId })) as ArchiveView;
    const store = service.store;
    const first = store.iterationMetrics(runId, 0);
    const last = store.lastMetrics(runId)!;

    // Learning: the chosen agent does better than the warmed-up root on the protected held-out sets.
    expect(last['archive/final_heldout']).toBeGreaterThan(first['archive/root_heldout']! + 0.05);
    expect(last['archive/budget_used']).toBeGreaterThanOrEqual(view.budget.total);
    // No tensor leaked across the search: the count after the last step is the count after the warm-up.
    expect(last['mem/tensors']).toBe(first['mem/tensors']);

    // The archive: a tree of more than a handful of children, growing over generations, with the live events seen.
    const nodes = new Map(view.nodes.map((n) => [n.id, n]));
    expect(view.nodes.length).toBeGreaterThan(5);
    expect(Math.max(...view.nodes.map((n) => n.generation))).toBeGreaterThanOrEqual(2);
    expect(new Set(nodeEvents)).toEqual(new Set(nodes.keys()));
    expect(view.generations.reduce((s, g) => s + g.made, 0)).toBe(view.nodes.length);
    expect(nodes.get(view.bestNodeId!)!.status).toBe('kept');
    let stagedFailed = 0;
    let stagedKept = 0;
    for (const node of view.nodes) {
      if (node.parentId === null) continue;
      const parent = nodes.get(node.parentId)!;
      expect(node.generation).toBe(parent.generation + 1);
      // CMP comes from the descendants' evaluations only.
      const below = view.nodes.filter((d) => isDescendant(nodes, d.id, node.id));
      const s = below.reduce((acc, d) => acc + d.successes, 0);
      const f = below.reduce((acc, d) => acc + d.failures, 0);
      expect(node.cmp.n).toBe(s + f);
      expect(node.cmp.mean).toBeCloseTo(cmpEstimate({ successes: s, failures: f }).mean, 12);
      // Every child is a proposal that went through the gate, with its verdict on the node.
      const p = store.oversight.requireProposal(node.proposalId!);
      expect(p.checkpoint).toBe(`runs/${runId}/nodes/${node.id}.ckpt`);
      // A child that failed the staged check is a proposal like the others; admitted, it keeps its small-set score.
      expect(node.rejectedBy).not.toBe('staged');
      const failedStaged = !node.fullyEvaluated;
      if (failedStaged) {
        // The preset's cheap check is the first 16 tasks of the search set.
        expect(node.successes + node.failures).toBe(16);
        expect(node.score).toBeCloseTo(node.cheapScore!, 12);
        expect(p.rationale).toMatch(/failed the staged check/);
        stagedFailed++;
      }
      const entries = store.oversight.auditEntries(runId).filter((e) => e.proposalId === p.id);
      if (node.status === 'kept') {
        expect(p.status).toBe('applied');
        // The audit trail's settlement says where the child joined, and with which score.
        const applied = entries.find((e) => e.action === 'applied')!;
        if (failedStaged) {
          expect(applied.reason).toBe(`failed the staged check; kept in the archive as ${node.id} with its small-set score ${node.cheapScore!.toFixed(2)}`);
          stagedKept++;
        } else expect(applied.reason).toBe(`kept in the archive as ${node.id}`);
      }
      const trail = entries.map((e) => `${e.actor}:${e.action}`);
      expect(trail.slice(0, 2)).toEqual(['agent:proposed', `gate:${p.gate.action}`]);
      // Rewarded but wrong is measured for every child, from its own genome's rewards; a hacking child is never kept.
      expect(p.evidence.rewardedWrong).toBeDefined();
      if (p.evidence.flags.some((f) => f.kind === 'reward-hacking')) expect(node.status).not.toBe('kept');
      if (node.genome.tools.some((t) => t.kind === 'reward-shaping' && t.rule === 'format-credit')) expect(node.status).not.toBe('kept');
    }
    console.log(
      `DGM smoke: ${view.nodes.length} nodes, ${stagedFailed} failed the staged check, ${stagedKept} of them kept; final held-out ${last['archive/final_heldout']} (root ${first['archive/root_heldout']})`,
    );
    expect(store.oversight.verifyAudit(runId).ok).toBe(true);
    await service.close();
  }, 600_000);

  it('a person decides which children join the archive: rejected children are never parents', async () => {
    const ws = workspace();
    const statuses: string[] = [];
    const emit = <E extends EventName>(name: E, payload: EventPayload<E>) => {
      if (name === 'run.status') statuses.push((payload as { status: string }).status);
    };
    const service = new EngineService({ workspace: ws, emit });
    // A short search that asks a person about every child and waits for the answer.
    // (No cheap check: a barely warmed-up agent would fail it, and this test is about the person's verdicts.)
    const config = { warmup: { steps: 200 }, archive: { budget: 400, stagedFloor: 0 } };
    const runId = service.start({ preset: PRESET, config, policy: POLICY_PRESETS.ask });
    const done = service.waitForRun(runId);
    // The person decides from another connection to the workspace, as `evolab decide` or the app would.
    const person = Store.open(ws);
    const verdicts = new Map<string, 'approve' | 'reject'>();
    let finished = false;
    void done.then(() => (finished = true));
    for (let k = 0; !finished; k++) {
      await until(() => finished || statuses.at(-1) === 'waiting', 'the run to wait for a person');
      if (finished) break;
      for (const p of person.oversight.listProposals({ runId, status: 'pending' })) {
        // A child is an agent already made and evaluated: it can be admitted or refused, not edited.
        if (verdicts.size === 0)
          await expect(
            service.handle('proposals.decide', { id: p.id, decision: 'edit', changes: [{ path: 'workflow.learningRate', before: 0.005, after: 0.004 }] }),
          ).rejects.toThrow(/archive run/);
        const decision = verdicts.size % 2 === 0 ? 'approve' : 'reject';
        person.oversight.decide(p.id, decision, 'person:tester', decision === 'reject' ? 'not this one' : null);
        verdicts.set(p.id, decision);
        service.activeRunner?.poke();
      }
      await until(() => finished || statuses.at(-1) !== 'waiting', 'the run to continue');
    }
    expect(await done).toBe('completed');
    person.close();
    const view = (await service.handle('archive.get', { runId })) as ArchiveView;
    const children = view.nodes.filter((n) => n.parentId !== null && n.rejectedBy !== 'staged');
    expect(children.length).toBeGreaterThanOrEqual(2);
    for (const n of children) {
      const decision = verdicts.get(n.proposalId!);
      expect(decision, `child ${n.id} was decided by the person`).toBeDefined();
      expect(n.status).toBe(decision === 'approve' ? 'kept' : 'rejected');
      expect(n.verdict?.actor).toBe('person:tester');
      if (decision === 'reject') {
        expect(n.rejectedBy).toBe('person');
        expect(view.nodes.some((c) => c.parentId === n.id)).toBe(false);
      }
    }
    expect(service.store.oversight.verifyAudit(runId).ok).toBe(true);
    await service.close();
  }, 600_000);
});

function isDescendant(nodes: Map<string, { parentId: string | null }>, id: string, ancestor: string): boolean {
  let cur = nodes.get(id)?.parentId ?? null;
  while (cur !== null) {
    if (cur === ancestor) return true;
    cur = nodes.get(cur)?.parentId ?? null;
  }
  return false;
}
