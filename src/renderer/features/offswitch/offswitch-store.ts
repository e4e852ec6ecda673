import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_GRID, type GridSpec, gridSpecIssues, type IncentiveGrid, incentiveGrid, type SpecIssue } from '../../../shared/offswitch';
import {
  type Decision,
  DEFAULT_NOISE,
  DEFAULT_PRIOR,
  deferenceTrace,
  type DeferenceStep,
  EXAMPLE_DECISIONS,
  MAX_DECISIONS,
} from '../../../shared/offswitch-belief';

/**
 * The Off-switch page's state. Both views are computed here, in the renderer, from the pure modules in src/shared
 * (the same ones `evolab offswitch` prints): the computation needs no tensors, no stored data and no engine, so the
 * page redraws as a control changes, works while the engine is busy with a run or killed, and the terminal and the
 * page cannot disagree.
 */

/** A heat map needs 1e-9, not the terminal's 1e-12: five times faster (about 45 ms for 31 x 31), and invisible. */
export const PAGE_TOLERANCE = 1e-9;

export const GRID_FIELDS = ['mu', 'sigma.from', 'sigma.to', 'sigma.steps', 'beta.from', 'beta.to', 'beta.steps'] as const;
export type GridField = (typeof GRID_FIELDS)[number];
export const LEARN_FIELDS = ['prior.mu', 'prior.sigma', 'beta'] as const;
export type LearnField = (typeof LEARN_FIELDS)[number];

export interface OffswitchState {
  /** What the person typed, field by field (kept as text so that a half-typed number is not lost). */
  gridDraft: Record<GridField, string>;
  /** What is wrong with the draft; the map keeps showing the last valid grid meanwhile. */
  gridIssues: SpecIssue[];
  grid: IncentiveGrid;
  learnDraft: Record<LearnField, string>;
  learnError: { field: LearnField; message: string } | null;
  decisions: Decision[];
  trace: DeferenceStep[];
  /** Bumped whenever `trace` changes, for the chart. */
  traceVersion: number;
  /** A learned belief placed on the map (the map is set to its mu, rounded): drawn while the map's mu is that mu. */
  marker: { mu: number; sigma: number; beta: number; step: number } | null;
}

function gridDraftOf(spec: GridSpec): Record<GridField, string> {
  return {
    mu: String(spec.mu),
    'sigma.from': String(spec.sigma.from),
    'sigma.to': String(spec.sigma.to),
    'sigma.steps': String(spec.sigma.steps),
    'beta.from': String(spec.beta.from),
    'beta.to': String(spec.beta.to),
    'beta.steps': String(spec.beta.steps),
  };
}

/** An empty or unparsable field is NaN, which the spec's check names. */
const num = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

export function specOf(draft: Record<GridField, string>): GridSpec {
  return {
    mu: num(draft.mu),
    sigma: { from: num(draft['sigma.from']), to: num(draft['sigma.to']), steps: num(draft['sigma.steps']) },
    beta: { from: num(draft['beta.from']), to: num(draft['beta.to']), steps: num(draft['beta.steps']) },
  };
}

const LEARN_DEFAULTS: Record<LearnField, string> = {
  'prior.mu': String(DEFAULT_PRIOR.mu),
  'prior.sigma': String(DEFAULT_PRIOR.sigma),
  beta: String(DEFAULT_NOISE),
};

/** The learned view's parameters, or the first field that is wrong and what it allows. */
export function learnParams(
  draft: Record<LearnField, string>,
): { prior: { mu: number; sigma: number }; beta: number } | { field: LearnField; message: string } {
  const mu = num(draft['prior.mu']);
  const sigma = num(draft['prior.sigma']);
  const beta = num(draft.beta);
  if (!Number.isFinite(mu) || Math.abs(mu) > 100) return { field: 'prior.mu', message: 'prior mean: a number between -100 and 100' };
  if (!(sigma > 0) || sigma > 100) return { field: 'prior.sigma', message: 'prior sd: a number above 0 and at most 100 (a certain robot learns nothing)' };
  if (!(beta > 0) || beta > 100)
    return { field: 'beta', message: "the human's noise: a number above 0 and at most 100 (a rational human's decisions, 0, would be certain)" };
  return { prior: { mu, sigma }, beta };
}

/** The trace for these settings; `known` is reused where it still applies (same settings, same first decisions). */
function traced(
  draft: Record<LearnField, string>,
  decisions: Decision[],
  version: number,
  known: DeferenceStep[] = [],
): Pick<OffswitchState, 'learnError' | 'trace' | 'traceVersion'> | Pick<OffswitchState, 'learnError'> {
  const params = learnParams(draft);
  if ('field' in params) return { learnError: params };
  try {
    return { learnError: null, trace: deferenceTrace(params.prior, params.beta, decisions, known), traceVersion: version + 1 };
  } catch (error) {
    return { learnError: { field: 'prior.mu', message: error instanceof Error ? error.message : String(error) } };
  }
}

function initialState(): OffswitchState {
  const draft = { ...LEARN_DEFAULTS };
  const decisions = [...EXAMPLE_DECISIONS];
  return {
    gridDraft: gridDraftOf(DEFAULT_GRID),
    gridIssues: [],
    grid: incentiveGrid(DEFAULT_GRID, PAGE_TOLERANCE),
    learnDraft: draft,
    learnError: null,
    decisions,
    trace: deferenceTrace(DEFAULT_PRIOR, DEFAULT_NOISE, decisions),
    traceVersion: 1,
    marker: null,
  };
}

/** Created on first use: the first heat map is computed when the page opens, not when the app loads. */
let store: StoreApi<OffswitchState> | null = null;
export function offswitchStore(): StoreApi<OffswitchState> {
  store ??= createStore<OffswitchState>(initialState);
  return store;
}

function setDecisions(decisions: Decision[]): void {
  const s = offswitchStore().getState();
  // The settings did not change, so the steps of the decisions kept in front are still right (none, after an error).
  offswitchStore().setState({ decisions, ...traced(s.learnDraft, decisions, s.traceVersion, s.learnError ? [] : s.trace) });
}

export const offswitchActions = {
  setGridField(field: GridField, text: string): void {
    const s = offswitchStore().getState();
    const gridDraft = { ...s.gridDraft, [field]: text };
    const spec = specOf(gridDraft);
    const gridIssues = gridSpecIssues(spec);
    offswitchStore().setState(gridIssues.length > 0 ? { gridDraft, gridIssues } : { gridDraft, gridIssues, grid: incentiveGrid(spec, PAGE_TOLERANCE) });
  },
  resetGrid(): void {
    offswitchStore().setState({ gridDraft: gridDraftOf(DEFAULT_GRID), gridIssues: [], grid: incentiveGrid(DEFAULT_GRID, PAGE_TOLERANCE) });
  },
  setLearnField(field: LearnField, text: string): void {
    const s = offswitchStore().getState();
    const learnDraft = { ...s.learnDraft, [field]: text };
    offswitchStore().setState({ learnDraft, ...traced(learnDraft, s.decisions, s.traceVersion) });
  },
  decide(decision: Decision): void {
    const { decisions } = offswitchStore().getState();
    if (decisions.length < MAX_DECISIONS) setDecisions([...decisions, decision]);
  },
  /** Removes the decision at `index` (the person edits the script). */
  remove(index: number): void {
    setDecisions(
      offswitchStore()
        .getState()
        .decisions.filter((_, i) => i !== index),
    );
  },
  undo(): void {
    setDecisions(offswitchStore().getState().decisions.slice(0, -1));
  },
  clear(): void {
    setDecisions([]);
  },
  example(): void {
    setDecisions([...EXAMPLE_DECISIONS]);
  },
  /**
   * Puts the robot's latest belief on the map: the map's mu becomes the belief's (to 3 decimals), and a marker sits at
   * its sigma and the human's noise, so the person sees which side of the line the learner is on.
   */
  showOnMap(): void {
    const s = offswitchStore().getState();
    const latest = s.trace.at(-1);
    const params = learnParams(s.learnDraft);
    if (!latest || 'field' in params) return;
    const mu = Math.round(latest.belief.mu * 1000) / 1000;
    offswitchActions.setGridField('mu', String(mu));
    offswitchStore().setState({ marker: { mu, sigma: latest.belief.sigma, beta: params.beta, step: latest.step } });
  },
  /** Back to the page as it first opens (tests). */
  reset(): void {
    offswitchStore().setState(initialState(), true);
  },
};

/** The marker, while the map shows its mu. */
export const selectMarker = (s: OffswitchState) => (s.marker && s.marker.mu === s.grid.mu ? s.marker : null);
export const selectGridIssue = (field: GridField) => (s: OffswitchState) => s.gridIssues.find((i) => i.path === field)?.message ?? null;
export const selectLatest = (s: OffswitchState): DeferenceStep | null => s.trace.at(-1) ?? null;
/** The steps after which R's choice changed: where it kept or gave up its deference (a new array: not a selector). */
export function switchesOf(trace: readonly DeferenceStep[]): number[] {
  return trace.filter((step, i) => i > 0 && step.choice !== trace[i - 1].choice).map((step) => step.step);
}
