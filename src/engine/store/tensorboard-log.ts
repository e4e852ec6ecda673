/**
 * A run's TensorBoard event file, kept beside its checkpoints (`<workspace>/runs/<id>/events.out.tfevents.*`), so
 * that `tensorboard --logdir <workspace>/runs` shows every run as its own line: a scalar for every metric at its
 * iteration, and text summaries for proposals and decisions.
 *
 * The file is derived data: the store stays the record. The first event of a run in a process (a new run, or a
 * resumed one whose redone iterations the store has truncated) rewrites the file whole from the store, through a
 * temp file and a rename, so it never holds an iteration the store lost; later events are appended. Any I/O error
 * is reported once through `warn` and turns the log off for that run: the run itself never notices.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventName } from '../../shared/contract';
import type { Proposal } from '../../shared/oversight';
import type { Metrics } from '../../shared/run';
import { TEMP_SUFFIX } from './checkpoint';
import type { Store } from './store';
import { eventFileName, fileVersionRecord, summaryRecord, type SummaryValue } from './tfevents';

const EVENT_FILE = /^events\.out\.tfevents\./;

function seconds(iso: string | null | undefined, fallback: number): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t / 1000 : fallback;
}

function scalars(metrics: Metrics): SummaryValue[] {
  return Object.entries(metrics)
    .filter(([, v]) => typeof v === 'number')
    .map(([tag, scalar]) => ({ tag, scalar }));
}

function changesText(p: Proposal): string {
  return p.changes.map((c) => `- \`${c.path}\`: ${JSON.stringify(c.before ?? null)} → ${JSON.stringify(c.after ?? null)}`).join('\n');
}

/** A proposal as markdown (the text plugin renders it): what, why, the evidence's headline, what the gate did. */
export function proposalText(p: Proposal): string {
  const h = p.evidence.heldout;
  return [
    `**${p.kind}** (${p.pathway}, ${p.size}) — proposal ${p.id}, round ${p.iteration}`,
    '',
    p.rationale,
    '',
    changesText(p),
    '',
    `held-out ${h.before.value.toFixed(3)} → ${h.after.value.toFixed(3)} (Δ ${h.delta.value.toFixed(3)}, 95% CI ${h.delta.lo.toFixed(3)}..${h.delta.hi.toFixed(3)})`,
    `gate: ${p.gate.action} — ${p.gate.reason}`,
  ].join('\n');
}

/** A proposal's status change as markdown: who decided, and why. */
export function decisionText(p: Proposal): string {
  return [`**${p.status}** — proposal ${p.id} (${p.kind})`, '', `by ${p.decidedBy ?? 'the gate'}${p.reason ? `: ${p.reason}` : ''}`].join('\n');
}

export function proposalRecord(p: Proposal, wallTime: number): Buffer {
  return summaryRecord(p.iteration, wallTime, [{ tag: `proposals/${p.id}`, text: proposalText(p) }]);
}

export function decisionRecord(p: Proposal, wallTime: number): Buffer {
  return summaryRecord(p.iteration, wallTime, [{ tag: `decisions/${p.id}`, text: decisionText(p) }]);
}

export interface RunRecords {
  data: Buffer;
  iterations: number[];
  proposals: string[];
  decisions: string[];
}

/** The whole event file of a run as the store holds it now, with what it covers. */
export function runRecords(store: Store, runId: string, now: number = Date.now() / 1000): RunRecords {
  const run = store.requireRun(runId);
  const start = seconds(run.createdAt, now);
  const ended = store.iterationEndTimes(runId);
  const parts: Buffer[] = [fileVersionRecord(start)];
  const iterations = store.iterationNumbers(runId);
  for (const i of iterations) parts.push(summaryRecord(i, seconds(ended.get(i), start), scalars(store.iterationMetrics(runId, i))));
  const proposals = store.oversight.listProposals({ runId, limit: 1_000_000 }).reverse();
  const decisions: string[] = [];
  for (const p of proposals) {
    parts.push(proposalRecord(p, seconds(p.createdAt, start)));
    if (p.status !== 'pending') {
      parts.push(decisionRecord(p, seconds(p.decidedAt, start)));
      decisions.push(`${p.id}:${p.status}`);
    }
  }
  return { data: Buffer.concat(parts), iterations, proposals: proposals.map((p) => p.id), decisions };
}

/** Writes a run's whole event file into `dir` (temp file, rename), replacing the event files there. */
export function writeRunEventFile(store: Store, runId: string, dir: string, host: string = os.hostname()): { file: string; records: RunRecords } {
  const now = Date.now() / 1000;
  const records = runRecords(store, runId, now);
  const file = path.join(dir, eventFileName(now, host));
  const temp = `${file}${TEMP_SUFFIX}`;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(temp, records.data);
  fs.renameSync(temp, file);
  for (const name of fs.readdirSync(dir))
    if (EVENT_FILE.test(name) && !name.endsWith(TEMP_SUFFIX) && path.join(dir, name) !== file) fs.rmSync(path.join(dir, name));
  return { file, records };
}

interface OpenLog {
  file: string;
  lastIteration: number;
  proposals: Set<string>;
  decisions: Set<string>;
}

export interface TensorBoardLogOptions {
  store(): Store;
  warn(runId: string, message: string): void;
  host?: string;
}

/** The live writer: give it every engine event; it keeps each run's event file in step with the store. */
export class TensorBoardLog {
  private readonly runs = new Map<string, OpenLog | 'off'>();
  private readonly options: TensorBoardLogOptions;

  constructor(options: TensorBoardLogOptions) {
    this.options = options;
  }

  observe(name: EventName, payload: unknown): void {
    if (name !== 'run.iteration' && name !== 'proposal.created' && name !== 'proposal.decided') return;
    const runId = (payload as { runId?: unknown }).runId;
    if (typeof runId !== 'string' || this.runs.get(runId) === 'off') return;
    try {
      const log = this.runs.get(runId) ?? this.open(runId);
      if (log === 'off') return;
      const now = Date.now() / 1000;
      let record: Buffer | null = null;
      if (name === 'run.iteration') {
        const p = payload as { iteration: number; metrics: Metrics };
        if (p.iteration > log.lastIteration) {
          record = summaryRecord(p.iteration, now, scalars(p.metrics));
          log.lastIteration = p.iteration;
        }
      } else {
        const p = payload as Proposal;
        if (name === 'proposal.created' && !log.proposals.has(p.id)) {
          log.proposals.add(p.id);
          record = proposalRecord(p, now);
        }
        // A proposal created already decided (by the gate) is announced once, as created: record its decision too.
        const key = `${p.id}:${p.status}`;
        if (p.status !== 'pending' && !log.decisions.has(key)) {
          log.decisions.add(key);
          record = record ? Buffer.concat([record, decisionRecord(p, now)]) : decisionRecord(p, now);
        }
      }
      if (record) fs.appendFileSync(log.file, record);
    } catch (error) {
      this.runs.set(runId, 'off');
      const reason = error instanceof Error ? error.message : String(error);
      this.options.warn(
        runId,
        `The TensorBoard event file of run ${runId} cannot be written (${reason}); the run goes on without it. \`evolab export ${runId} --format tensorboard\` writes it later.`,
      );
    }
  }

  /** Forgets a run (it ended, or was deleted): its next event rewrites its file from the store. */
  forget(runId: string): void {
    this.runs.delete(runId);
  }

  private open(runId: string): OpenLog {
    const store = this.options.store();
    const { file, records } = writeRunEventFile(store, runId, store.runDir(runId), this.options.host);
    const log: OpenLog = {
      file,
      lastIteration: records.iterations.at(-1) ?? -1,
      proposals: new Set(records.proposals),
      decisions: new Set(records.decisions),
    };
    this.runs.set(runId, log);
    return log;
  }
}
