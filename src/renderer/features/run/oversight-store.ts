import { createStore } from 'zustand/vanilla';
import type { RequestOutput } from '../../../shared/contract';
import type { Genome } from '../../../shared/genome';
import { describeError, getBridge } from '../../lib/bridge';

export type OversightSnapshot = RequestOutput<'oversight.state'>;

export interface OversightState {
  runId: string | null;
  state: OversightSnapshot | null;
  error: string | null;
}

export const oversightStore = createStore<OversightState>(() => ({ runId: null, state: null, error: null }));

/** The genome in a few lines: the workflow's scalar settings, how much memory, which tools. */
export function summarizeGenome(genome: Genome): {
  workflow: Array<[string, string]>;
  memoryEntries: number;
  replayShare: number;
  tools: string[];
  /** A class-stream learner's genome: its rate and memory of examples are the recipe's knobs; no text memory or tools. */
  learnerKnobs: boolean;
} {
  const learnerKnobs = 'learningRate' in genome.workflow.recipe;
  const workflow: Array<[string, string]> = learnerKnobs ? [] : [['learningRate', String(genome.workflow.learningRate)]];
  for (const [key, value] of Object.entries(genome.workflow.recipe)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) workflow.push([`recipe.${key}`, String(value)]);
  }
  const tools = genome.tools.map((t) => {
    const { kind, ...params } = t;
    const text = Object.entries(params)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ');
    return text ? `${kind} (${text})` : kind;
  });
  return { workflow, memoryEntries: genome.memory.entries.length, replayShare: genome.memory.replayShare, tools, learnerKnobs };
}

let seq = 0;

export const oversightActions = {
  async open(runId: string): Promise<void> {
    const mine = ++seq;
    if (oversightStore.getState().runId !== runId) oversightStore.setState({ runId, state: null, error: null });
    try {
      const state = await getBridge().request('oversight.state', { runId });
      if (mine === seq) oversightStore.setState({ state, error: null });
    } catch (error) {
      if (mine === seq) oversightStore.setState({ error: describeError(error).message });
    }
  },
  /** Proposals and status changes of the open run change its pending count, genome and estimates. */
  onRunEvent(p: { runId: string }): void {
    const { runId } = oversightStore.getState();
    if (runId && p.runId === runId) void oversightActions.open(runId);
  },
};
