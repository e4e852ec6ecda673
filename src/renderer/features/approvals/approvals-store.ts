import { createStore } from 'zustand/vanilla';
import type { EventPayload } from '../../../shared/contract';
import type { GenomeChange } from '../../../shared/genome';
import type { Proposal, ProposerEstimate } from '../../../shared/oversight';
import type { RunSummary } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';

export type DecisionKind = 'approve' | 'reject' | 'edit';

export interface ApprovalsState {
  /** Proposals waiting for a person, across runs, oldest first (the order they stopped their runs). */
  pending: Proposal[];
  /** Decided proposals (by a person or the gate), newest decision first. */
  decided: Proposal[];
  /** Set once the inbox has been opened: from then on refreshes re-read the lists, not only the count. */
  loaded: boolean;
  loading: boolean;
  error: string | null;
  /** Pending proposals across all runs: the badge in the navigation. Null until first read. */
  pendingCount: number | null;
  runs: Record<string, RunSummary>;
  /** The proposer's estimate per kind, per run (what the person's decisions taught it). */
  estimates: Record<string, ProposerEstimate[]>;
  busy: Record<string, DecisionKind>;
  decideErrors: Record<string, string>;
}

const initial: ApprovalsState = {
  pending: [],
  decided: [],
  loaded: false,
  loading: false,
  error: null,
  pendingCount: null,
  runs: {},
  estimates: {},
  busy: {},
  decideErrors: {},
};

export const approvalsStore = createStore<ApprovalsState>(() => ({ ...initial }));

export const selectPendingCount = (s: ApprovalsState): number | null => s.pendingCount;
export const selectEstimate = (s: ApprovalsState, p: Proposal): ProposerEstimate | null => s.estimates[p.runId]?.find((e) => e.kind === p.kind) ?? null;

const byCreated = (a: Proposal, b: Proposal) => a.createdAt.localeCompare(b.createdAt);
const byDecidedDesc = (a: Proposal, b: Proposal) => (b.decidedAt ?? b.createdAt).localeCompare(a.decidedAt ?? a.createdAt);
const without = <T>(record: Record<string, T>, key: string): Record<string, T> => {
  const { [key]: _, ...rest } = record;
  return rest;
};

/** Puts a proposal in the list its status belongs to, replacing an older copy. */
function upsert(s: ApprovalsState, p: Proposal): Pick<ApprovalsState, 'pending' | 'decided'> {
  const pending = s.pending.filter((x) => x.id !== p.id);
  const decided = s.decided.filter((x) => x.id !== p.id);
  if (p.status === 'pending') return { pending: [...pending, p].sort(byCreated), decided };
  return { pending, decided: [p, ...decided].sort(byDecidedDesc) };
}

let loadSeq = 0;

async function loadEstimates(runIds: string[]): Promise<void> {
  const bridge = getBridge();
  const results = await Promise.allSettled(runIds.map(async (runId) => [runId, (await bridge.request('oversight.state', { runId })).estimates] as const));
  const estimates = { ...approvalsStore.getState().estimates };
  for (const r of results) if (r.status === 'fulfilled') estimates[r.value[0]] = r.value[1];
  approvalsStore.setState({ estimates });
}

// Counts have their own sequence: a count must never discard the answer of a list load running beside it.
let countSeq = 0;

async function countPending(): Promise<void> {
  const seq = ++countSeq;
  const pending = await getBridge().request('proposals.list', { status: 'pending', limit: 1000 });
  if (seq === countSeq) approvalsStore.setState({ pendingCount: pending.length });
}

// Refreshes are coalesced: events come in bursts (a round creates several proposals at once).
let inFlight: Promise<void> | null = null;
let again = false;

export const approvalsActions = {
  /** Reads both lists, the runs they belong to and the proposer's estimates for those runs. */
  async load(): Promise<void> {
    const seq = ++loadSeq;
    approvalsStore.setState({ loading: true });
    const bridge = getBridge();
    try {
      const [pending, decided, runs] = await Promise.all([
        bridge.request('proposals.list', { status: 'pending', limit: 1000 }),
        bridge.request('proposals.list', { status: 'decided', limit: 200 }),
        // Runs only label the cards; the inbox works without them.
        bridge.request('runs.list', {}).catch(() => [] as RunSummary[]),
      ]);
      if (seq !== loadSeq) return;
      approvalsStore.setState({
        pending: [...pending].sort(byCreated),
        decided: [...decided].sort(byDecidedDesc),
        pendingCount: pending.length,
        runs: Object.fromEntries(runs.map((r) => [r.id, r])),
        loaded: true,
        loading: false,
        error: null,
      });
      const runIds = [...new Set([...pending, ...decided.slice(0, 20)].map((p) => p.runId))].slice(0, 12);
      await loadEstimates(runIds);
    } catch (error) {
      if (seq === loadSeq) approvalsStore.setState({ loading: false, error: describeError(error).message });
    }
  },

  /** Re-reads what is on screen (the lists once the inbox was opened, else only the count). */
  refresh(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        try {
          await (approvalsStore.getState().loaded ? approvalsActions.load() : countPending());
        } catch {
          // The count keeps its last value; the next event or visit retries.
        }
      } while (again);
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  },

  /**
   * Approve, reject (a reason is required) or edit (the changed values; the engine re-runs their evidence).
   * Returns the proposal after the decision, or null with the error beside the card.
   */
  async decide(id: string, decision: DecisionKind, options: { reason?: string; changes?: GenomeChange[] } = {}): Promise<Proposal | null> {
    const reason = options.reason?.trim() || undefined;
    if (decision === 'reject' && !reason) {
      approvalsStore.setState((s) => ({
        decideErrors: { ...s.decideErrors, [id]: 'Give a reason to reject: it is written to the audit log and teaches the proposer.' },
      }));
      return null;
    }
    approvalsStore.setState((s) => ({ busy: { ...s.busy, [id]: decision }, decideErrors: without(s.decideErrors, id) }));
    try {
      const input = { id, decision, ...(reason ? { reason } : {}), ...(decision === 'edit' ? { changes: options.changes } : {}) };
      const result = await getBridge().request('proposals.decide', input);
      approvalsStore.setState((s) => ({ ...upsert(s, result), busy: without(s.busy, id) }));
      void loadEstimates([result.runId]);
      void approvalsActions.refresh();
      return result;
    } catch (error) {
      approvalsStore.setState((s) => ({ busy: without(s.busy, id), decideErrors: { ...s.decideErrors, [id]: describeError(error).message } }));
      return null;
    }
  },

  clearError(id: string): void {
    approvalsStore.setState((s) => ({ decideErrors: without(s.decideErrors, id) }));
  },

  /** proposal.created / proposal.decided: show the new state at once, then re-read the count. */
  onProposal(p: EventPayload<'proposal.created'>): void {
    if (approvalsStore.getState().loaded) approvalsStore.setState((s) => upsert(s, p));
    void approvalsActions.refresh();
  },

  /** A run that starts waiting (or stops, or is deleted) changes what is pending. */
  onRunStatus(p: EventPayload<'run.status'>): void {
    const s = approvalsStore.getState();
    const run = s.runs[p.runId];
    if (run) approvalsStore.setState({ runs: { ...s.runs, [p.runId]: { ...run, status: p.status } } });
    void approvalsActions.refresh();
  },

  /** Tests start from a clean store. */
  reset(): void {
    loadSeq++;
    countSeq++;
    approvalsStore.setState({ ...initial });
  },
};
