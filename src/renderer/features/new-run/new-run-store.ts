import { createStore } from 'zustand/vanilla';
import { RunConfig } from '../../../shared/config';
import { fieldIssues, type FieldIssue } from '../../../shared/errors';
import { POLICY_PRESETS, type ApprovalPolicy } from '../../../shared/oversight';
import { isLive, type PresetInfo, type RunSummary } from '../../../shared/run';
import { describeError, getBridge } from '../../lib/bridge';
import { findLiveRun, type BlockingRun } from '../../lib/live-run';
import { defaultsOf, fieldIndex, getAt, plainMessage, setAt, walkObject } from '../../lib/schema-walker';

export interface NewRunState {
  presets: PresetInfo[];
  presetsError: string | null;
  /** The form's value: what the user would write as a config file. */
  draft: Record<string, unknown>;
  loadedPreset: string | null;
  starting: string | null;
  /**
   * Why the last start was refused, shown at the control that was clicked (`at`: a preset id, or 'form'). A refusal
   * because another run holds the engine names that run (`blocking`), so the person can open or stop it from there.
   */
  startError: StartRefusal | null;
  /** The blocking run is being stopped from the refusal notice. */
  stoppingBlocker: boolean;
  /** A run that started with warnings about its data: shown before the run is opened. */
  startWarnings: { runId: string; warnings: string[] } | null;
  /** The workspace's default approval policy (what 'workspace' means), once read. */
  workspacePolicy: ApprovalPolicy | null;
  /** The approval policy the run starts with; 'workspace' sends none, so the workspace default applies. */
  policy: 'workspace' | 'default' | 'auto' | 'ask' | 'archive' | 'batch';
  /** The native file dialog for `task.path` is open. */
  pickingTask: boolean;
  /** Why the file dialog did not give a path (other than the person cancelling). */
  pickError: string | null;
}

export interface StartRefusal {
  at: string;
  code: string | null;
  message: string;
  issues: FieldIssue[];
  blocking: BlockingRun | null;
}

/** A complete starting point when no preset is loaded: the schema's defaults plus the two required unions. */
export function blankDraft(): Record<string, unknown> {
  return defaultsOf(RunConfig, { task: { kind: 'arithmetic' }, recipe: { kind: 'star' } });
}

export const newRunStore = createStore<NewRunState>(() => ({
  presets: [],
  presetsError: null,
  draft: blankDraft(),
  loadedPreset: null,
  starting: null,
  startError: null,
  stoppingBlocker: false,
  startWarnings: null,
  workspacePolicy: null,
  policy: 'workspace',
  pickingTask: false,
  pickError: null,
}));

/**
 * Whether "Choose file…" can be offered beside `task.path`: the desktop app answers `files.pickTask` with its native
 * dialog; a browser page under `evolab serve` has none (the host allows files with `--allow-path` instead).
 */
export function canPickTaskFile(): boolean {
  return getBridge().capabilities?.pickFiles === true;
}

const formFields = fieldIndex(walkObject(RunConfig));

/** Field-level issues of the draft, keyed by dotted path, as the engine would report them, in plain words for the form. */
export function validateDraft(draft: Record<string, unknown>): Map<string, string> {
  const result = RunConfig.safeParse(draft);
  const issues = new Map<string, string>();
  if (!result.success)
    for (const i of fieldIssues(result.error))
      if (!issues.has(i.path)) issues.set(i.path, plainMessage(formFields.get(i.path), getAt(draft, i.path), i.message));
  return issues;
}

/**
 * The approval policy a start would use: the one chosen above the gallery, else the preset's own, else the
 * workspace's (as the engine resolves it). Null `policy` when it is the workspace's and that could not be read.
 */
export function selectStartPolicy(s: NewRunState, preset: PresetInfo | null): { name: NewRunState['policy']; policy: ApprovalPolicy | null } {
  const name = s.policy !== 'workspace' ? s.policy : (preset?.policy ?? 'workspace');
  return { name, policy: name === 'workspace' ? s.workspacePolicy : POLICY_PRESETS[name] };
}

/** Whether a config makes proposals at all (a governed or an open-ended run); other runs never consult a policy. */
export function proposesChanges(config: Record<string, unknown>): boolean {
  const on = (key: string) => (config[key] as { enabled?: unknown } | undefined)?.enabled === true;
  return on('oversight') || on('archive');
}

/** The archive node a drafted run starts from (a branch), if the draft names one. */
export function selectStartFrom(draft: Record<string, unknown>): { runId: string; nodeId: string } | null {
  const from = draft.startFrom;
  if (!from || typeof from !== 'object') return null;
  const { runId, nodeId } = from as Record<string, unknown>;
  return typeof runId === 'string' && typeof nodeId === 'string' ? { runId, nodeId } : null;
}

export const newRunActions = {
  async loadPresets(): Promise<void> {
    try {
      const presets = await getBridge().request('presets.list', {});
      newRunStore.setState({ presets, presetsError: null });
    } catch (error) {
      newRunStore.setState({ presetsError: describeError(error).message });
    }
    try {
      newRunStore.setState({ workspacePolicy: await getBridge().request('policy.get', {}) });
    } catch {
      // The cards then say "the workspace default" without spelling it out.
    }
  },
  loadPreset(id: string): void {
    const preset = newRunStore.getState().presets.find((p) => p.id === id);
    if (!preset) return;
    // A preset may name the policy its runs need (an open-ended search: 'archive'); otherwise the person's choice
    // stands. Either way the dropdown shows it and can change it.
    const policy = preset.policy ?? newRunStore.getState().policy;
    newRunStore.setState({ draft: structuredClone(preset.config) as Record<string, unknown>, loadedPreset: id, startError: null, policy });
  },
  /** Fills the form with a whole config, e.g. a branch of an archive run prepared by the Lineage view. */
  prefill(config: Record<string, unknown>): void {
    newRunStore.setState({ draft: structuredClone(config), loadedPreset: null, startError: null });
  },
  /** Drops the branch source: the run warms up from scratch again. */
  clearStartFrom(): void {
    newRunStore.setState((s) => {
      const { startFrom: _dropped, ...rest } = s.draft;
      return { draft: rest };
    });
  },
  reset(): void {
    newRunStore.setState({ draft: blankDraft(), loadedPreset: null, startError: null, pickError: null });
  },
  /**
   * Opens the host's file dialog and fills `task.path` with the file the person chose, which the host now lets runs
   * read. Cancelling changes nothing.
   */
  async pickTaskFile(): Promise<void> {
    newRunStore.setState({ pickingTask: true, pickError: null });
    try {
      const { path } = await getBridge().request('files.pickTask', {});
      newRunStore.setState({ pickingTask: false });
      if (path === null) return;
      newRunActions.setField('task.path', path);
      // A refusal of the previous path no longer applies to this one.
      newRunStore.setState((s) => ({ startError: s.startError?.issues.some((i) => i.path === 'task.path') ? null : s.startError }));
    } catch (error) {
      newRunStore.setState({ pickingTask: false, pickError: describeError(error).message });
    }
  },
  setField(path: string, value: unknown): void {
    // Leaving an empty field whose value is absent is no edit: otherwise tabbing through an optional group
    // (e.g. startFrom) would create it half-filled and make the whole form invalid.
    if ((value === undefined || value === '') && getAt(newRunStore.getState().draft, path) === undefined) return;
    newRunStore.setState((s) => ({ draft: setAt(s.draft, path, value) }));
  },
  setPolicy(policy: NewRunState['policy']): void {
    newRunStore.setState({ policy });
  },
  /** Starts a run; returns its id, or null with the refusal (where it was asked, the invalid fields, the blocking run) in the store. */
  async start(source: { preset: string } | { config: Record<string, unknown> }): Promise<string | null> {
    const at = 'preset' in source ? source.preset : 'form';
    newRunStore.setState({ starting: at, startError: null, startWarnings: null });
    try {
      const { policy } = newRunStore.getState();
      const { runId, warnings } = await getBridge().request('runs.start', policy === 'workspace' ? source : { ...source, policy });
      newRunStore.setState({ starting: null, startWarnings: warnings && warnings.length > 0 ? { runId, warnings } : null });
      return runId;
    } catch (error) {
      const { message, issues, code } = describeError(error);
      const blocking = code === 'run_busy' ? await findLiveRun() : null;
      newRunStore.setState({ starting: null, startError: { at, code, message, issues, blocking } });
      return null;
    }
  },
  /** Stops the run that blocked a start, from the refusal notice; the notice goes once it has stopped. */
  async stopBlocking(): Promise<void> {
    const blocker = newRunStore.getState().startError?.blocking;
    if (!blocker) return;
    newRunStore.setState({ stoppingBlocker: true });
    try {
      const { status } = await getBridge().request('runs.stop', { runId: blocker.id });
      newRunStore.setState((s) => ({
        stoppingBlocker: false,
        startError: s.startError?.blocking?.id === blocker.id ? { ...s.startError, blocking: { ...blocker, status } } : s.startError,
      }));
    } catch (error) {
      newRunStore.setState((s) => ({
        stoppingBlocker: false,
        startError: s.startError
          ? { ...s.startError, message: `${s.startError.message} Stopping ${blocker.id} failed: ${describeError(error).message}` }
          : null,
      }));
    }
  },
  /** A status event: the refusal notice follows the blocking run, and goes once that run no longer holds the engine. */
  onStatus(payload: { runId: string; status: RunSummary['status'] }): void {
    const { startError } = newRunStore.getState();
    if (!startError?.blocking || startError.blocking.id !== payload.runId) return;
    if (isLive(payload.status)) newRunStore.setState({ startError: { ...startError, blocking: { ...startError.blocking, status: payload.status } } });
    else newRunStore.setState({ startError: null, stoppingBlocker: false });
  },
  dismissError(): void {
    newRunStore.setState({ startError: null });
  },
};
