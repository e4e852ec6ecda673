/**
 * `evolab compare --parallel N`: the comparison's runs side by side, each an `evolab run --json` child process of its
 * own (its own engine and backend, as `evolab sweep` runs them), at most N at a time, all in one workspace. Every
 * run is the run the in-process comparison would start (same config, seed, policy and starting agent), and a run is
 * deterministic from its config and seed, so the metrics equal those of `--parallel 1`; only the wall time differs.
 *
 * Order: a text preset's first strategy warms up, and the others branch from its initial agent (n0), so they wait
 * until that node is stored (not until the first run ends). With several seeds, every seed's runs share the N
 * places, and a free place takes the next run by `nextSlot`: a warm-up first (three runs wait on each, and it is
 * the longest), then the first other run, in seed-then-strategy order, that may start. A game preset has nothing to
 * wait for, and takes its runs in seed-then-strategy order.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isTextTask } from '../../shared/config';
import type { ApprovalPolicy, Proposal } from '../../shared/oversight';
import { ARCHIVE_BEST_ESTIMATE } from '../../shared/metrics';
import { isCompleted, type PresetInfo, type RunStatus } from '../../shared/run';
import { Store } from '../../engine/store/store';
import { runJob, type JobResult } from '../sweep/pool';
import type { CommandContext } from './common';
import type { ComparedRun, ComparisonReport } from './compare-report';
import { type PolicyPreset, proposalLines, resolvePolicy, workspaceSuffix } from './oversight';
import { onStopSignals } from './stop-signals';

/** What this needs of `evolab compare`'s options (compare.ts's CompareOptions). */
export interface ParallelComparison {
  preset: PresetInfo;
  strategies: readonly string[];
  budget: number | undefined;
  workers?: number;
  policy: PolicyPreset | ApprovalPolicy;
  policyLabel: string;
}

/** One run of a comparison: a seed's strategy. */
interface Slot {
  seed: number;
  comparison: string;
  strategy: string;
  /** Its place in its comparison (0: the run that warms up). */
  index: number;
  state: 'waiting' | 'running' | 'done' | 'skipped';
  result?: JobResult;
}

export interface ParallelOutcome {
  reports: ComparisonReport[];
  code: number;
}

/** The comparison's run of `strategy` in the workspace (the run records its comparison id and strategy), if started. */
function findRun(store: Store, comparison: string, strategy: string): string | null {
  for (const run of store.listRuns()) {
    const a = store.requireRun(run.id).archive;
    if (a?.comparison === comparison && a.strategy === strategy) return run.id;
  }
  return null;
}

/**
 * The run a free place starts next, or undefined. Where later strategies branch (`branches`), a run that warms up
 * goes before any run that branches: the others of its seed wait on it, and it is the longest, so starting every
 * warm-up first follows the critical path and starts the longest jobs first (docs/performance.md has the times).
 */
export function nextSlot<S extends { index: number }>(slots: readonly S[], mayStart: (slot: S) => boolean, branches: boolean): S | undefined {
  return (branches ? slots.find((s) => s.index === 0 && mayStart(s)) : undefined) ?? slots.find(mayStart);
}

/** Whether a run's archive holds its initial agent (n0), the node every later strategy branches from. */
export function hasRoot(store: Store, runId: string): boolean {
  return store.iterationNumbers(runId).includes(0) && store.archive.load(runId) !== null;
}

/**
 * Runs one comparison per seed (`ids[i]` is seed i's comparison id), `parallel` runs at a time. Resolves with a
 * report per seed, runs in strategy order (a run that never started is left out, as the in-process comparison
 * leaves out the strategies it skipped), and the exit code: 0 all completed, 1 one did not, 130 interrupted.
 */
export async function runComparisonsInParallel(
  ctx: CommandContext,
  o: ParallelComparison,
  seeds: number[],
  ids: string[],
  parallel: number,
  collect: (store: Store, strategy: string, runId: string, status: RunStatus, seconds: number) => ComparedRun,
): Promise<ParallelOutcome> {
  const branches = isTextTask(o.preset.config.task);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-compare-'));
  const store = Store.open(ctx.workspace);
  const slots: Slot[] = seeds.flatMap((seed, s) =>
    o.strategies.map((strategy, index) => ({ seed, comparison: ids[s]!, strategy, index, state: 'waiting' as const })),
  );
  /** Per seed: the first run's id once its n0 is stored; `false` once it ended without one. */
  const roots = new Map<number, string | false>();
  const children = new Set<ChildProcess>();
  const n = o.strategies.length;
  const label = (slot: Slot) => `${seeds.length > 1 ? `seed ${slot.seed} ` : ''}[${slot.index + 1}/${n}] ${slot.strategy}`;
  let policyArgs: string[];
  if (typeof o.policy === 'string') policyArgs = ['--policy', o.policy];
  else {
    const file = path.join(tmp, 'policy.json');
    fs.writeFileSync(file, JSON.stringify(resolvePolicy(o.policy)));
    policyArgs = ['--policy', file];
  }
  let hinted = false;
  let interrupts = 0;
  let running = 0;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (finish = resolve));

  const mayStart = (slot: Slot): boolean => {
    if (slot.state !== 'waiting') return false;
    if (!branches || slot.index === 0) return true;
    return typeof roots.get(slot.seed) === 'string';
  };

  const noteRoot = (slot: Slot) => {
    if (!branches || slot.index !== 0 || roots.has(slot.seed)) return;
    const runId = findRun(store, slot.comparison, slot.strategy);
    if (runId !== null && hasRoot(store, runId)) {
      roots.set(slot.seed, runId);
      pump();
    }
  };

  const onEvent = (slot: Slot, line: string) => {
    let event: { event?: string; iteration?: number; proposal?: Proposal };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return; // not one of run's JSON events (a warning the engine printed)
    }
    if (event.event === 'iteration' && event.iteration === 0) noteRoot(slot);
    if (event.event === 'proposal' && event.proposal?.status === 'pending' && !hinted) {
      // Said once: a comparison under a pausing policy waits for a person, who needs to know how to answer.
      hinted = true;
      for (const l of proposalLines('proposal.created', event.proposal, workspaceSuffix(ctx))) ctx.err(`${l}\n`);
      const waits = resolvePolicy(o.policy).whileWaiting === 'pause';
      const meanwhile = waits ? 'that run waits until it is decided' : 'the search goes on meanwhile; a held child is never a parent until approved';
      ctx.err(`(${meanwhile}; held children are listed by \`evolab proposals --status pending${workspaceSuffix(ctx)}\`; said once per comparison)\n`);
    }
  };

  const start = (slot: Slot) => {
    slot.state = 'running';
    running++;
    const config: Record<string, unknown> = {
      archive: { strategy: slot.strategy, comparison: slot.comparison, ...(o.budget !== undefined ? { budget: o.budget } : {}) },
      ...(o.workers !== undefined ? { workers: o.workers } : {}),
    };
    const root = roots.get(slot.seed);
    if (branches && slot.index > 0 && typeof root === 'string') config.startFrom = { runId: root, nodeId: 'n0' };
    const file = path.join(tmp, `${slot.comparison}-${slot.strategy}.json`);
    fs.writeFileSync(file, JSON.stringify(config));
    const args = ['run', '--preset', o.preset.id, '--config', file, '--seed', String(slot.seed), ...policyArgs, '--workspace', ctx.workspace];
    const from = !branches ? "from the seed's initial agent" : slot.index === 0 ? 'with a warm-up' : `from node n0 of ${String(root)}`;
    ctx.err(`${label(slot)}: started ${from}\n`);
    void runJob({ args, onLine: (line) => onEvent(slot, line) }, children).then((result) => {
      slot.result = result;
      slot.state = 'done';
      running--;
      const best = result.runId === null ? undefined : store.lastMetrics(result.runId)?.[ARCHIVE_BEST_ESTIMATE];
      if (result.runId === null && interrupts > 0) {
        // Its process took the signal before it had created a run: nothing to resume, nothing failed.
        ctx.err(`${label(slot)}: interrupted before its run was created\n`);
        pump();
        return;
      }
      ctx.err(
        `${label(slot)}: run ${result.runId ?? '(none)'} ${result.status} in ${result.seconds.toFixed(1)} s; best estimate ${best === undefined ? '-' : best.toFixed(3)}\n`,
      );
      if (result.status === 'failed') ctx.err(`error: ${result.stderrTail || 'the run failed'}\n`);
      if (result.status === 'stopped' && result.runId) ctx.err(`Continue it with: evolab resume ${result.runId}${workspaceSuffix(ctx)}\n`);
      if (branches && slot.index === 0 && !roots.has(slot.seed)) {
        if (result.runId !== null && hasRoot(store, result.runId)) roots.set(slot.seed, result.runId);
        else {
          roots.set(slot.seed, false);
          const rest = slots.filter((s) => s.seed === slot.seed && s.index > 0);
          for (const s of rest) s.state = 'skipped';
          if (interrupts === 0)
            ctx.err(
              `Skipping ${rest.map((s) => s.strategy).join(', ')}${seeds.length > 1 ? ` of seed ${slot.seed}` : ''}: run ${result.runId ?? '(none)'} ended before its initial agent (n0) was stored, so there is nothing to branch from.\n`,
            );
        }
      }
      pump();
    });
  };

  const pump = () => {
    while (interrupts === 0 && running < parallel) {
      const next = nextSlot(slots, mayStart, branches);
      if (!next) break;
      start(next);
    }
    const waitingCanStart = interrupts === 0 && slots.some((s) => s.state === 'waiting');
    if (running === 0 && !waitingCanStart) finish();
  };

  const detach = onStopSignals(
    (signal) => {
      interrupts++;
      ctx.err(`\nStopping the running runs at their next step on ${signal} (each keeps its checkpoint) and starting no more. Send it again to exit at once.\n`);
      for (const child of children) child.kill('SIGINT');
      pump();
    },
    () => ctx.err('\nExiting now; each stopped run resumes from its last checkpoint with `evolab resume`.\n'),
  );
  try {
    pump();
    await allDone;
    const reports = seeds.map((seed, s) => {
      const runs = slots
        .filter((slot) => slot.seed === seed && slot.result?.runId)
        .map((slot) => collect(store, slot.strategy, slot.result!.runId!, slot.result!.status as RunStatus, slot.result!.seconds));
      return { comparison: ids[s]!, seed, preset: o.preset.id, policy: o.policyLabel, runs };
    });
    const all = reports.flatMap((r) => r.runs);
    const code = interrupts > 0 ? 130 : all.length === slots.length && all.every((r) => isCompleted(r.status)) ? 0 : 1;
    return { reports, code };
  } finally {
    detach();
    store.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
