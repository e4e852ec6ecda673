import type { AuditEntry, AuditHead, AuditProblem, AuditVerification, ProposalStatus } from '../../shared/oversight';
import { auditHash, canonicalJson, entryMac, evidenceHashOf, GENESIS_HASH, pairHash } from './audit-chain';
import type { AuditKey } from './audit-key';
import { HEAD_FILE, type HeadRead } from './audit-head';

/**
 * Verification of one run's audit log, as a pure function of what was read: the entries, the proposal rows, the
 * head file, the key and any anchors (a checkpoint's record of the head). `evolab audit`, the app's Audit screen
 * and exports all come here through OversightStore.verifyAudit.
 */

/** A proposal row as stored, its JSON columns parsed where they parse. */
export interface ProposalRecord {
  id: string;
  runId: string;
  status: string;
  decidedBy: string | null;
  reason: string | null;
  changes: unknown;
  evidence: unknown;
  evidenceHash: string;
  /** Set when a JSON column does not parse. */
  unreadable?: string;
}

export interface VerifyInput {
  runId: string;
  entries: AuditEntry[];
  /** The run's proposal rows, and rows of other runs that this run's entries name. */
  proposals: ProposalRecord[];
  runExists: boolean;
  /** Whether any entry of the workspace (any run) has a MAC: then the head file must exist. */
  workspaceKeyed: boolean;
  head: HeadRead;
  key: AuditKey | null;
  keyFile: string;
  /** Why the key could not be read, when its file exists but is unusable. */
  keyError?: string;
  anchors?: Array<AuditHead & { source?: string }>;
  /** The run's rated pairs (a person as the rater), checked against their `rated` entries. */
  ratings?: Array<{ id: string; status: string; choice: string | null; chosenBy: string | null; prompt: string; a: string; b: string }>;
}

const MAX_PROBLEMS = 50;

/** What the proposal's entries, replayed in order, say its row must hold now. */
interface Expected {
  status: ProposalStatus;
  decidedBy: string | null;
  reason: string | null;
  changes: unknown;
  evidenceHash: string | null;
  /** The entry that last set the status (named in messages). */
  statusSeq: number;
  lastSeq: number;
}

const GATE_STATUS: Partial<Record<AuditEntry['action'], ProposalStatus>> = {
  'auto-approved': 'approved',
  'auto-rejected': 'rejected',
  'ungated-applied': 'approved',
};

/**
 * Replays insertProposal, decide, editAndApprove and settle: insertProposal writes the caller's entries (proposed,
 * then the gate's action) with the evidence hash of the row it inserts and sets decided_by to "gate" and reason to
 * the gate's reason unless the proposal is held; decide writes approved/rejected with the person's name and reason
 * and detail.changes; editAndApprove writes edited with the new evidence hash and detail.after; settle writes
 * applied/superseded and changes only the status.
 */
function expectedState(entries: AuditEntry[]): Expected {
  const first = entries[0]!;
  const x: Expected = {
    status: 'pending',
    decidedBy: null,
    reason: null,
    changes: undefined,
    evidenceHash: first.evidenceHash,
    statusSeq: first.seq,
    lastSeq: first.seq,
  };
  for (const e of entries) {
    const detail = (e.detail ?? {}) as Record<string, unknown>;
    x.lastSeq = e.seq;
    if (e.evidenceHash !== null) x.evidenceHash = e.evidenceHash;
    const gate = GATE_STATUS[e.action];
    if (e.action === 'proposed' && 'changes' in detail) x.changes = detail.changes;
    else if (e.action === 'held') Object.assign(x, { status: 'pending', decidedBy: null, reason: null, statusSeq: e.seq });
    else if (gate) Object.assign(x, { status: gate, decidedBy: 'gate', reason: e.reason, statusSeq: e.seq });
    else if (e.action === 'approved' || e.action === 'rejected') {
      Object.assign(x, { status: e.action, decidedBy: e.actor, reason: e.reason, statusSeq: e.seq });
      if ('changes' in detail) x.changes = detail.changes;
    } else if (e.action === 'edited') {
      Object.assign(x, { status: 'approved', decidedBy: e.actor, reason: e.reason, statusSeq: e.seq });
      if ('after' in detail) x.changes = detail.after;
    } else if (e.action === 'applied' || e.action === 'superseded') Object.assign(x, { status: e.action, statusSeq: e.seq });
  }
  return x;
}

const show = (v: unknown) => (v === null || v === undefined ? 'none' : JSON.stringify(v));

function checkProposal(p: ProposalRecord, entries: AuditEntry[], runId: string, add: (p: Omit<AuditProblem, 'kind'>) => void): void {
  const problem = (field: string, seq: number | null, message: string) => add({ seq, proposalId: p.id, field, message: `proposal ${p.id}: ${message}` });
  if (p.runId !== runId) problem('run_id', entries[0]?.seq ?? null, `its row says run ${p.runId}, but its audit entries are in run ${runId}`);
  if (entries.length === 0) {
    problem('status', null, 'has no audit entries: the row was inserted by hand, or its entries were removed');
    return;
  }
  if (p.unreadable) {
    problem(p.unreadable, null, `its ${p.unreadable} column is not valid JSON`);
    return;
  }
  const x = expectedState(entries);
  if (p.status !== x.status) problem('status', x.statusSeq, `status is ${p.status} in the database, but entry ${x.statusSeq} made it ${x.status}`);
  if (p.decidedBy !== x.decidedBy)
    problem('decided_by', x.statusSeq, `decided_by is ${show(p.decidedBy)} in the database, but entry ${x.statusSeq} says ${show(x.decidedBy)}`);
  if (p.reason !== x.reason) problem('reason', x.statusSeq, `reason is ${show(p.reason)} in the database, but entry ${x.statusSeq} says ${show(x.reason)}`);
  if (x.changes !== undefined && canonicalJson(p.changes) !== canonicalJson(x.changes))
    problem('changes', x.lastSeq, `its changes differ from those entry ${x.lastSeq} recorded`);
  const recomputed = evidenceHashOf(p.changes, p.evidence);
  if (p.evidenceHash !== x.evidenceHash)
    problem(
      'evidence_hash',
      x.lastSeq,
      `evidence_hash is ${p.evidenceHash.slice(0, 12)} in the database, but entry ${x.lastSeq} recorded ${String(x.evidenceHash).slice(0, 12)}`,
    );
  else if (recomputed !== p.evidenceHash)
    problem(
      'evidence',
      x.lastSeq,
      `its evidence (or changes) no longer hash to ${p.evidenceHash.slice(0, 12)}, the hash entry ${x.lastSeq} recorded: the evidence was edited (e.g. a flag removed)`,
    );
}

export function verifyRun(input: VerifyInput): AuditVerification {
  const { runId, entries, key } = input;
  const problems: AuditProblem[] = [];
  let dropped = 0;
  const add = (kind: AuditProblem['kind']) => (p: Omit<AuditProblem, 'kind'>) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ kind, ...p });
    else dropped++;
  };
  const entryProblem = (kind: AuditProblem['kind'], seq: number | null, message: string) => add(kind)({ seq, proposalId: null, field: null, message });
  let unverifiable: string | null = null;

  // 1. The hash chain, and the keyed chain over it.
  let prevHash = GENESIS_HASH;
  let prevMac: string | null = null;
  let keyed = 0;
  let badMacs = 0;
  for (const e of entries) {
    if (e.prevHash !== prevHash) entryProblem('chain', e.seq, `entry ${e.seq} does not follow the entry before it (an entry was removed or inserted)`);
    if (auditHash(e) !== e.hash) entryProblem('chain', e.seq, `entry ${e.seq} was altered after it was written`);
    if (e.mac === null) {
      if (keyed > 0) entryProblem('mac', e.seq, `entry ${e.seq} has no MAC though entries before it have one: MACs were stripped, or the chain was rewritten`);
    } else {
      keyed++;
      if (!key)
        unverifiable ??=
          input.keyError ?? `the log is keyed, but there is no audit key at ${input.keyFile}: restore the key file (or set EVOLAB_AUDIT_KEY_FILE to it)`;
      else if (e.keyId !== key.id) unverifiable ??= `entry ${e.seq} was keyed with audit key ${String(e.keyId)}, but ${input.keyFile} holds key ${key.id}`;
      else if (entryMac(key, e.hash, prevMac) !== e.mac) {
        if (badMacs++ === 0) entryProblem('mac', e.seq, `entry ${e.seq} does not match its MAC: it was rewritten (hashes recomputed) without the audit key`);
      }
    }
    prevHash = e.hash;
    prevMac = e.mac;
  }
  if (badMacs > 1) entryProblem('mac', null, `${badMacs} entries in all do not match their MACs`);

  // 2. The head file, and anchors kept elsewhere (checkpoints): the entry each names must still be in the chain.
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  const last = entries.at(-1) ?? null;
  const checkAnchor = (kind: 'head' | 'anchor', a: AuditHead, where: string) => {
    const e = bySeq.get(a.seq);
    if (!e) {
      const what = entries.length === 0 ? 'the database holds no entries of this run' : `the log ends at entry ${last!.seq}`;
      entryProblem(
        kind,
        a.seq,
        `${where} records entry ${a.seq} as this run's head, but ${what}: entries were removed${kind === 'head' ? ' (or the database was replaced by an older copy)' : ''}`,
      );
    } else if (e.hash !== a.hash) entryProblem(kind, a.seq, `entry ${a.seq} is not the entry ${where} anchored (its hash differs): the chain was rewritten`);
  };
  let head: AuditHead | null = null;
  if (input.head.status === 'missing') {
    if (input.workspaceKeyed)
      entryProblem(
        'head',
        null,
        `the head file ${HEAD_FILE} is missing from the workspace, though its log is keyed: entries removed from the end of the log would not show`,
      );
  } else if (input.head.status === 'invalid') {
    if (input.head.reason.startsWith('was made with')) unverifiable ??= `the head file ${input.head.reason}`;
    else entryProblem('head', null, `the head file ${HEAD_FILE} ${input.head.reason}`);
  } else {
    const record = input.head.doc.runs[runId];
    if (!key) unverifiable ??= `there is no audit key at ${input.keyFile} to check the head file with`;
    if (record) {
      head = { seq: record.seq, hash: record.hash };
      checkAnchor('head', head, `the head file ${HEAD_FILE}`);
    }
  }
  for (const a of input.anchors ?? []) checkAnchor('anchor', a, a.source ?? 'a checkpoint');

  // 3. Proposal rows against what their entries say.
  const byProposal = new Map<string, AuditEntry[]>();
  for (const e of entries) if (e.proposalId) byProposal.set(e.proposalId, [...(byProposal.get(e.proposalId) ?? []), e]);
  const rows = new Map(input.proposals.map((p) => [p.id, p]));
  for (const p of input.proposals) if (p.runId === runId || byProposal.has(p.id)) checkProposal(p, byProposal.get(p.id) ?? [], runId, add('proposal'));
  if (input.runExists) {
    for (const [id, list] of byProposal) {
      if (!rows.has(id))
        add('proposal')({
          seq: list[0]!.seq,
          proposalId: id,
          field: null,
          message: `proposal ${id}, named by entry ${list[0]!.seq}, is missing from the database`,
        });
    }
  }
  // 4. Rated pairs against their entries: the choice, who made it, and the pair's content (by hash).
  const rated = new Map(entries.filter((e) => e.action === 'rated').map((e) => [(e.detail as { pair?: string } | null)?.pair ?? '', e]));
  for (const r of input.ratings ?? []) {
    const e = rated.get(r.id);
    const problem = (field: string, message: string) => add('rating')({ seq: e?.seq ?? null, proposalId: null, field, message: `pair ${r.id}: ${message}` });
    if (!e) {
      problem('choice', `is rated ${String(r.choice)} in the database, but no audit entry records a choice on it: the row was edited by hand`);
      continue;
    }
    const d = e.detail as { choice?: string; pairHash?: string };
    if (r.status !== 'rated' || r.choice !== d.choice)
      problem('choice', `choice is ${String(r.choice)} in the database, but entry ${e.seq} recorded ${String(d.choice)}`);
    if (r.chosenBy !== e.actor) problem('chosen_by', `chosen_by is ${String(r.chosenBy)} in the database, but entry ${e.seq} says ${e.actor}`);
    if (pairHash(r) !== d.pairHash)
      problem('pair', `its prompt or outputs no longer hash to what entry ${e.seq} recorded: the pair was edited after it was rated`);
  }

  if (dropped > 0) problems.push({ kind: 'chain', seq: null, proposalId: null, field: null, message: `and ${dropped} more problems` });

  const unkeyed = entries.length - keyed;
  const state: AuditVerification['state'] =
    problems.length > 0 ? 'tampered' : unverifiable ? 'unverifiable' : keyed === 0 && entries.length > 0 ? 'unkeyed' : 'verified';
  const brokenAt = problems.find((p) => p.seq !== null)?.seq ?? null;
  let message: string;
  if (state === 'tampered') {
    message = problems.length === 1 ? problems[0]!.message : `${problems[0]!.message} (and ${problems.length - 1 + dropped} more)`;
    if (unverifiable) message += `; also: ${unverifiable}`;
  } else if (state === 'unverifiable') message = `cannot verify: ${unverifiable}`;
  else if (state === 'unkeyed')
    message = `${entries.length} entries, chain intact; unkeyed (written before keyed audit), so a rewrite with recomputed hashes would not show`;
  else {
    const parts = [`${entries.length} entries, chain intact`];
    if (entries.length > 0) parts.push(`keyed (key ${key!.id})`);
    if (unkeyed > 0) parts.push(`the first ${unkeyed} written before keyed audit, protected by the keyed entries after them`);
    if (head && last && head.seq !== last.seq)
      parts.push(`head anchored at entry ${head.seq}, the ${entries.filter((e) => e.seq > head!.seq).length} after it chain from it`);
    else if (head) parts.push(`head anchored at entry ${head.seq}`);
    message = parts.join(', ');
  }
  return { ok: state === 'verified' || state === 'unkeyed', state, entries: entries.length, keyed, unkeyed, head, brokenAt, message, problems };
}
