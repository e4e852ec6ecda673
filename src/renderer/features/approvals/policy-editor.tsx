import { useEffect } from 'react';
import { useStore } from 'zustand';
import { Pathway } from '../../../shared/genome';
import { ChangeSize, POLICY_PRESETS, RuleAction } from '../../../shared/oversight';
import type { RunSummary } from '../../../shared/run';
import { ErrorBox } from '../../components/error-box';
import { policyActions, policyStore, selectDirty, selectIssues, selectPreset, type PolicyPreset } from './policy-store';

const PRESET_HELP: Record<PolicyPreset, string> = {
  default: 'a person decides everything except small workflow changes',
  auto: 'the gate approves within bounds; flagged changes still follow "flagged"',
  ask: 'a person decides every change',
  archive:
    "open-ended runs: every unflagged child joins the archive (the root's children on the checks that could be computed); flagged ones wait while the search goes on",
  batch: 'unattended work (sweeps, comparisons): auto, but what would wait for a person is rejected with its reason, so nothing hangs',
};

/** The approval policy: what the gate does per pathway and size, and what happens while a run waits. */
export function PolicyEditor({ runs, scope }: { runs: RunSummary[]; scope: string | null }) {
  const s = useStore(policyStore);
  const issues = selectIssues(s);
  const dirty = selectDirty(s);
  const preset = selectPreset(s);
  useEffect(() => {
    void policyActions.load(scope);
  }, [scope]);
  const d = s.draft;

  return (
    <section className="policy-editor panel" data-testid="policy-editor">
      <header className="panel-head">
        <h2>Approval policy</h2>
        <label className="inline">
          Applies to
          <select value={s.scope ?? ''} onChange={(e) => void policyActions.load(e.target.value || null)} data-testid="policy-scope">
            <option value="">Workspace default (new runs)</option>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                run {r.name ?? r.id} ({r.status})
              </option>
            ))}
          </select>
        </label>
      </header>
      <ErrorBox
        title="The policy could not be read or saved."
        message={s.error}
        hint="The policy is checked by the engine; the message names the field to fix."
      />
      {!d ? (
        <p className="muted">{s.loading ? 'Loading…' : 'No policy loaded.'}</p>
      ) : (
        <>
          <div className="presets">
            <span className="muted small">Presets:</span>
            {(Object.keys(POLICY_PRESETS) as PolicyPreset[]).map((name) => (
              <button
                key={name}
                type="button"
                className={preset === name ? 'on' : undefined}
                title={PRESET_HELP[name]}
                onClick={() => policyActions.preset(name)}
                data-testid={`policy-preset-${name}`}
              >
                {name}
              </button>
            ))}
            {preset && <span className="muted small">{PRESET_HELP[preset]}</span>}
          </div>
          <table className="table policy-grid">
            <thead>
              <tr>
                <th>Pathway</th>
                {ChangeSize.options.map((size) => (
                  <th key={size}>{size} change</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Pathway.options.map((pathway) => (
                <tr key={pathway}>
                  <th>{pathway}</th>
                  {ChangeSize.options.map((size) => (
                    <td key={size}>
                      <select
                        value={d.rules[pathway][size]}
                        className={`rule-${d.rules[pathway][size]}`}
                        aria-label={`${pathway} ${size}`}
                        onChange={(e) => policyActions.setRule(pathway, size, e.target.value as RuleAction)}
                        data-testid={`policy-rule-${pathway}-${size}`}
                      >
                        {RuleAction.options.map((a) => (
                          <option key={a} value={a}>
                            {a}
                          </option>
                        ))}
                      </select>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="help">
            auto: approve without a person (within bounds) · ask: hold for a person · deny: reject. Protected invariants are always rejected.
          </p>
          <div className="policy-fields">
            <label
              className="inline"
              title="pause: the run halts until a person decides; continue: it goes on with the parent and applies a late approval at the next round"
            >
              While waiting
              <select
                value={d.whileWaiting}
                onChange={(e) => policyActions.setWhileWaiting(e.target.value as 'pause' | 'continue')}
                data-testid="policy-while-waiting"
              >
                <option value="pause">pause the run</option>
                <option value="continue">continue with the parent</option>
              </select>
            </label>
            <label className="inline" title="What happens to a flagged proposal whose rule says auto">
              Flagged proposals
              <select value={d.flagged} onChange={(e) => policyActions.setFlagged(e.target.value as 'ask' | 'deny')} data-testid="policy-flagged">
                <option value="ask">ask</option>
                <option value="deny">deny</option>
              </select>
            </label>
            <label
              className="inline"
              title="What happens to a change one of whose checks could not be computed (nothing to compare with), when its rule says auto"
            >
              Unchecked evidence
              <select
                value={d.unchecked}
                onChange={(e) => policyActions.setUnchecked(e.target.value as 'ask' | 'deny' | 'allow')}
                data-testid="policy-unchecked"
              >
                <option value="ask">ask a person</option>
                <option value="deny">reject</option>
                <option value="allow">approve, naming the missing checks</option>
              </select>
            </label>
            <label
              className="inline"
              title="Nobody will answer (sweeps, comparisons): what would wait for a person is rejected with the reason it would have waited"
            >
              <input type="checkbox" checked={d.unattended} onChange={(e) => policyActions.setUnattended(e.target.checked)} data-testid="policy-unattended" />
              Unattended
            </label>
            <label
              className="inline"
              title="A flag whose 95% interval does not exclude 'no problem' (judged on few tasks), when the rule says auto: ask treats it as a flag; ignore approves, and the reason names the flag and its interval"
            >
              Inconclusive flags
              <select
                value={d.inconclusiveFlags}
                onChange={(e) => policyActions.setInconclusiveFlags(e.target.value as 'ask' | 'ignore')}
                data-testid="policy-inconclusive"
              >
                <option value="ask">treat as a flag</option>
                <option value="ignore">approve, naming the flag</option>
              </select>
            </label>
            <ShareField
              label="Max held-out drop for auto"
              title="auto approves only if the held-out score falls by at most this much (a share, 0 to 1)"
              value={d.maxHeldoutDrop}
              issue={issues.get('maxHeldoutDrop')}
              onChange={(v) => policyActions.setMaxHeldoutDrop(v)}
              testId="policy-max-drop"
            />
            <ShareField
              label="Max rewarded but wrong"
              title="Of a child's training samples the agent rewarded, the share the protected verifier calls wrong; above this share the child is flagged reward-hacking (0 to 1; 0.2 means 20%)"
              value={d.maxRewardedWrong}
              issue={issues.get('maxRewardedWrong')}
              onChange={(v) => policyActions.setMaxRewardedWrong(v)}
              testId="policy-max-rewarded-wrong"
            />
          </div>
          <div className="form-actions">
            {s.notice && (
              <span className="chip ok" data-testid="policy-notice">
                {s.notice}
              </span>
            )}
            <button type="button" disabled={!dirty || s.saving} onClick={() => policyActions.revert()}>
              Revert
            </button>
            <button
              type="button"
              className="primary"
              disabled={!dirty || s.saving || issues.size > 0}
              onClick={() => void policyActions.save()}
              data-testid="policy-save"
            >
              {s.saving ? 'Saving…' : 'Save policy'}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

/** A share of the policy (0..1) in a number box; an emptied box is NaN, which the store names as an error. */
function ShareField(props: { label: string; title: string; value: number; issue: string | undefined; onChange: (value: number) => void; testId: string }) {
  const { label, title, value, issue, onChange, testId } = props;
  return (
    <>
      <label className="inline" title={title}>
        {label}
        <input
          type="number"
          min={0}
          max={1}
          step={0.01}
          value={Number.isNaN(value) ? '' : value}
          aria-invalid={issue ? 'true' : undefined}
          onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
          data-testid={testId}
          style={{ width: 80 }}
        />
      </label>
      {issue && (
        <span className="field-error" data-testid={`${testId}-error`}>
          {label.toLowerCase()}: {issue}
        </span>
      )}
    </>
  );
}
