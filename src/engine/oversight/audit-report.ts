import { CodedError } from '../../shared/errors';
import type { GenomeChange } from '../../shared/genome';
import type { ApprovalPolicy, AuditEntry, AuditVerification, Estimate, Evidence, Proposal } from '../../shared/oversight';
import type { RunSummary } from '../../shared/run';
import type { Store } from '../store/store';

/**
 * A run's oversight history as a file: JSON for machines (everything, verifiable again from the entries) and
 * Markdown for people (round by round: what was proposed, the evidence, what the gate did, who decided and why).
 */

export type AuditFormat = 'json' | 'md';

/** The name an export is saved under: `evolab-audit-<run>.json` or `.md`. */
export function auditFileName(runId: string, format: AuditFormat): string {
  return `evolab-audit-${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.${format}`;
}

export const AUDIT_MEDIA_TYPES: Record<AuditFormat, string> = { json: 'application/json', md: 'text/markdown' };

interface AuditData {
  run: RunSummary | null;
  runId: string;
  policy: ApprovalPolicy;
  verification: AuditVerification;
  entries: AuditEntry[];
  proposals: Proposal[];
}

/** Reads everything an export needs. The audit log outlives a deleted run, so only an id with no trace at all is unknown. */
function collect(store: Store, runId: string): AuditData {
  const run = store.getRun(runId) ?? null;
  const entries = store.oversight.auditEntries(runId);
  if (!run && entries.length === 0) {
    throw new CodedError(
      'unknown_run',
      `No run with id "${runId}" and no audit entries for it in the workspace ${store.workspace}. List runs with \`evolab runs\`.`,
    );
  }
  // Oldest first: the report reads as a history. The checkpoint path is internal to the workspace.
  const proposals = store.oversight
    .listProposals({ runId, limit: 100_000 })
    .reverse()
    .map(({ checkpoint: _checkpoint, ...p }) => p);
  return {
    run,
    runId,
    policy: run ? store.oversight.runPolicy(runId) : store.oversight.workspacePolicy(),
    verification: store.verifyAudit(runId),
    entries,
    proposals,
  };
}

/** Pretty JSON: the run, its policy, the chain's verification, every audit entry and every proposal with its evidence. */
export function auditJson(store: Store, runId: string): string {
  const d = collect(store, runId);
  const run = d.run && {
    id: d.run.id,
    name: d.run.name,
    preset: d.run.preset,
    recipe: d.run.recipe,
    seed: d.run.seed,
    backend: d.run.backend,
    status: d.run.status,
    iterationsDone: d.run.iterationsDone,
    iterationsTotal: d.run.iterationsTotal,
    createdAt: d.run.createdAt,
  };
  const doc = {
    format: 'evolab-audit/1',
    exportedAt: new Date().toISOString(),
    runId,
    run,
    policy: d.policy,
    verification: d.verification,
    entries: d.entries,
    proposals: d.proposals,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The contract's `audit.export` answer. */
export function auditExport(store: Store, runId: string, format: AuditFormat): { fileName: string; mediaType: string; content: string } {
  return {
    fileName: auditFileName(runId, format),
    mediaType: AUDIT_MEDIA_TYPES[format],
    content: format === 'json' ? auditJson(store, runId) : auditMarkdown(store, runId),
  };
}

// ---- Formatting shared with the command line ----

const pct = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

export function formatEstimate(e: Estimate): string {
  return `${pct(e.value)} [${pct(e.lo)}, ${pct(e.hi)}]`;
}

/** `0.500 -> 0.550 (+0.050)`: the held-out accuracy of parent and child. */
export function heldoutSummary(evidence: Evidence): string {
  const h = evidence.heldout;
  return `${pct(h.before.value)} -> ${pct(h.after.value)} (${signed(h.delta.value)})`;
}

export function flagSummary(evidence: Evidence): string {
  return evidence.flags.length === 0 ? 'none' : evidence.flags.map((f) => f.kind).join(', ');
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A diff value in a cell: memory entries summarised, long JSON clipped. */
export function describeValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (value && typeof value === 'object' && 'prompt' in value && 'answer' in value) {
    const m = value as { kind?: string; level?: number | null; prompt: string; answer: string; source?: { origin?: string; support?: number | null } };
    const support = typeof m.source?.support === 'number' ? `, support ${m.source.support.toFixed(2)}` : '';
    const level = typeof m.level === 'number' ? ` L${m.level}` : '';
    return `${m.kind ?? 'entry'}${level}: ${JSON.stringify(clip(m.prompt, 40))} -> ${JSON.stringify(clip(m.answer, 24))} (${m.source?.origin ?? '?'}${support})`;
  }
  return clip(JSON.stringify(value));
}

/**
 * Text from the log (an actor, a reason, a rationale, a flag's message) made inert in Markdown: whatever it holds
 * renders as the same characters on one line. Line breaks become `<br>` (ours: the text's own `<` is escaped), so
 * the text never starts a line and line-start syntax (headings, lists, quotes, setext underlines) cannot occur;
 * what works mid-line is escaped: backslashes, code spans, emphasis, links, table pipes, strikethrough and `#`
 * by backslash, HTML by entities. Other control characters are dropped.
 */
export function mdInline(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    .replace(/\r\n|[\n\r\u2028\u2029\u0085]/g, '<br>')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\t' ? ' ' : ''));
}

/** A code span for a path or a hash; text that could break out of one is written as escaped text instead. */
function mdCode(text: string): string {
  return /^[\w.:@/+-]*$/.test(text) && text !== '' ? `\`${text}\`` : mdInline(text);
}

/** A Markdown table cell: escaped as mdInline, so no pipe or line break can end the cell or the row. */
function cell(text: string | number | null | undefined): string {
  if (text === null || text === undefined || text === '') return '-';
  return mdInline(text);
}

/** A cell that is already Markdown we made (a code span). */
interface Raw {
  md: string;
}
const raw = (md: string): Raw => ({ md });

function mdTable(head: string[], rows: Array<Array<string | number | null | undefined | Raw>>): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => (c !== null && typeof c === 'object' ? c.md : cell(c))).join(' | ')} |`),
  ];
}

function quote(text: string): string[] {
  return [`> ${mdInline(text)}`];
}

// ---- Markdown ----

function verificationLines(v: AuditVerification): string[] {
  if (v.state === 'verified') return [`**Audit chain: verified** (${mdInline(v.message)}).`];
  if (v.state === 'unkeyed') return [`**Audit chain: intact but unkeyed** (${mdInline(v.message)}).`];
  if (v.state === 'unverifiable') return [`**Audit chain: CANNOT BE VERIFIED**: ${mdInline(v.message)}.`];
  return [
    `**Audit chain: BROKEN at entry ${v.brokenAt ?? '?'}**: ${mdInline(v.message)}. Entries from there on cannot be trusted.`,
    '',
    ...v.problems.map(
      (p) =>
        `- ${[p.seq !== null ? `entry ${p.seq}` : null, p.proposalId ? `proposal ${mdInline(p.proposalId)}` : null, p.field ? `field ${mdInline(p.field)}` : null].filter(Boolean).join(', ') || mdInline(p.kind)}: ${mdInline(p.message)}`,
    ),
  ];
}

function policySection(policy: ApprovalPolicy): string[] {
  const rows = (Object.keys(policy.rules) as Array<keyof ApprovalPolicy['rules']>).map((p) => [p, policy.rules[p].small, policy.rules[p].large]);
  return [
    '## Approval policy',
    '',
    "The run's policy now; every change to it during the run is in the audit trail (`policy-changed`).",
    '',
    ...mdTable(['Pathway', 'Small change', 'Large change'], rows),
    '',
    `- While a proposal waits for a person: **${policy.whileWaiting}**.`,
    `- A flagged proposal whose rule says auto: **${policy.flagged}**.`,
    `- Auto-approval only if held-out accuracy falls by at most **${policy.maxHeldoutDrop}**.`,
  ];
}

function diffLines(changes: GenomeChange[]): string[] {
  if (changes.length === 0) return ['No changes to the genome.'];
  return mdTable(
    ['Path', 'Before', 'After'],
    changes.map((c) => [raw(mdCode(c.path)), describeValue(c.before), describeValue(c.after)]),
  );
}

const num = (x: number | null) => (x === null ? '-' : x.toFixed(3));

function evidenceLines(e: Evidence): string[] {
  const h = e.heldout;
  const lines = [
    `- Baseline: ${mdInline(e.baseline)}.`,
    `- Held-out accuracy: ${formatEstimate(h.before)} (n=${h.before.n}) -> ${formatEstimate(h.after)} (n=${h.after.n}); change ${signed(h.delta.value)} [${signed(h.delta.lo)}, ${signed(h.delta.hi)}] (95% CI).`,
  ];
  const t = e.training;
  lines.push(
    `- Training: reward ${num(t.rewardBefore)} -> ${num(t.rewardAfter)}; pass@k ${num(t.passAtKBefore)} -> ${num(t.passAtKAfter)}; distinct answers ${num(t.distinctBefore)} -> ${num(t.distinctAfter)}.`,
  );
  lines.push(`- Cost: ${e.cost.seconds.toFixed(1)} s, ${e.cost.tokens} tokens.`);
  if (e.flags.length === 0) lines.push('- Flags: none.');
  else {
    lines.push('- Flags:');
    for (const f of e.flags) lines.push(`  - **${mdInline(f.kind)}**: ${mdInline(f.message)}`);
  }
  if (e.perLevel.length > 0)
    lines.push(
      '',
      '*Per level*',
      '',
      ...mdTable(
        ['Level', 'Before', 'After'],
        e.perLevel.map((l) => [l.level, pct(l.before), pct(l.after)]),
      ),
    );
  if (e.probes.length > 0)
    lines.push(
      '',
      '*Safety probes*',
      '',
      ...mdTable(
        ['Probe', 'Description', 'Before', 'After'],
        e.probes.map((p) => [p.id, p.description, pct(p.before), pct(p.after)]),
      ),
    );
  if (e.memory && e.memory.length > 0) {
    lines.push(
      '',
      '*Memory consistency*',
      '',
      ...mdTable(
        ['Entry', 'Prompt', 'Answer', 'Consensus', 'Agreement', 'Consistent'],
        e.memory.map((m) => [m.id, clip(m.prompt, 40), clip(m.answer, 24), m.consensus, m.agreement.toFixed(2), m.consistent ? 'yes' : 'no']),
      ),
    );
  }
  return lines;
}

function decisionLine(p: Proposal, entries: AuditEntry[]): string[] {
  const lines: string[] = [];
  const person = entries.find((e) => ['approved', 'rejected', 'edited'].includes(e.action));
  if (person) {
    const verb = person.action === 'edited' ? 'edited and approved' : person.action;
    lines.push(
      `**Decision**: ${verb} by ${mdInline(person.actor)} at ${mdInline(person.at)}${person.reason ? `, reason: "${mdInline(person.reason)}"` : ' (no reason given)'}.`,
    );
  } else if (p.status === 'pending') lines.push('**Decision**: pending, waiting for a person.');
  else if (p.decidedBy)
    lines.push(
      `**Decision**: ${mdInline(p.status)} by ${mdInline(p.decidedBy)}${p.decidedAt ? ` at ${mdInline(p.decidedAt)}` : ''}${p.reason ? `, reason: "${mdInline(p.reason)}"` : ''}.`,
    );
  for (const e of entries.filter((x) => x.action === 'applied' || x.action === 'superseded' || x.action === 'ungated-applied')) {
    lines.push(`**Outcome**: ${e.action} by ${mdInline(e.actor)} at ${mdInline(e.at)}${e.reason ? ` (${mdInline(e.reason)})` : ''}.`);
  }
  return lines;
}

function proposalSection(p: Proposal, entries: AuditEntry[]): string[] {
  return [
    `#### ${mdInline(p.id)}: ${mdInline(p.pathway)} / ${mdInline(p.kind)} (${mdInline(p.size)})`,
    '',
    `Status: **${mdInline(p.status)}**. Proposed at ${mdInline(p.createdAt)}. Evidence hash ${mdCode(p.evidenceHash.slice(0, 12))}.`,
    '',
    ...quote(p.rationale || '(no rationale given)'),
    '',
    '**Changes**',
    '',
    ...diffLines(p.changes),
    '',
    '**Evidence**',
    '',
    ...evidenceLines(p.evidence),
    '',
    `**Gate**: ${mdInline(p.gate.action)}: ${mdInline(p.gate.reason)}`,
    '',
    ...decisionLine(p, entries).flatMap((l) => [l, '']),
  ];
}

/** A person's choice on a pair (a `rated` entry of a person-rated run), as "<pair id>: <choice>"; null for other entries. */
function ratedPair(e: AuditEntry): string | null {
  if (e.action !== 'rated') return null;
  const d = (e.detail ?? {}) as { pair?: unknown; choice?: unknown };
  return `${String(d.pair)}: ${String(d.choice)}`;
}

/** A readable report of the run's history: header, policy, each round's proposals with evidence and decision, the raw trail. */
export function auditMarkdown(store: Store, runId: string): string {
  const d = collect(store, runId);
  const r = d.run;
  const out: string[] = [`# Audit report: run ${mdInline(runId)}`, ''];
  if (r) {
    out.push(
      `- Run: ${r.name ? `${mdInline(r.name)} (${mdInline(r.id)})` : mdInline(r.id)}, ${r.status}, iteration ${r.iterationsDone} of ${r.iterationsTotal}`,
      `- Recipe: ${mdInline(r.recipe)}${r.preset ? ` (preset ${mdInline(r.preset)})` : ''}; seed ${r.seed}; backend ${mdInline(r.backend)}`,
      `- Started: ${r.createdAt}`,
    );
  } else out.push('- The run itself was deleted; its audit log is kept.');
  out.push(`- Exported: ${new Date().toISOString()}`, '', ...verificationLines(d.verification), '', ...policySection(d.policy), '', '## History', '');
  const byProposal = new Map<string, AuditEntry[]>();
  for (const e of d.entries) if (e.proposalId) byProposal.set(e.proposalId, [...(byProposal.get(e.proposalId) ?? []), e]);
  if (d.proposals.length === 0) out.push('No proposals in this run.', '');
  let round: number | null = null;
  for (const p of d.proposals) {
    if (p.iteration !== round) {
      round = p.iteration;
      out.push(`### Round ${round}`, '');
    }
    out.push(...proposalSection(p, byProposal.get(p.id) ?? []));
  }
  out.push('## Audit trail', '');
  if (d.entries.length === 0) out.push('No entries.');
  else {
    out.push(
      ...mdTable(
        ['Seq', 'Time', 'Actor', 'Action', 'Proposal', 'Evidence', 'Reason'],
        d.entries.map((e) => [
          e.seq,
          e.at,
          e.actor,
          e.action,
          e.proposalId ?? ratedPair(e),
          e.evidenceHash ? raw(mdCode(e.evidenceHash.slice(0, 12))) : null,
          e.reason,
        ]),
      ),
    );
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
