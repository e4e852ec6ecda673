import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CodedError, fieldIssues, parseOrThrow } from '../../shared/errors';
import { ApprovalPolicy, DecisionInput, PolicyPresetName, ProposalStatus, type Proposal } from '../../shared/oversight';
import { auditJson, auditMarkdown, flagSummary, heldoutSummary } from '../../engine/oversight/audit-report';
import { personActor } from '../../engine/oversight/actor';
import { resolvePolicy } from '../../engine/oversight/requests';
import { publicProposal } from '../../engine/oversight/protocol';
import { Store } from '../../engine/store/store';
import {
  type Command,
  type CommandContext,
  intOption,
  runIdArgument,
  stringOption,
  table,
  terminalSafe,
  workspaceHelp,
  workspaceOption,
  writeFileAtomic,
} from './common';

export { personActor, resolvePolicy };
export type PolicyPreset = z.infer<typeof PolicyPresetName>;

/**
 * A policy given on the command line: a preset name, or a JSON file holding a whole ApprovalPolicy. Errors name
 * the flag and, for a file, each invalid field.
 */
export function policyArgument(value: string, flag: string): PolicyPreset | ApprovalPolicy {
  const preset = PolicyPresetName.safeParse(value);
  if (preset.success) return preset.data;
  const full = path.resolve(value);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CodedError(
      'invalid_request',
      `${flag} must be default, auto, ask, archive, batch or a JSON policy file; ${missing ? `no file ${full}` : `cannot read ${full}: ${(error as Error).message}`}.`,
      [{ path: flag, message: 'default | auto | ask | archive | batch | FILE' }],
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CodedError('invalid_request', `The approval policy file ${full} (${flag}) is not valid JSON: ${(error as Error).message}`, [
      { path: flag, message: 'must be JSON' },
    ]);
  }
  return parseOrThrow(ApprovalPolicy, json, 'invalid_request', `The approval policy in ${full} (${flag})`);
}

function withStore<T>(ctx: CommandContext, fn: (store: Store) => T): T {
  const store = Store.open(ctx.workspace);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** `--workspace DIR` when the user gave one, so a printed follow-up command works as pasted. */
export function workspaceSuffix(ctx: CommandContext): string {
  return typeof ctx.values.workspace === 'string' ? ` --workspace ${JSON.stringify(ctx.workspace)}` : '';
}

/** What `evolab run` prints when the followed run proposes a change or one is decided. */
export function proposalLines(event: 'proposal.created' | 'proposal.decided', p: Proposal, workspace: string): string[] {
  if (event === 'proposal.decided') {
    const by = p.decidedBy ? ` by ${p.decidedBy}` : '';
    return [terminalSafe(`proposal ${p.id} ${p.status}${by}${p.reason ? `: ${p.reason}` : ''}`)];
  }
  const lines = [
    `proposal ${p.id}: ${p.pathway} ${p.kind} (${p.size}); gate ${p.gate.action}; held-out ${heldoutSummary(p.evidence)}; flags ${flagSummary(p.evidence)}`,
  ];
  if (p.status === 'pending') lines.push(`waiting for a decision: evolab decide ${p.id} approve|reject --reason "..."${workspace}`);
  return lines;
}

const ListStatus = z.union([ProposalStatus, z.enum(['decided', 'all'])]);

export const proposalsCommand: Command = {
  name: 'proposals',
  positionals: 0,
  summary: "list the agents' proposed changes: pending first, with their evidence",
  usage: 'evolab proposals [--run ID] [--status pending|approved|rejected|applied|superseded|decided|all] [--limit N] [--json]',
  help: [
    "  --run ID          only this run's proposals",
    '  --status S        only these (decided = anything not pending; default: all, pending first)',
    '  --limit N         at most N (default 50)',
    '  --json            the proposals, with their diffs and evidence, as one JSON array',
    workspaceHelp,
  ],
  options: { ...workspaceOption, run: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    const status = parseOrThrow(ListStatus, stringOption(ctx.values, 'status') ?? 'all', 'invalid_request', '--status');
    const limit = intOption(ctx.values, 'limit', 1) ?? 50;
    const runId = stringOption(ctx.values, 'run');
    const found = withStore(ctx, (store) => {
      if (runId) store.requireRun(runId);
      const list = store.oversight.listProposals({ runId, status: status === 'all' ? undefined : status, limit: 100_000 });
      // Stable: within each group the store's newest-first order is kept.
      return [...list.filter((p) => p.status === 'pending'), ...list.filter((p) => p.status !== 'pending')].slice(0, limit).map(publicProposal);
    });
    if (ctx.values.json) {
      ctx.out(JSON.stringify(found, null, 2));
      return 0;
    }
    if (found.length === 0) {
      ctx.out(`No ${status === 'all' ? '' : `${status} `}proposals${runId ? ` in run ${runId}` : ''}. Runs with oversight enabled propose changes as they go.`);
      return 0;
    }
    const rows = [['ID', 'RUN', 'ROUND', 'PATHWAY', 'KIND', 'SIZE', 'STATUS', 'HELD-OUT', 'FLAGS']];
    for (const p of found)
      rows.push([p.id, p.runId, String(p.iteration), p.pathway, p.kind, p.size, p.status, heldoutSummary(p.evidence), flagSummary(p.evidence)]);
    for (const line of table(rows)) ctx.out(line);
    if (found.some((p) => p.status === 'pending')) ctx.err(`Decide with: evolab decide <id> approve|reject --reason "..."${workspaceSuffix(ctx)}\n`);
    return 0;
  },
};

/** The flag or argument each field of a decision comes from, so errors name what to type. */
const DECISION_FIELDS: Record<string, string> = { id: '<id>', decision: 'approve|reject', reason: '--reason', actor: '--as' };

export const decideCommand: Command = {
  name: 'decide',
  positionals: 2,
  summary: 'approve or reject a pending proposal (a running engine applies it at its next check)',
  usage: 'evolab decide <id> approve|reject [--reason TEXT] [--as NAME]',
  help: [
    '  --reason TEXT     why (required to reject); written to the audit log',
    '  --as NAME         who decides (default: your user name); logged as person:NAME',
    '  --json            the proposal after the decision, as JSON',
    workspaceHelp,
  ],
  options: { ...workspaceOption, reason: { type: 'string' }, as: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    const [id, decision] = ctx.positionals;
    if (!id || !decision) {
      throw new CodedError(
        'invalid_request',
        'Give the proposal id and approve or reject: evolab decide <id> approve|reject [--reason TEXT]. List proposals with `evolab proposals`.',
        [{ path: id ? 'decision' : 'id', message: 'required' }],
      );
    }
    if (decision !== 'approve' && decision !== 'reject') {
      throw new CodedError('invalid_request', `The decision must be approve or reject, got "${decision}".`, [
        { path: 'decision', message: 'approve | reject' },
      ]);
    }
    // The name as typed is checked first, so an error names --as; personActor then adds the default and prefix.
    const parsed = DecisionInput.safeParse({ id, decision, reason: stringOption(ctx.values, 'reason'), actor: stringOption(ctx.values, 'as') });
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error).map((i) => ({ path: DECISION_FIELDS[i.path] ?? i.path, message: i.message }));
      throw new CodedError('invalid_request', `The decision is invalid:\n${issues.map((i) => `  ${i.path}: ${terminalSafe(i.message)}`).join('\n')}`, issues);
    }
    const input = parsed.data;
    const actor = personActor(input.actor);
    const p = withStore(ctx, (store) => store.oversight.decide(input.id, decision, actor, input.reason?.trim() || null));
    if (ctx.values.json) {
      ctx.out(JSON.stringify(publicProposal(p), null, 2));
      return 0;
    }
    ctx.out(
      terminalSafe(
        `${p.status === 'approved' ? 'Approved' : 'Rejected'} ${p.id} (${p.pathway} / ${p.kind}, run ${p.runId}) as ${p.decidedBy}${p.reason ? `: ${p.reason}` : ''}.`,
      ),
    );
    ctx.out(
      p.status === 'approved'
        ? 'A running engine applies it at its next check; a stopped run applies it when it is resumed.'
        : 'A running engine drops it at its next check and goes on with the parent.',
    );
    return 0;
  },
};

export const auditCommand: Command = {
  name: 'audit',
  positionals: 1,
  summary: "show or export a run's audit log and check that it is intact",
  usage: 'evolab audit <run-id> [--json | --md] [--out FILE]',
  help: [
    '  --json            the whole log with proposals and evidence, as JSON',
    "  --md              a readable report of the run's history, as Markdown",
    '  --out FILE        write the export to FILE (written whole or not at all) instead of stdout',
    '  Exits 1 when the log does not verify: an entry altered, inserted or removed (the head file and the',
    '  checkpoints anchor the end of the chain), a MAC that does not match (the audit key lives outside the',
    '  workspace), or a proposal whose status, decider or evidence differ from what its entries say; also',
    '  when the log is keyed but the key is not here. Each problem names its entry, proposal and field.',
    workspaceHelp,
  ],
  options: { ...workspaceOption, json: { type: 'boolean' }, md: { type: 'boolean' }, out: { type: 'string' } },
  async run(ctx) {
    const runId = runIdArgument(ctx, 'audit');
    if (ctx.values.json && ctx.values.md)
      throw new CodedError('invalid_request', 'Give --json or --md, not both.', [{ path: 'md', message: 'one format at a time' }]);
    const format = ctx.values.json ? 'json' : ctx.values.md ? 'md' : null;
    const out = stringOption(ctx.values, 'out');
    if (out && !format)
      throw new CodedError('invalid_request', '--out writes an export: add --json or --md.', [{ path: 'out', message: 'needs --json or --md' }]);
    const verification = withStore(ctx, (store) => {
      if (format) {
        const content = format === 'json' ? auditJson(store, runId) : auditMarkdown(store, runId);
        if (out) {
          writeFileAtomic(out, content);
          ctx.err(`Wrote ${path.resolve(out)}\n`);
        } else ctx.out(content.trimEnd());
        return store.verifyAudit(runId);
      }
      const entries = store.oversight.auditEntries(runId);
      if (entries.length === 0) {
        // A run whose entries were all removed still has a head anchored: verification below says so.
        if (!store.getRun(runId) && !store.verifyAudit(runId).head) store.requireRun(runId);
        ctx.out(`Run ${runId} has no audit entries${store.getRun(runId) ? ' yet' : ''}.`);
      } else {
        const rows = [['SEQ', 'TIME', 'ACTOR', 'ACTION', 'PROPOSAL', 'EVIDENCE', 'REASON']];
        for (const e of entries)
          rows.push([
            String(e.seq),
            e.at.slice(0, 19).replace('T', ' '),
            e.actor,
            e.action,
            e.proposalId ?? '-',
            e.evidenceHash?.slice(0, 12) ?? '-',
            e.reason ?? '',
          ]);
        for (const line of table(rows)) ctx.out(line);
      }
      const v = store.verifyAudit(runId);
      if (v.state === 'verified') ctx.out(`Audit chain verified: ${v.message}.`);
      else if (v.state === 'unkeyed') ctx.out(`Audit chain intact but not keyed: ${v.message}.`);
      return v;
    });
    if (!verification.ok) {
      if (verification.state === 'unverifiable')
        ctx.err(`error: the audit log of run ${runId} cannot be verified: ${terminalSafe(verification.message.replace(/^cannot verify: /, ''))}.\n`);
      else {
        const at = verification.brokenAt !== null ? ` at entry ${verification.brokenAt}` : '';
        ctx.err(`error: the audit chain of run ${runId} is broken${at}: ${terminalSafe(verification.message)}.\n`);
        for (const p of verification.problems) {
          const where = [p.seq !== null ? `entry ${p.seq}` : null, p.proposalId ? `proposal ${p.proposalId}` : null, p.field ? `field ${p.field}` : null]
            .filter(Boolean)
            .join(', ');
          ctx.err(`  ${p.kind}${where ? ` (${where})` : ''}: ${terminalSafe(p.message)}\n`);
        }
      }
      return 1;
    }
    return 0;
  },
};

function policyLines(policy: ApprovalPolicy): string[] {
  const rows = [['PATHWAY', 'SMALL', 'LARGE']];
  for (const [pathway, rule] of Object.entries(policy.rules)) rows.push([pathway, rule.small, rule.large]);
  return [...table(rows), `while waiting     ${policy.whileWaiting}`, `flagged           ${policy.flagged}`, `max held-out drop ${policy.maxHeldoutDrop}`];
}

export const policyCommand: Command = {
  name: 'policy',
  positionals: 1,
  summary: "show or set the approval policy (the workspace default for new runs, or one run's)",
  usage: 'evolab policy [--run ID] [default|auto|ask|archive|batch|FILE] [--json]',
  help: [
    '  (no argument)     show the policy',
    '  default|auto|ask|archive|batch',
    '                    set a preset: default asks a person except for small workflow changes; auto approves',
    '                    within bounds; ask holds every proposal for a person; archive (open-ended runs) admits',
    '                    every unflagged child to the archive and lets the search go on while flagged ones wait;',
    '                    batch (unattended sweeps) is auto, but rejects with its reason what would wait for a person',
    '  FILE              set a JSON approval policy (rules per pathway and size, whileWaiting, flagged, maxHeldoutDrop, unchecked, ...)',
    "  --run ID          this run's policy instead of the workspace default; a change is written to its audit log",
    '  --as NAME         who changes it (default: your user name)',
    '  --json            print the policy as JSON',
    workspaceHelp,
  ],
  options: { ...workspaceOption, run: { type: 'string' }, as: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    const runId = stringOption(ctx.values, 'run') ?? null;
    const arg = ctx.positionals[0];
    const wanted = arg === undefined ? null : resolvePolicy(policyArgument(arg, 'the policy argument'));
    const policy = withStore(ctx, (store) => {
      if (runId) store.requireRun(runId);
      if (wanted) store.oversight.setPolicy(runId, wanted, personActor(stringOption(ctx.values, 'as')));
      return runId ? store.oversight.runPolicy(runId) : store.oversight.workspacePolicy();
    });
    if (ctx.values.json) {
      ctx.out(JSON.stringify(policy, null, 2));
      return 0;
    }
    const whose = runId ? `run ${runId}` : 'the workspace default (new runs)';
    ctx.out(wanted ? `Set the approval policy of ${whose}:` : `Approval policy of ${whose}:`);
    for (const line of policyLines(policy)) ctx.out(line);
    return 0;
  },
};
