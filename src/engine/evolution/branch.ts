/**
 * Branching: a new run may start from any node of an archive run's archive (config.startFrom) instead of a
 * warm-up. It takes the node's agent (weights, frozen reference, genome, curriculum level) and its own seed's
 * random stream. The node must exist and its agent must fit the new run's policy and task.
 */
import type { RunConfig, StartFrom } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { SessionState } from '../core/agent';
import { readCheckpoint } from '../store/checkpoint';
import type { Store } from '../store/store';
import { parseArchiveState } from './archive-state';

function invalid(path: string, message: string): CodedError {
  return new CodedError('invalid_config', `startFrom: ${message}`, [{ path, message }]);
}

/** Checks that `from` names an archive node whose agent fits `config`; returns its checkpoint file. */
export function branchSource(store: Store, from: StartFrom, config: RunConfig): string {
  const run = store.getRun(from.runId);
  if (!run) throw invalid('startFrom.runId', `run "${from.runId}" does not exist in this workspace; use an id from \`evolab runs\``);
  const stored = store.archive.load(from.runId);
  if (!stored) throw invalid('startFrom.runId', `run "${from.runId}" has no archive; branch from an archive run (config.archive.enabled)`);
  const state = parseArchiveState(JSON.parse(stored.state));
  const record = state.records[from.nodeId];
  if (!record) throw invalid('startFrom.nodeId', `run "${from.runId}" has no node "${from.nodeId}"; its nodes are ${Object.keys(state.records).join(', ')}`);
  const source = store.runConfig(from.runId);
  if (JSON.stringify(source.policy) !== JSON.stringify(config.policy)) {
    throw invalid('policy', `the node's agent has the policy of run "${from.runId}" (${JSON.stringify(source.policy)}); use the same policy settings`);
  }
  if (JSON.stringify(source.task) !== JSON.stringify(config.task)) {
    throw invalid('task', `the node's agent was trained on the task of run "${from.runId}"; use the same task settings`);
  }
  return store.absolute(record.checkpoint);
}

/** The agent of the node a run starts from. */
export function branchState(store: Store, from: StartFrom, config: RunConfig): SessionState {
  return readCheckpoint<SessionState>(branchSource(store, from, config)).state;
}
