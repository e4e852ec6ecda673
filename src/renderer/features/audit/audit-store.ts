import { createStore } from 'zustand/vanilla';
import type { RequestOutput } from '../../../shared/contract';
import type { AuditAction, AuditEntry, AuditVerification } from '../../../shared/oversight';
import type { RunSummary } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';
import { downloadFile } from '../../lib/download';

export type ExportFormat = 'json' | 'md';
export type ExportedFile = RequestOutput<'audit.export'>;

export interface AuditState {
  runId: string | null;
  entries: AuditEntry[];
  verification: AuditVerification | null;
  /** Runs to choose from when no run is open. */
  runs: RunSummary[];
  loading: boolean;
  error: string | null;
  action: AuditAction | 'all';
  actor: string;
  proposal: string;
  exporting: ExportFormat | null;
  exportError: string | null;
}

const filters = { action: 'all' as const, actor: 'all', proposal: '' };
export const auditStore = createStore<AuditState>(() => ({
  runId: null,
  entries: [],
  verification: null,
  runs: [],
  loading: false,
  error: null,
  ...filters,
  exporting: null,
  exportError: null,
}));

/** Entries matching the action, actor and proposal-id filters, in log order. */
export function selectVisibleEntries(s: AuditState): AuditEntry[] {
  const text = s.proposal.trim().toLowerCase();
  return s.entries
    .filter((e) => s.action === 'all' || e.action === s.action)
    .filter((e) => s.actor === 'all' || e.actor === s.actor)
    .filter((e) => !text || (e.proposalId ?? '').toLowerCase().includes(text));
}
/** How the chain's verification reads on screen: a tone, one line, and each problem (entry, proposal, field). */
export interface VerificationView {
  tone: 'ok' | 'warn' | 'broken';
  headline: string;
  problems: string[];
}

export function selectVerificationView(s: AuditState): VerificationView | null {
  const v = s.verification;
  if (!v) return null;
  const problems = v.problems.map((p) => {
    const where = [p.seq !== null ? `entry ${p.seq}` : null, p.proposalId, p.field].filter(Boolean).join(' · ');
    return where ? `${where}: ${p.message}` : p.message;
  });
  switch (v.state) {
    case 'verified':
      return { tone: 'ok', headline: `✓ Verified: ${v.message}`, problems };
    case 'unkeyed':
      return { tone: 'warn', headline: `Unkeyed: ${v.message}`, problems };
    case 'unverifiable':
      return { tone: 'broken', headline: `✗ Cannot verify: ${v.message.replace(/^cannot verify: /, '')}`, problems };
    default:
      return {
        tone: 'broken',
        headline: `✗ Tampered${v.brokenAt !== null ? ` (first at entry ${v.brokenAt})` : ''}: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} found`,
        problems,
      };
  }
}
export const selectActors = (s: AuditState): string[] => [...new Set(s.entries.map((e) => e.actor))].sort();
export const selectActions = (s: AuditState): AuditAction[] => [...new Set(s.entries.map((e) => e.action))];

let seq = 0;

export const auditActions = {
  async open(runId: string | null): Promise<void> {
    const mine = ++seq;
    const same = auditStore.getState().runId === runId;
    auditStore.setState({ runId, loading: true, error: null, exportError: null, ...(same ? {} : { entries: [], verification: null, ...filters }) });
    try {
      if (!runId) {
        const runs = await getBridge().request('runs.list', {});
        if (mine === seq) auditStore.setState({ runs: [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), loading: false });
        return;
      }
      const { entries, verification } = await getBridge().request('audit.list', { runId });
      if (mine === seq) auditStore.setState({ entries: [...entries].sort((a, b) => a.seq - b.seq), verification, loading: false });
    } catch (error) {
      if (mine === seq) auditStore.setState({ loading: false, error: describeError(error).message });
    }
  },
  setAction(action: AuditAction | 'all'): void {
    auditStore.setState({ action });
  },
  setActor(actor: string): void {
    auditStore.setState({ actor });
  },
  setProposal(proposal: string): void {
    auditStore.setState({ proposal });
  },
  /** Asks the engine for the whole log in a format and hands it to `save` (a download by default). */
  async exportLog(format: ExportFormat, save: (file: ExportedFile) => void = downloadFile): Promise<ExportedFile | null> {
    const { runId } = auditStore.getState();
    if (!runId) return null;
    auditStore.setState({ exporting: format, exportError: null });
    try {
      const file = await getBridge().request('audit.export', { runId, format });
      save(file);
      auditStore.setState({ exporting: null });
      return file;
    } catch (error) {
      auditStore.setState({ exporting: null, exportError: describeError(error).message });
      return null;
    }
  },
  /** A decision on the open run appends to its log: re-read it. */
  onProposal(p: { runId: string }): void {
    const { runId } = auditStore.getState();
    if (runId && p.runId === runId) void auditActions.open(runId);
  },
};
