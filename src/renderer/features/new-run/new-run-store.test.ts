import { beforeEach, describe, expect, it } from 'vitest';
import { CodedError } from '../../../shared/errors';
import { presets } from '../../../shared/presets';
import { setBridge } from '../../lib/bridge';
import { FakeBridge } from '../../lib/fake-bridge';
import { POLICY_PRESETS } from '../../../shared/oversight';
import type { RunSummary } from '../../../shared/run';
import { blankDraft, canPickTaskFile, newRunActions, newRunStore, proposesChanges, selectStartPolicy, validateDraft } from './new-run-store';

const summary = (id: string, status: RunSummary['status'], updatedAt: string): RunSummary => ({
  id,
  name: null,
  preset: 'addition-star',
  recipe: 'star',
  status,
  seed: 1,
  backend: 'wasm',
  iterationsDone: 0,
  iterationsTotal: 8,
  bestScore: null,
  createdAt: updatedAt,
  updatedAt,
  error: null,
  archive: null,
});

let bridge: FakeBridge;
beforeEach(() => {
  bridge = new FakeBridge().on('presets.list', () => presets).on('runs.start', () => ({ runId: 'r42' }));
  setBridge(bridge);
  newRunActions.reset();
  newRunActions.setPolicy('workspace');
});

describe('new-run store', () => {
  it('starts from a draft that is already valid', () => {
    expect(validateDraft(blankDraft()).size).toBe(0);
  });

  it('names the invalid field and what is allowed', () => {
    newRunActions.setField('recipe.samplesPerPrompt', 0);
    newRunActions.setField('policy.nHeads', 3);
    const issues = validateDraft(newRunStore.getState().draft);
    expect(issues.get('recipe.samplesPerPrompt')).toBe('must be at least 1');
    expect(issues.get('policy.nHeads')).toBe('nHeads must divide dModel');
  });

  it('does not create an optional group when an empty field of it is left', () => {
    newRunActions.setField('startFrom.runId', '');
    expect(newRunStore.getState().draft.startFrom).toBeUndefined();
    expect(validateDraft(newRunStore.getState().draft).size).toBe(0);
    newRunActions.setField('startFrom.runId', 'r1');
    expect(validateDraft(newRunStore.getState().draft).get('startFrom.nodeId')).toBeDefined();
  });

  it('loads a preset into the form', async () => {
    await newRunActions.loadPresets();
    newRunActions.loadPreset('addition-grpo-smoke');
    const s = newRunStore.getState();
    expect(s.loadedPreset).toBe('addition-grpo-smoke');
    const preset = presets.find((p) => p.id === 'addition-grpo-smoke');
    expect(s.draft).toEqual(preset?.config);
    expect(s.draft).toMatchObject({ recipe: { kind: 'grpo' } });
  });

  it("takes the policy an archive preset names, and keeps the person's choice for a preset that names none", async () => {
    await newRunActions.loadPresets();
    newRunActions.setPolicy('ask');
    newRunActions.loadPreset('addition-oversight-smoke');
    expect(newRunStore.getState().policy).toBe('ask');
    newRunActions.loadPreset('addition-archive-smoke');
    expect(newRunStore.getState().policy).toBe('archive');
  });

  it('starts a run and returns its id', async () => {
    expect(await newRunActions.start({ preset: 'addition-star-smoke' })).toBe('r42');
    expect(bridge.calls.at(-1)).toEqual({ name: 'runs.start', input: { preset: 'addition-star-smoke' } });
  });

  it('sends the chosen approval policy, and none for the workspace default', async () => {
    newRunActions.setPolicy('ask');
    await newRunActions.start({ preset: 'addition-star-smoke' });
    expect(bridge.calls.at(-1)?.input).toEqual({ preset: 'addition-star-smoke', policy: 'ask' });
    newRunActions.setPolicy('workspace');
    await newRunActions.start({ preset: 'addition-star-smoke' });
    expect(bridge.calls.at(-1)?.input).toEqual({ preset: 'addition-star-smoke' });
  });

  it("keeps the engine's field issues when a start is refused", async () => {
    bridge.on('runs.start', () => {
      throw new CodedError('invalid_config', 'Run config is invalid', [{ path: 'task.path', message: 'file not found; check the path' }]);
    });
    expect(await newRunActions.start({ config: blankDraft() })).toBeNull();
    expect(newRunStore.getState().startError?.issues).toEqual([{ path: 'task.path', message: 'file not found; check the path' }]);
  });
});

describe('new-run store: a refused start', () => {
  beforeEach(() => {
    bridge
      .on('runs.start', () => {
        throw new CodedError('run_busy', 'Run r7 is running; one run at a time. Stop it or wait for it to finish.');
      })
      .on('runs.list', () => [summary('r1', 'completed', '2026-01-01T00:00:00Z'), summary('r7', 'running', '2026-01-02T00:00:00Z')])
      .on('runs.stop', () => ({ status: 'stopping' }));
  });

  it('is kept at the card that was clicked and names the run holding the engine', async () => {
    expect(await newRunActions.start({ preset: 'addition-grpo-smoke' })).toBeNull();
    const refusal = newRunStore.getState().startError;
    expect(refusal).toMatchObject({ at: 'addition-grpo-smoke', code: 'run_busy', blocking: { id: 'r7', status: 'running' } });
  });

  it('stops the blocking run from the notice, and goes once that run has stopped', async () => {
    await newRunActions.start({ config: blankDraft() });
    expect(newRunStore.getState().startError?.at).toBe('form');
    await newRunActions.stopBlocking();
    expect(bridge.calls.at(-1)).toEqual({ name: 'runs.stop', input: { runId: 'r7' } });
    expect(newRunStore.getState().startError?.blocking?.status).toBe('stopping');
    newRunActions.onStatus({ runId: 'r1', status: 'stopped' });
    expect(newRunStore.getState().startError).not.toBeNull();
    newRunActions.onStatus({ runId: 'r7', status: 'stopped' });
    expect(newRunStore.getState().startError).toBeNull();
  });
});

describe('new-run store: the approval policy a start uses', () => {
  it("is the chosen one, else the preset's, else the workspace's", async () => {
    bridge.on('policy.get', () => POLICY_PRESETS.ask);
    await newRunActions.loadPresets();
    const s = () => newRunStore.getState();
    const archive = presets.find((p) => p.id === 'addition-archive-smoke')!;
    const plain = presets.find((p) => p.id === 'addition-star-smoke')!;
    expect(selectStartPolicy(s(), archive)).toEqual({ name: 'archive', policy: POLICY_PRESETS.archive });
    expect(selectStartPolicy(s(), plain)).toEqual({ name: 'workspace', policy: POLICY_PRESETS.ask });
    newRunActions.setPolicy('auto');
    expect(selectStartPolicy(s(), archive)).toEqual({ name: 'auto', policy: POLICY_PRESETS.auto });
    expect(proposesChanges(archive.config)).toBe(true);
    expect(proposesChanges(plain.config)).toBe(false);
  });

  it('calls an emptied number field an error in plain words, not a silent default', () => {
    newRunActions.setField('iterations', '');
    expect(validateDraft(newRunStore.getState().draft).get('iterations')).toBe('required: enter a whole number');
    newRunActions.setField('iterations', 'ten');
    expect(validateDraft(newRunStore.getState().draft).get('iterations')).toBe('enter a whole number; "ten" is not one');
  });
});

describe('new-run store: choosing a task file', () => {
  const jsonlDraft = () => ({ ...blankDraft(), task: { kind: 'jsonl', path: 'typed.jsonl' } });

  it('offers the dialog only where the bridge says it has one: the app, not a browser page', () => {
    expect(canPickTaskFile()).toBe(false);
    setBridge(new FakeBridge({ pickFiles: true }));
    expect(canPickTaskFile()).toBe(true);
  });

  it('fills task.path with the file picked, and drops the refusal of the path it replaces', async () => {
    bridge.on('files.pickTask', () => ({ path: '/home/ana/data/problems.jsonl' }));
    newRunActions.prefill(jsonlDraft());
    bridge.on('runs.start', () => {
      throw new CodedError('path_not_allowed', 'task.path: typed.jsonl is outside the workspace', [{ path: 'task.path', message: 'outside the workspace' }]);
    });
    await newRunActions.start({ config: newRunStore.getState().draft });
    expect(newRunStore.getState().startError).not.toBeNull();

    await newRunActions.pickTaskFile();
    expect(bridge.calls.at(-1)).toEqual({ name: 'files.pickTask', input: {} });
    const s = newRunStore.getState();
    expect(s.draft).toMatchObject({ task: { kind: 'jsonl', path: '/home/ana/data/problems.jsonl' } });
    expect(s.startError).toBeNull();
    expect(s.pickingTask).toBe(false);
  });

  it('leaves the field as it was when the person cancels', async () => {
    bridge.on('files.pickTask', () => ({ path: null }));
    newRunActions.prefill(jsonlDraft());
    await newRunActions.pickTaskFile();
    expect(newRunStore.getState().draft).toMatchObject({ task: { path: 'typed.jsonl' } });
    expect(newRunStore.getState().pickError).toBeNull();
  });

  it('shows why the host could not open a dialog, and keeps the typed path', async () => {
    bridge.on('files.pickTask', () => {
      throw new CodedError('unsupported', 'start `evolab serve --allow-path FILE`, or copy the file into the workspace.');
    });
    newRunActions.prefill(jsonlDraft());
    await newRunActions.pickTaskFile();
    expect(newRunStore.getState().pickError).toContain('--allow-path');
    expect(newRunStore.getState().draft).toMatchObject({ task: { path: 'typed.jsonl' } });
  });
});
