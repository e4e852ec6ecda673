/**
 * Where a session meets the pool: the workers its config gets on the backend this process really runs on, and the
 * policy wrapped so that its training and decoding are shared with them (1 worker: the policy as it is, in process,
 * exactly today's path).
 */
import type { BackendName, RunConfig } from '../../shared/config';
import type { TransformerConfig } from '../policies/transformer';
import { backendReport } from '../tf';
import type { Policy } from '../types';
import { PooledPolicy } from './pooled-policy';
import { WorkerPool } from './worker-pool';
import { POOL_BACKENDS, runWorkers } from './workers';

/** The run's workers on the active backend; 1 before a backend is active or on one a worker thread cannot hold. */
export function runWorkersHere(config: RunConfig): number {
  const active = backendReport()?.active ?? null;
  return active !== null && POOL_BACKENDS.includes(active) ? runWorkers(config, active) : 1;
}

/** `policy` with a pool of `workers` replicas of its model (started here, closed when the policy is disposed). */
export async function withPool(policy: Policy, config: TransformerConfig, workers: number): Promise<Policy> {
  if (workers <= 1) return policy;
  const pool = await WorkerPool.start(workers, config, backendReport()!.active as BackendName);
  return new PooledPolicy(policy, pool);
}

/** `other` on `policy`'s pool when `policy` has one (PooledPolicy.alongside), else `other` as it is, in process. */
export function onPoolOf(policy: Policy, other: Policy): Policy {
  return policy instanceof PooledPolicy ? policy.alongside(other) : other;
}
