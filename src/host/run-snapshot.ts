/**
 * For tests: what must not differ between a run that was killed and resumed and one that ran straight through —
 * the per-iteration metrics (less time, speed and memory), the proposals and their outcomes, the archive, the audit
 * chain — and the signs of a corrupted workspace.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import type { Metrics } from '../shared/run';
import { archiveGet } from '../engine/evolution/requests';
import { readCheckpoint } from '../engine/store/checkpoint';
import { Store } from '../engine/store/store';

export interface RunSnapshot {
  status: string;
  metrics: Metrics[];
  /** Ids are the run's id plus a per-run number; the number is what is compared. */
  proposals: Array<{ id: string; iteration: number; kind: string; status: string; flags: string[]; checkpoint: boolean }>;
  archive: unknown[] | null;
  audit: { ok: boolean; entries: number };
}

export function runSnapshot(workspace: string, runId: string): RunSnapshot {
  const store = Store.open(workspace);
  try {
    const run = store.requireRun(runId);
    const metrics = store
      .iterationNumbers(runId)
      .map((i) => Object.fromEntries(Object.entries(store.iterationMetrics(runId, i)).filter(([k]) => !/^(perf|time|mem)\//.test(k))));
    const proposals = store.oversight
      .listProposals({ runId, limit: 10_000 })
      .map((p) => ({
        id: p.id.slice(runId.length + 1),
        iteration: p.iteration,
        kind: p.kind,
        status: p.status,
        flags: p.evidence.flags.map((f) => f.kind),
        checkpoint: p.checkpoint === null || fs.existsSync(store.absolute(p.checkpoint)),
      }))
      .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
    const config = store.runConfig(runId);
    const archive = config.archive.enabled
      ? archiveGet(store, runId).nodes.map((n) => ({
          id: n.id,
          parentId: n.parentId,
          status: n.status,
          rejectedBy: n.rejectedBy,
          successes: n.successes,
          failures: n.failures,
          kind: n.kind,
          changes: n.changes,
          verdict: n.verdict?.status ?? null,
        }))
      : null;
    const verification = store.oversight.verifyAudit(runId);
    return { status: run.status, metrics, proposals, archive, audit: { ok: verification.ok, entries: verification.entries } };
  } finally {
    store.close();
  }
}

/**
 * What is wrong with a workspace at rest, as sentences (none when it is sound): SQLite's integrity check, gaps in
 * a run's iterations, a checkpoint the database names that does not read back, a proposal whose child checkpoint
 * is gone, an audit chain that does not verify.
 */
export function corruptions(workspace: string): string[] {
  const problems: string[] = [];
  const db = new Database(path.join(workspace, 'evolab.db'), { readonly: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') problems.push(`integrity_check: ${String(check)}`);
  } finally {
    db.close();
  }
  const store = Store.open(workspace);
  try {
    for (const run of store.listRuns()) {
      const iterations = store.iterationNumbers(run.id);
      if (iterations.some((n, i) => n !== i)) problems.push(`run ${run.id}: iterations ${iterations.join(',')} have a gap`);
      const last = store.lastCheckpoint(run.id);
      if (last) {
        try {
          readCheckpoint(last.path);
        } catch (error) {
          problems.push(`run ${run.id}: checkpoint of iteration ${last.iteration}: ${(error as Error).message}`);
        }
      }
      for (const p of store.oversight.listProposals({ runId: run.id, limit: 10_000 })) {
        if (p.checkpoint !== null && (p.status === 'pending' || p.status === 'approved') && !fs.existsSync(store.absolute(p.checkpoint)))
          problems.push(`proposal ${p.id}: its child checkpoint is missing`);
      }
      const audit = store.oversight.verifyAudit(run.id);
      if (!audit.ok) problems.push(`run ${run.id}: audit: ${audit.message}`);
    }
  } finally {
    store.close();
  }
  return problems;
}
