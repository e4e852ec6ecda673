import type { ApprovalPolicy } from '../../shared/oversight';

const PATHWAYS = ['model', 'memory', 'tool', 'workflow'] as const;

/** What a policy approves without a person, in words: "small workflow changes", "every change", "nothing". */
export function autoApproves(policy: ApprovalPolicy): string {
  const auto = PATHWAYS.flatMap((p) => (['small', 'large'] as const).filter((size) => policy.rules[p][size] === 'auto').map((size) => ({ p, size })));
  if (auto.length === 0) return 'nothing: a person decides every change';
  if (auto.length === PATHWAYS.length * 2) {
    const bound = policy.maxHeldoutDrop >= 1 ? '' : ` that loses at most ${(policy.maxHeldoutDrop * 100).toFixed(0)} points of held-out accuracy`;
    return `every change${bound}`;
  }
  const parts = PATHWAYS.flatMap((p) => {
    const sizes = auto.filter((a) => a.p === p).map((a) => a.size);
    if (sizes.length === 0) return [];
    return [sizes.length === 2 ? `${p} changes` : `${sizes[0]} ${p} changes`];
  });
  return parts.join(', ');
}

/** One line for a policy: what it approves alone, what happens to flagged changes, and what the run does meanwhile. */
export function policySummary(policy: ApprovalPolicy): string {
  const flagged = policy.flagged === 'deny' ? 'flagged changes are rejected' : 'flagged changes wait for a person';
  const waiting = policy.whileWaiting === 'pause' ? 'the run pauses while one waits' : 'the run goes on while one waits';
  return `auto-approves ${autoApproves(policy)}; ${flagged}; ${waiting}`;
}
