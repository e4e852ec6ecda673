import { z } from 'zod';
import { StrategyNameConfig } from './config';
import { Genome, GenomeChange } from './genome';
import { Estimate, FlagKind, ProposalKind, ProposalStatus } from './oversight';

/**
 * The archive of an open-ended run as the app and the CLI see it: every agent (node) with its parent, scores,
 * evaluations, clade metaproductivity and the verdict on it. See docs/archive.md.
 */

export const ArchiveNodeStatus = z
  .enum(['evaluating', 'kept', 'rejected', 'pending'])
  .describe(
    'kept: in the archive, may be a parent (a child that failed the staged check is kept with its small-set score); pending: waiting for a person; rejected: by the gate or a person, or by the staged check in runs made before staged-failed children were kept (in the tree for the record, never a parent).',
  );
export type ArchiveNodeStatus = z.infer<typeof ArchiveNodeStatus>;

export const CmpInterval = z.object({
  mean: z.number(),
  lo: z.number(),
  hi: z.number(),
  n: z.number().int().describe("Task evaluations pooled over the node's descendants."),
});
export type CmpInterval = z.infer<typeof CmpInterval>;

/** What made a node: the run's initial agent, a branch from another run's node, or the proposal's kind. */
export const ArchiveNodeKind = z
  .union([z.enum(['root', 'branch']), ProposalKind])
  .describe('What made it: "root", "branch", or the proposal kind (e.g. "tool:self-verify", "model:promote").');
export type ArchiveNodeKind = z.infer<typeof ArchiveNodeKind>;

export const ArchiveNode = z.object({
  id: z.string(),
  runId: z.string(),
  parentId: z.string().nullable(),
  generation: z.number().int(),
  createdOrder: z.number().int(),
  /** The search step (the run's iteration) that made it; 0 for the root. */
  step: z.number().int(),
  status: ArchiveNodeStatus,
  rejectedBy: z.enum(['staged', 'gate', 'person']).nullable(),
  /** Own score: share of the search-set tasks it was evaluated on that it solved (null before any). */
  score: z.number().nullable(),
  successes: z.number().int(),
  failures: z.number().int(),
  /** Score on the cheap (staged) check, where the strategy stages; a kept node with fullyEvaluated false failed it and competes with this score. */
  cheapScore: z.number().nullable(),
  fullyEvaluated: z.boolean(),
  /** Clade metaproductivity from the descendants' evaluations only: Beta(1+s, 1+f) mean and 90% interval. */
  cmp: CmpInterval,
  /** Own score lies outside the CMP interval: the metaproductivity-performance mismatch. */
  mismatch: z.boolean(),
  kind: ArchiveNodeKind,
  rationale: z.string(),
  changes: z.array(GenomeChange).describe("Its genome against its parent's (plus the weights line)."),
  genome: Genome,
  proposalId: z.string().nullable(),
  verdict: z
    .object({ status: ProposalStatus, actor: z.string().nullable(), reason: z.string().nullable() })
    .nullable()
    .describe("The gate's or a person's decision on the proposal that made it."),
  createdAt: z.string(),
  flags: z.array(FlagKind).optional().describe('The misevolution flags on the proposal that made it.'),
  rewardedWrong: Estimate.nullable()
    .optional()
    .describe('Rewarded but wrong in the round that made it: of the samples it rewarded, the share the verifier calls wrong (null: not measured).'),
  carried: z
    .array(z.object({ kind: FlagKind, from: z.string() }))
    .optional()
    .describe('Flags raised on its ancestors: what a flagged ancestor changed, the node inherits (unless a later change undid it).'),
});
export type ArchiveNode = z.infer<typeof ArchiveNode>;

export const ArchiveView = z.object({
  runId: z.string(),
  strategy: StrategyNameConfig,
  selection: z.enum(['keep-all', 'keep-better']),
  budget: z.object({ used: z.number(), total: z.number() }),
  steps: z.number().int(),
  nodes: z.array(ArchiveNode),
  /** The kept agent with the best own score (ties: more evaluations, then earlier). */
  bestNodeId: z.string().nullable(),
  /** Archive growth: nodes made and kept per generation. */
  generations: z.array(z.object({ generation: z.number().int(), made: z.number().int(), kept: z.number().int() })),
});
export type ArchiveView = z.infer<typeof ArchiveView>;
