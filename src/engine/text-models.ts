/**
 * The text agent's two models as one (session.ts): the policy and its frozen reference, which is null until the
 * warm-up ends. A snapshot forks both on the device (core/snapshot.ts); going back to a snapshot or a checkpoint
 * makes the reference match theirs, disposing it where they have none and cloning the policy's shape where this
 * session has none yet.
 */
import type { AgentSnapshot } from './core/agent';
import { disposeModelSnapshot, snapshotModel } from './core/snapshot';
import type { Policy } from './types';

/** Both models forked on the device, with the one dispose that frees both (once). */
export function snapshotModels(policy: Policy, reference: Policy | null): Pick<AgentSnapshot, 'policy' | 'reference' | 'dispose'> {
  const forked = snapshotModel(policy.trainable);
  const frozen = reference ? snapshotModel(reference.trainable) : null;
  let disposed = false;
  return {
    policy: forked,
    reference: frozen,
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeModelSnapshot(forked);
      if (frozen) disposeModelSnapshot(frozen);
    },
  };
}

/**
 * The reference after going back to a state whose reference `load` writes (null: the state has none): the
 * current one disposed, or the current one (a clone of `policy` where there is none) with `load` applied.
 */
export function matchReference(policy: Policy, reference: Policy | null, load: ((reference: Policy) => void) | null): Policy | null {
  if (load === null) {
    reference?.dispose();
    return null;
  }
  const ref = reference ?? policy.clone();
  load(ref);
  return ref;
}
