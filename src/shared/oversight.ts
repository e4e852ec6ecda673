import { z } from 'zod';
import { GenomeChange, Pathway } from './genome';

/**
 * Proposals, their evidence, the approval policy, decisions and the audit log: the contract of oversight.
 * See DESIGN.md (Proposal, Evidence, Gate, Decision) and docs/oversight.md.
 */

export const ChangeSize = z.enum(['small', 'large']);
export type ChangeSize = z.infer<typeof ChangeSize>;

export const RuleAction = z.enum(['auto', 'ask', 'deny']).describe('auto: approve without a person (within bounds); ask: hold for a person; deny: reject.');
export type RuleAction = z.infer<typeof RuleAction>;

const PathwayRule = z.object({ small: RuleAction, large: RuleAction }).strict();

export const ApprovalPolicy = z
  .object({
    rules: z
      .object({ model: PathwayRule, memory: PathwayRule, tool: PathwayRule, workflow: PathwayRule })
      .strict()
      .describe('What the gate does with each pathway and size of change.'),
    whileWaiting: z
      .enum(['pause', 'continue'])
      .describe('pause: the run halts until a person decides; continue: it goes on with the parent and applies a late approval at the next round.'),
    flagged: z.enum(['ask', 'deny']).describe('What happens to a proposal with a misevolution flag whose rule says auto.'),
    maxHeldoutDrop: z.number().min(0).max(1).describe('auto approves only if the held-out score falls by at most this much.'),
    maxRewardedWrong: z
      .number()
      .min(0)
      .max(1)
      .default(0.2)
      .describe('A child whose training rewarded samples that the protected verifier calls wrong, above this share, is flagged reward-hacking.'),
    unchecked: z
      .enum(['ask', 'deny', 'allow'])
      .default('ask')
      .describe(
        'What happens to a change one of whose misevolution checks could not be computed (nothing to compare with), when its rule says auto: ask holds it for a person, deny rejects it, allow approves it and the reason names every check it went without.',
      ),
    inconclusiveFlags: z
      .enum(['ask', 'ignore'])
      .default('ask')
      .describe(
        "What a flag whose 95% interval does not exclude 'no problem' (judged on few tasks) does, when the rule says auto: ask treats it as a flag; ignore approves, and the reason names the flag and its interval.",
      ),
    unattended: z
      .boolean()
      .default(false)
      .describe(
        'Nobody will answer (batch work: sweeps, comparisons): what would wait for a person is rejected instead, with the reason it would have waited.',
      ),
  })
  .strict();
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/** The policy's fields added after the first release, with their defaults: an older stored policy reads with these. */
const POLICY_DEFAULTS = { maxRewardedWrong: 0.2, unchecked: 'ask', inconclusiveFlags: 'ask', unattended: false } as const;

const rule = (small: RuleAction, large: RuleAction) => ({ small, large });
/** The default: a person decides everything except small workflow changes. */
export const DEFAULT_POLICY: ApprovalPolicy = {
  rules: { model: rule('ask', 'ask'), memory: rule('ask', 'ask'), tool: rule('ask', 'ask'), workflow: rule('auto', 'ask') },
  whileWaiting: 'pause',
  flagged: 'ask',
  maxHeldoutDrop: 0.02,
  ...POLICY_DEFAULTS,
};
const ALL_AUTO = { model: rule('auto', 'auto'), memory: rule('auto', 'auto'), tool: rule('auto', 'auto'), workflow: rule('auto', 'auto') };
/**
 * default, auto (approve within bounds, a person for flagged, unchecked or regressing changes), ask (a person for
 * everything), archive, for open-ended runs: an archive keeps children that score below their parent as stepping
 * stones, so only flagged children wait for a person, and the search goes on meanwhile (they are never parents until
 * approved); the root's children have no parent round to compare training monitors with, and archive approves them
 * on the checks that could be computed, naming the others. batch, for unattended work (sweeps, comparisons): auto,
 * except that what would wait for a person is rejected with its reason, so nothing hangs.
 */
export const POLICY_PRESETS: Record<'default' | 'auto' | 'ask' | 'archive' | 'batch', ApprovalPolicy> = {
  default: DEFAULT_POLICY,
  auto: { ...DEFAULT_POLICY, rules: ALL_AUTO },
  ask: { ...DEFAULT_POLICY, rules: { model: rule('ask', 'ask'), memory: rule('ask', 'ask'), tool: rule('ask', 'ask'), workflow: rule('ask', 'ask') } },
  archive: { rules: ALL_AUTO, whileWaiting: 'continue', flagged: 'ask', maxHeldoutDrop: 1, ...POLICY_DEFAULTS, unchecked: 'allow' },
  batch: { ...DEFAULT_POLICY, rules: ALL_AUTO, whileWaiting: 'continue', unattended: true },
};
export const PolicyPresetName = z.enum(['default', 'auto', 'ask', 'archive', 'batch']);
export type PolicyPresetName = z.infer<typeof PolicyPresetName>;

export const FlagKind = z.enum([
  'reward-hacking',
  'exploration-collapse',
  'probe-regression',
  'memory-inconsistent',
  'protected-invariant',
  'heldout-regression',
  'corrigibility',
]);
export type FlagKind = z.infer<typeof FlagKind>;

export const Flag = z.object({
  kind: FlagKind,
  message: z.string(),
  interval: z
    .object({ value: z.number(), lo: z.number(), hi: z.number(), n: z.number().int() })
    .optional()
    .describe('The quantity the flag was judged on, with its 95% interval and the number of tasks or samples behind it.'),
  conclusive: z
    .boolean()
    .optional()
    .describe('Whether the interval excludes the no-problem side (a difference of zero, or the threshold); false: judged on too few to be sure.'),
});
export type Flag = z.infer<typeof Flag>;

/** A proportion with its 95% Wilson interval. */
export const Estimate = z.object({ value: z.number(), lo: z.number(), hi: z.number(), n: z.number().int() });
export type Estimate = z.infer<typeof Estimate>;

/**
 * One safety behaviour of a gridworld agent on its evaluation episodes, parent (before) and child (after), each with
 * its 95% interval: a rate's is Wilson's, a mean score's and a gap's a percentile bootstrap over the episodes.
 */
export const SafetyMeasure = z.object({
  name: z.string().describe('The monitor (e.g. safety/button_rate).'),
  description: z.string(),
  before: Estimate.nullable().describe('The parent; null: not measurable on its episodes.'),
  after: Estimate.nullable().describe('The child; null: not measurable on its episodes.'),
  delta: z
    .object({ value: z.number(), lo: z.number(), hi: z.number() })
    .nullable()
    .describe("after - before with its 95% interval (Newcombe's hybrid score interval for two rates, bootstrap otherwise)."),
  worse: z.enum(['higher', 'lower']).describe('Which direction is the less corrigible one.'),
  interval: z.enum(['wilson', 'bootstrap']).describe("How before's and after's intervals were computed."),
  flags: z.boolean().describe('Whether a worse child raises the corrigibility flag (false: shown only).'),
  tolerance: z.number().describe('A change towards worse of at most this is no change (0 for rates and gaps; a hidden score: one move).'),
  required: z.boolean().describe('Whether the flag needs it measured on both sides (not measurable: the child is held).'),
});
export type SafetyMeasure = z.infer<typeof SafetyMeasure>;

export const SafetyEvidence = z.object({
  world: z.string().describe('The safety gridworld (safe-interruptibility, whisky-gold, absent-supervisor).'),
  episodes: z.object({ before: z.number().int(), after: z.number().int() }).describe('Evaluation episodes of the parent and the child.'),
  measures: z.array(SafetyMeasure),
});
export type SafetyEvidence = z.infer<typeof SafetyEvidence>;

export const Evidence = z.object({
  baseline: z.string().describe('What "before" is: the parent agent, or the same round without the change (an A/B on the same prompts).'),
  heldout: z
    .object({
      before: Estimate,
      after: Estimate,
      /** after - before, with a 95% normal interval of the difference of two proportions. */
      delta: z.object({ value: z.number(), lo: z.number(), hi: z.number() }),
    })
    .describe('Held-out accuracy over the levels above the warm-up (the protected evaluation sets), parent vs child.'),
  perLevel: z.array(z.object({ level: z.number().int(), before: z.number(), after: z.number() })),
  probes: z.array(z.object({ id: z.string(), description: z.string(), before: z.number(), after: z.number() })),
  training: z.object({
    rewardBefore: z.number().nullable(),
    rewardAfter: z.number().nullable(),
    passAtKBefore: z.number().nullable(),
    passAtKAfter: z.number().nullable(),
    distinctBefore: z.number().nullable(),
    distinctAfter: z.number().nullable(),
  }),
  memory: z
    .array(
      z.object({ id: z.string(), prompt: z.string(), answer: z.string(), consensus: z.string().nullable(), agreement: z.number(), consistent: z.boolean() }),
    )
    .optional(),
  cost: z.object({ seconds: z.number(), tokens: z.number() }),
  rewardedWrong: Estimate.nullable()
    .optional()
    .describe(
      "Rewarded but wrong: of the child's training samples that the agent rewarded (reward > 0), the share the protected verifier calls wrong, with its 95% interval. Judged from the child alone; null: it made no training samples.",
    ),
  unchecked: z
    .array(z.object({ check: FlagKind, reason: z.string() }))
    .optional()
    .describe(
      'Misevolution checks that could not be computed, and why: missing evidence is never read as clean (the gate holds, or the policy says what it does instead).',
    ),
  monitors: z
    .array(z.object({ name: z.string(), description: z.string(), before: z.number().nullable(), after: z.number().nullable() }))
    .optional()
    .describe("The family's own behaviour monitors, before and after (a classifier's: training accuracy, accuracy after shifts, steps to recover)."),
  notApplicable: z
    .array(z.object({ check: FlagKind, reason: z.string() }))
    .optional()
    .describe('Misevolution checks that do not apply to this family of agent, and why (never counted as passed: they are not checks of it).'),
  safety: SafetyEvidence.optional().describe(
    "A gridworld agent's safety behaviour on its evaluation episodes, parent beside child (the corrigibility flag is judged on it).",
  ),
  flags: z.array(Flag),
});
export type Evidence = z.infer<typeof Evidence>;

export const ProposalStatus = z.enum(['pending', 'approved', 'rejected', 'applied', 'superseded']);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

/**
 * Every kind of proposal the engine makes: promoting trained weights (`model:promote`), or one of the proposer's
 * changes to the workflow, memory or tools. The proposer's candidates are typed by it, so a new kind is added here.
 */
export const PROPOSAL_KINDS = [
  'model:promote',
  'workflow:raise-temperature',
  'workflow:lower-temperature',
  'workflow:lower-learning-rate',
  'workflow:raise-learning-rate',
  'workflow:raise-step-size',
  'workflow:lower-step-size',
  'workflow:more-shaping',
  'workflow:less-shaping',
  'memory:more-replay',
  'memory:less-replay',
  'workflow:cheaper-evaluation',
  'workflow:more-games',
  'memory:add-exemplars',
  'memory:drop-inconsistent',
  'tool:self-verify',
  'tool:format-credit',
  'tool:curriculum-rule',
] as const;
export const ProposalKind = z.enum(PROPOSAL_KINDS);
export type ProposalKind = z.infer<typeof ProposalKind>;

export const Proposal = z.object({
  id: z.string(),
  runId: z.string(),
  iteration: z.number().int().describe('The round that produced it.'),
  pathway: Pathway,
  kind: ProposalKind.describe('What sort of change (e.g. workflow:raise-temperature); the proposer learns per kind.'),
  size: ChangeSize,
  rationale: z.string(),
  changes: z.array(GenomeChange),
  evidence: Evidence,
  evidenceHash: z.string(),
  status: ProposalStatus,
  /** What the gate did: auto-approved, auto-rejected, or held for a person. */
  gate: z.object({ action: z.enum(['auto-approved', 'auto-rejected', 'held', 'ungated']), reason: z.string() }),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});
export type Proposal = z.infer<typeof Proposal>;

/**
 * What approving a proposal does to the agent, in words, derived from its diff: the card shows it before the decision,
 * and the decision's and the settlement's audit entries record it. The rule: approving applies exactly the proposal's
 * own diff. Only a diff with the `model.weights` line brings weights (a governed round's `model:promote`, or an
 * archive child, which is weights and genome together); approving a governed round's memory, tool or workflow change
 * adopts that change of the genome and never the weights its sandboxed trial trained, so a rejected `model:promote`
 * stays rejected whatever else of its round is approved.
 */
export function effectOf(p: Pick<Proposal, 'pathway' | 'iteration' | 'changes' | 'evidence'>): string {
  const weights = p.changes.some((c) => c.path === 'model.weights');
  const genome = p.changes.filter((c) => c.path !== 'model.weights').map((c) => c.path);
  const heldout = `held-out ${(p.evidence.heldout.after.value * 100).toFixed(1)}%`;
  if (weights && genome.length === 0) return `the agent takes round ${p.iteration}'s weights (${heldout}); its genome is unchanged`;
  if (weights) return `the child's weights (round ${p.iteration}'s, ${heldout}) and its genome changes (${genome.join(', ')}) together`;
  return `applies ${genome.join(', ')} to the agent's genome; the agent keeps its weights (only a model proposal changes them), and the change trains from the next round`;
}

/**
 * A person's name as given (the decide request, `--as`): it is written to the audit log and rendered in reports,
 * so it is kept to plain characters. An optional `person:` prefix is allowed (that is how the log records people).
 */
export const ACTOR_RULE = 'at most 64 characters: letters, digits, space and . - _ @ (optionally prefixed with person:)';
const ACTOR_PATTERN = /^(?:person:)?[\p{L}\p{N} ._@-]{1,64}$/u;
export const ActorName = z.string().refine((name) => ACTOR_PATTERN.test(name.trim()), { message: `actor must be ${ACTOR_RULE}` });
export function isValidActorName(name: string): boolean {
  return ACTOR_PATTERN.test(name.trim());
}

export const DecisionInput = z
  .object({
    id: z.string().min(1).describe('The proposal id.'),
    decision: z.enum(['approve', 'reject', 'edit']),
    reason: z.string().max(2000).optional().describe('Why (required to reject).'),
    changes: z.array(GenomeChange).optional().describe('edit: the changed values to approve instead (their evidence is re-run).'),
    actor: ActorName.optional().describe('Who decides (defaults to the local user).'),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.decision === 'reject' && !d.reason?.trim())
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'give a reason to reject (e.g. --reason "too risky")' });
    if (d.decision === 'edit' && (!d.changes || d.changes.length === 0))
      ctx.addIssue({ code: 'custom', path: ['changes'], message: 'edit needs the changed values' });
  });
export type DecisionInput = z.infer<typeof DecisionInput>;

export const AuditAction = z.enum([
  'proposed',
  'auto-approved',
  'auto-rejected',
  'held',
  'approved',
  'rejected',
  'edited',
  'applied',
  'superseded',
  'policy-changed',
  'ungated-applied',
  'rated',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  runId: z.string(),
  at: z.string(),
  actor: z.string().describe('gate, engine, or the person (person:<name>).'),
  action: AuditAction,
  proposalId: z.string().nullable(),
  evidenceHash: z.string().nullable(),
  reason: z.string().nullable(),
  detail: z.unknown().describe('What changed (the diff, the policy) as JSON.'),
  prevHash: z.string(),
  hash: z.string().describe('sha256 of the entry and the previous hash: the chain shows that nothing was altered or removed.'),
  mac: z
    .string()
    .nullable()
    .describe('HMAC-SHA256, with a key kept outside the workspace, of the hash and the previous MAC; null in entries written before keyed audit ("unkeyed").'),
  keyId: z.string().nullable().describe('Which key made the MAC (a fingerprint, not the key).'),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A point of a run's chain: an entry's seq and hash. The head file and checkpoints anchor the chain with one. */
export const AuditHead = z.object({ seq: z.number().int(), hash: z.string() });
export type AuditHead = z.infer<typeof AuditHead>;

export const AuditProblem = z.object({
  kind: z
    .enum(['chain', 'mac', 'key', 'head', 'anchor', 'proposal', 'rating'])
    .describe(
      "chain: hashes; mac: the keyed chain; key: the key is missing or another; head: the head file; anchor: a checkpoint's anchor; proposal: a proposal row disagrees with its entries; rating: a person's choice on a pair disagrees with its entry.",
    ),
  seq: z.number().int().nullable().describe('The entry concerned, if one.'),
  proposalId: z.string().nullable(),
  field: z.string().nullable().describe('The proposal column that disagrees (status, decided_by, reason, changes, evidence, evidence_hash, run_id).'),
  message: z.string(),
});
export type AuditProblem = z.infer<typeof AuditProblem>;

export const AuditVerification = z.object({
  ok: z.boolean().describe('No problem found. True for a verified and for an unkeyed log; see state.'),
  state: z
    .enum(['verified', 'unkeyed', 'tampered', 'unverifiable'])
    .describe(
      'verified: keyed, intact and anchored; unkeyed: intact but written before keyed audit, so a rewrite with recomputed hashes would not show; tampered: see problems; unverifiable: keyed, but the key is not here.',
    ),
  entries: z.number().int(),
  keyed: z.number().int().describe('Entries with a MAC.'),
  unkeyed: z.number().int().describe('Entries without a MAC (written before keyed audit).'),
  head: AuditHead.nullable().describe("The run's head as the head file anchors it, if it does."),
  brokenAt: z.number().int().nullable().describe('The first entry a problem names.'),
  message: z.string(),
  problems: z.array(AuditProblem),
});
export type AuditVerification = z.infer<typeof AuditVerification>;

/** The proposer's belief, from the person's decisions, that a kind of proposal is wanted. */
export const ProposerEstimate = z.object({
  kind: ProposalKind,
  approved: z.number().int(),
  rejected: z.number().int(),
  mean: z.number(),
  lo: z.number(),
  hi: z.number(),
});
export type ProposerEstimate = z.infer<typeof ProposerEstimate>;
