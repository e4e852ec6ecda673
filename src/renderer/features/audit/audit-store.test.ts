import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../shared/oversight';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { auditActions, auditStore, selectActors, selectVisibleEntries, type ExportedFile } from './audit-store';

const entry = (seq: number, patch: Partial<AuditEntry>): AuditEntry => ({
  seq, runId: 'r1', at: '2025-01-01T00:00:00Z', actor: 'gate', action: 'proposed', proposalId: null, evidenceHash: null, reason: null,
  detail: null, prevHash: `h${seq - 1}`, hash: `h${seq}`, ...patch,
});
const entries = [
  entry(3, { actor: 'person:local', action: 'rejected', proposalId: 'p-7', evidenceHash: 'e7', reason: 'reward hacking' }),
  entry(1, { action: 'proposed', proposalId: 'p-7', evidenceHash: 'e7' }),
  entry(2, { action: 'held', proposalId: 'p-8', evidenceHash: 'e8' }),
  entry(4, { actor: 'person:local', action: 'approved', proposalId: 'p-8', evidenceHash: 'e8' }),
];

let bridge: FakeBridge;
beforeEach(async () => {
  bridge = new FakeBridge()
    .on('audit.list', () => ({ entries, verification: { ok: true, entries: 4, brokenAt: null, message: 'every hash matches' } }))
    .on('audit.export', (input) => ({ fileName: `audit-${input.runId}.${input.format}`, mediaType: 'text/markdown', content: '# Audit' }))
    .on('runs.list', () => []);
  setBridge(bridge);
  await auditActions.open('r1');
});

describe('audit store', () => {
  it('shows a run log in sequence order with its verification', () => {
    const s = auditStore.getState();
    expect(s.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(s.verification?.ok).toBe(true);
    expect(selectActors(s)).toEqual(['gate', 'person:local']);
  });

  it('filters by action, actor and proposal id', () => {
    auditActions.setAction('rejected');
    expect(selectVisibleEntries(auditStore.getState()).map((e) => e.seq)).toEqual([3]);
    auditActions.setAction('all');
    auditActions.setActor('person:local');
    expect(selectVisibleEntries(auditStore.getState()).map((e) => e.seq)).toEqual([3, 4]);
    auditActions.setActor('all');
    auditActions.setProposal('P-8');
    expect(selectVisibleEntries(auditStore.getState()).map((e) => e.seq)).toEqual([2, 4]);
  });

  it('exports the log in the chosen format under the engine file name', async () => {
    const saved: ExportedFile[] = [];
    await auditActions.exportLog('md', (f) => saved.push(f));
    expect(bridge.calls.at(-1)).toEqual({ name: 'audit.export', input: { runId: 'r1', format: 'md' } });
    expect(saved).toEqual([{ fileName: 'audit-r1.md', mediaType: 'text/markdown', content: '# Audit' }]);
    expect(auditStore.getState().exporting).toBeNull();
  });

  it('re-reads the log when a proposal of the open run is decided, and keeps the filters', async () => {
    auditActions.setAction('approved');
    const before = bridge.calls.length;
    auditActions.onProposal({ runId: 'other' });
    expect(bridge.calls.length).toBe(before);
    auditActions.onProposal({ runId: 'r1' });
    expect(bridge.calls.at(-1)?.name).toBe('audit.list');
    expect(auditStore.getState().action).toBe('approved');
  });

  it('resets filters and reports an unknown run', async () => {
    auditActions.setAction('approved');
    bridge.on('audit.list', () => {
      throw new Error('no run with id r2');
    });
    await auditActions.open('r2');
    const s = auditStore.getState();
    expect(s.action).toBe('all');
    expect(s.entries).toEqual([]);
    expect(s.error).toMatch(/r2/);
  });
});
