/**
 * A request from one screen to open New run with a config filled in (the Lineage view's "Branch a new run from this
 * node"): features do not import each other, so the asking screen leaves the config here and the New-run store
 * takes it when its screen opens.
 */
let pending: Record<string, unknown> | null = null;

/** Leaves `config` for the New-run screen and opens it. */
export function openNewRunWith(config: Record<string, unknown>): void {
  pending = structuredClone(config);
  location.hash = '#/new';
}

/** The config left for the New-run screen, once (null when none). */
export function takeNewRunIntent(): Record<string, unknown> | null {
  const config = pending;
  pending = null;
  return config;
}
