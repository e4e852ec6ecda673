import { createStore } from 'zustand/vanilla';
import { fieldIssues } from '../../../shared/errors';
import type { Pathway } from '../../../shared/genome';
import { ApprovalPolicy, POLICY_PRESETS, type ChangeSize, type RuleAction } from '../../../shared/oversight';
import { describeError, getBridge } from '../../lib/bridge';

export type PolicyPreset = keyof typeof POLICY_PRESETS;

export interface PolicyState {
  /** Whose policy is edited: a run's (its id) or the workspace default for new runs (null). */
  scope: string | null;
  saved: ApprovalPolicy | null;
  draft: ApprovalPolicy | null;
  loading: boolean;
  saving: boolean;
  error: string | null;
  /** Confirmation after a save, naming what it applies to. */
  notice: string | null;
}

export const policyStore = createStore<PolicyState>(() => ({
  scope: null,
  saved: null,
  draft: null,
  loading: false,
  saving: false,
  error: null,
  notice: null,
}));

export const selectDirty = (s: PolicyState): boolean => s.draft !== null && JSON.stringify(s.draft) !== JSON.stringify(s.saved);

/** The policy's share fields (0..1), whose errors the editor words for a person typing into a number box. */
const SHARE_FIELDS = ['maxHeldoutDrop', 'maxRewardedWrong'] as const;

/** Invalid fields of the draft, keyed by dotted path (e.g. maxHeldoutDrop). */
export function selectIssues(s: PolicyState): Map<string, string> {
  const issues = new Map<string, string>();
  if (!s.draft) return issues;
  for (const field of SHARE_FIELDS) {
    const value = s.draft[field];
    if (!Number.isFinite(value)) issues.set(field, 'enter a number between 0 and 1');
    else if (value < 0 || value > 1) issues.set(field, 'enter a share between 0 and 1 (0.2 means 20%)');
  }
  const result = ApprovalPolicy.safeParse(s.draft);
  if (!result.success) for (const i of fieldIssues(result.error)) if (!issues.has(i.path)) issues.set(i.path, i.message);
  return issues;
}

/** Which preset the draft equals, if any. */
export function selectPreset(s: PolicyState): PolicyPreset | null {
  if (!s.draft) return null;
  const text = JSON.stringify(s.draft);
  return (Object.keys(POLICY_PRESETS) as PolicyPreset[]).find((name) => JSON.stringify(POLICY_PRESETS[name]) === text) ?? null;
}

let seq = 0;
const edit = (change: (draft: ApprovalPolicy) => ApprovalPolicy) => policyStore.setState((s) => (s.draft ? { draft: change(s.draft), notice: null } : {}));

export const policyActions = {
  async load(scope: string | null): Promise<void> {
    const mine = ++seq;
    policyStore.setState({ scope, loading: true, error: null, notice: null });
    try {
      const policy = await getBridge().request('policy.get', scope ? { runId: scope } : {});
      if (mine !== seq) return;
      policyStore.setState({ saved: policy, draft: structuredClone(policy), loading: false });
    } catch (error) {
      if (mine === seq) policyStore.setState({ loading: false, error: describeError(error).message, saved: null, draft: null });
    }
  },
  setRule(pathway: Pathway, size: ChangeSize, action: RuleAction): void {
    edit((d) => ({ ...d, rules: { ...d.rules, [pathway]: { ...d.rules[pathway], [size]: action } } }));
  },
  setWhileWaiting(value: ApprovalPolicy['whileWaiting']): void {
    edit((d) => ({ ...d, whileWaiting: value }));
  },
  setFlagged(value: ApprovalPolicy['flagged']): void {
    edit((d) => ({ ...d, flagged: value }));
  },
  setUnchecked(value: ApprovalPolicy['unchecked']): void {
    edit((d) => ({ ...d, unchecked: value }));
  },
  setUnattended(value: boolean): void {
    edit((d) => ({ ...d, unattended: value }));
  },
  setMaxHeldoutDrop(value: number): void {
    edit((d) => ({ ...d, maxHeldoutDrop: value }));
  },
  setInconclusiveFlags(value: ApprovalPolicy['inconclusiveFlags']): void {
    edit((d) => ({ ...d, inconclusiveFlags: value }));
  },
  setMaxRewardedWrong(value: number): void {
    edit((d) => ({ ...d, maxRewardedWrong: value }));
  },
  /** Loads a preset into the draft; Save applies it. */
  preset(name: PolicyPreset): void {
    policyStore.setState({ draft: structuredClone(POLICY_PRESETS[name]), notice: null });
  },
  revert(): void {
    policyStore.setState((s) => ({ draft: s.saved ? structuredClone(s.saved) : null, notice: null }));
  },
  /** Sends the draft; the engine writes the change to the audit log of the run it applies to. */
  async save(): Promise<boolean> {
    const s = policyStore.getState();
    if (!s.draft) return false;
    const issues = selectIssues(s);
    if (issues.size > 0) {
      policyStore.setState({ error: `Fix ${[...issues.keys()].join(', ')} before saving: ${[...issues.values()][0]}` });
      return false;
    }
    policyStore.setState({ saving: true, error: null, notice: null });
    try {
      const policy = await getBridge().request('policy.set', { ...(s.scope ? { runId: s.scope } : {}), policy: s.draft });
      if (policyStore.getState().scope !== s.scope) return true;
      policyStore.setState({
        saved: policy,
        draft: structuredClone(policy),
        saving: false,
        notice: s.scope ? `Saved: applies to run ${s.scope} from its next proposal.` : 'Saved: the default for new runs.',
      });
      return true;
    } catch (error) {
      policyStore.setState({ saving: false, error: describeError(error).message });
      return false;
    }
  },
};
