import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditVerification } from '../../../shared/oversight';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { auditActions, auditStore, selectActors, selectVerificationView, selectVisibleEntries, type ExportedFile } from './audit-store';

const entry = (seq: number, patch: Partial<AuditEntry>): AuditEntry => ({
  seq,
  runId: 'r1',
  at: '2025-01-01T00:00:00Z',
  actor: 'gate',
  action: 'proposed',
  proposalId: null,
  evidenceHash: null,
  reason: null,
  detail: null,
  prevHash: `h${seq - 1}`,
  hash: `h${seq}`,
  mac: `m${seq}`,
  keyId: 'k1',
  ...patch,
});
const entries = [
  entry(3, { actor: 'person:local', action: 'rejected', proposalId: 'p-7', evidenceHash: 'e7', reason: 'reward hacking' }),
  entry(1, { action: 'proposed', proposalId: 'p-7', evidenceHash: 'e7' }),
  entry(2, { action: 'held', proposalId: 'p-8', evidenceHash: 'e8' }),
  entry(4, { actor: 'person:local', action: 'approved', proposalId: 'p-8', evidenceHash: 'e8' }),
];

const verified: AuditVerification = {
  ok: true,
  state: 'verified',
  entries: 4,
  keyed: 4,
  unkeyed: 0,
  head: { seq: 4, hash: 'h4' },
  brokenAt: null,
  message: 'every hash matches',
  problems: [],
};
let verification: AuditVerification = verified;

let bridge: FakeBridge;
beforeEach(async () => {
  verification = verified;
  bridge = new FakeBridge()
    .on('audit.list', () => ({ entries, verification }))
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

  it('shows each problem of a tampered log with its entry, proposal and field, and never a tick', async () => {
    expect(selectVerificationView(auditStore.getState())).toMatchObject({ tone: 'ok', problems: [] });
    verification = {
      ...verified,
      ok: false,
      state: 'tampered',
      brokenAt: 3,
      message: 'proposal p-7: status is approved in the database, but entry 3 made it rejected',
      problems: [
        {
          kind: 'proposal',
          seq: 3,
          proposalId: 'p-7',
          field: 'status',
          message: 'proposal p-7: status is approved in the database, but entry 3 made it rejected',
        },
        { kind: 'head', seq: null, proposalId: null, field: null, message: 'the head file audit-head.json is missing' },
      ],
    };
    await auditActions.open('r1');
    const view = selectVerificationView(auditStore.getState())!;
    expect(view.tone).toBe('broken');
    expect(view.headline).toBe('✗ Tampered (first at entry 3): 2 problems found');
    expect(view.problems).toEqual([
      'entry 3 · p-7 · status: proposal p-7: status is approved in the database, but entry 3 made it rejected',
      'the head file audit-head.json is missing',
    ]);
    verification = { ...verified, ok: false, state: 'unverifiable', message: 'cannot verify: no key' };
    await auditActions.open('r1');
    expect(selectVerificationView(auditStore.getState())).toMatchObject({ tone: 'broken', headline: '✗ Cannot verify: no key' });
    verification = { ...verified, state: 'unkeyed', keyed: 0, unkeyed: 4, message: '4 entries, unkeyed' };
    await auditActions.open('r1');
    expect(selectVerificationView(auditStore.getState())!.tone).toBe('warn');
  });
});
