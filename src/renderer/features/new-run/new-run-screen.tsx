import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { ErrorBox } from '../../components/error-box';
import { takeNewRunIntent } from '../../lib/new-run-intent';
import { ConfigForm } from './config-form';
import { canPickTaskFile, newRunActions, newRunStore, proposesChanges, selectStartFrom, selectStartPolicy, validateDraft } from './new-run-store';
import { PolicyLine, StartRefused } from './start-feedback';
import './new-run.css';

function open(runId: string): void {
  location.hash = `#/runs/${encodeURIComponent(runId)}`;
}

export function NewRunScreen() {
  const s = useStore(newRunStore);
  const startFrom = selectStartFrom(s.draft);
  const issues = useMemo(() => {
    const local = validateDraft(s.draft);
    // Issues the engine reported (e.g. a jsonl path that does not exist) show beside their field too.
    for (const i of s.startError?.issues ?? []) if (!local.has(i.path)) local.set(i.path, i.message);
    return local;
  }, [s.draft, s.startError]);

  useEffect(() => {
    // A config another screen asked for (a branch from the Lineage view) fills the form.
    const intent = takeNewRunIntent();
    if (intent) newRunActions.prefill(intent);
    void newRunActions.loadPresets();
  }, []);

  // A run that started with warnings about its data stays here until they are read (the box opens it).
  const openUnlessWarned = (runId: string | null) => {
    if (runId && !newRunStore.getState().startWarnings) open(runId);
  };
  const startPreset = async (id: string) => openUnlessWarned(await newRunActions.start({ preset: id }));
  const startForm = async () => openUnlessWarned(await newRunActions.start({ config: s.draft }));
  // In a browser (evolab serve) there is no dialog: the field is typed, and the host allows files with --allow-path.
  const refusalAt = (at: string) =>
    s.startError?.at === at ? (
      <StartRefused
        refusal={s.startError}
        stopping={s.stoppingBlocker}
        onStop={() => void newRunActions.stopBlocking()}
        onDismiss={newRunActions.dismissError}
      />
    ) : null;
  const formPolicy = selectStartPolicy(s, s.presets.find((p) => p.id === s.loadedPreset) ?? null);
  const taskFile = canPickTaskFile() ? { pick: () => void newRunActions.pickTaskFile(), picking: s.pickingTask, error: s.pickError } : undefined;

  return (
    <div className="new-run-screen">
      <header className="screen-head">
        <h1>New run</h1>
        <label className="inline" title="What the gate does with the run's proposed self-modifications">
          Approval policy
          <select value={s.policy} onChange={(e) => newRunActions.setPolicy(e.target.value as typeof s.policy)} data-testid="new-run-policy">
            <option value="workspace">workspace default</option>
            <option value="default">default: ask, except small workflow changes</option>
            <option value="ask">ask for every change</option>
            <option value="auto">auto within bounds</option>
            <option value="archive">open-ended: automatic, only flagged children wait while the search goes on</option>
          </select>
        </label>
        <a href="#/approvals/policy" className="small">
          edit policies
        </a>
      </header>
      {s.startWarnings && (
        <div className="error-box warning-box" role="status" data-testid="start-warnings">
          <strong>Run {s.startWarnings.runId} started, with warnings about its data:</strong>
          <ul>
            {s.startWarnings.warnings.map((w) => (
              <li key={w} className="pre-line">
                {w}
              </li>
            ))}
          </ul>
          <button type="button" className="primary" onClick={() => open(s.startWarnings!.runId)} data-testid="start-warnings-open">
            Open the run
          </button>
        </div>
      )}
      {startFrom && (
        <div className="banner start-from" role="status" data-testid="new-run-start-from" data-run-id={startFrom.runId} data-node-id={startFrom.nodeId}>
          Starts from <a href={`#/runs/${encodeURIComponent(startFrom.runId)}/lineage`}>{startFrom.runId}</a> node <code>{startFrom.nodeId}</code>: that agent's
          weights and genome instead of a warm-up. Review the configuration below and press Start.{' '}
          <button type="button" className="link" onClick={() => newRunActions.clearStartFrom()}>
            Warm up from scratch instead
          </button>
        </div>
      )}
      <section>
        <h2>Presets</h2>
        <ErrorBox title="Presets could not be loaded." message={s.presetsError} hint="The engine may be starting; reload in a moment." />
        <div className="gallery" data-testid="preset-gallery">
          {s.presets.map((p) => (
            <article key={p.id} className={`card${s.loadedPreset === p.id ? ' selected' : ''}`} data-testid="preset-card" data-preset={p.id}>
              <header>
                <h3>{p.title}</h3>
                <span className="chip">{p.recipe}</span>
                {p.smoke && <span className="chip smoke">smoke · &lt;1 min</span>}
              </header>
              <p>{p.summary}</p>
              <p className="muted small">
                {p.config.iterations} iterations ·{' '}
                {p.config.policy.kind === 'transformer'
                  ? `warm-up ${p.config.warmup.steps} steps · d${p.config.policy.dModel}×${p.config.policy.nLayers}`
                  : `no warm-up · MLP ${p.config.policy.hidden.join('×')}`}
              </p>
              <PolicyLine {...selectStartPolicy(s, p)} proposes={proposesChanges(p.config)} />
              {refusalAt(p.id)}
              <footer>
                <button
                  type="button"
                  className="primary"
                  disabled={s.starting !== null}
                  onClick={() => void startPreset(p.id)}
                  data-testid="preset-start"
                  title={proposesChanges(p.config) ? `Start under the ${selectStartPolicy(s, p).name} approval policy` : 'Start this preset'}
                >
                  {s.starting === p.id ? 'Starting…' : proposesChanges(p.config) ? `Start · ${selectStartPolicy(s, p).name} policy` : 'Start'}
                </button>
                <button type="button" onClick={() => newRunActions.loadPreset(p.id)} data-testid="preset-customize">
                  Customize
                </button>
              </footer>
            </article>
          ))}
        </div>
      </section>
      <section className="form-section">
        <header className="panel-head">
          <h2>Configuration {s.loadedPreset && <span className="muted small">from {s.loadedPreset}</span>}</h2>
          <button type="button" className="subtle" onClick={() => newRunActions.reset()}>
            Reset to defaults
          </button>
        </header>
        <ConfigForm draft={s.draft} issues={issues} onChange={newRunActions.setField} taskFile={taskFile} />
        <div className="form-actions sticky-bottom">
          {refusalAt('form')}
          <PolicyLine {...formPolicy} proposes={proposesChanges(s.draft)} />
          {issues.size > 0 && (
            <span className="error-text" data-testid="form-invalid">
              {issues.size} field{issues.size > 1 ? 's need' : ' needs'} fixing
            </span>
          )}
          <button type="button" className="primary" disabled={issues.size > 0 || s.starting !== null} onClick={() => void startForm()} data-testid="form-start">
            {s.starting === 'form' ? 'Starting…' : proposesChanges(s.draft) ? `Start · ${formPolicy.name} policy` : 'Start'}
          </button>
        </div>
      </section>
    </div>
  );
}
