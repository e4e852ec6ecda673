import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../shared/oversight';
import type { AuditKey } from './audit-key';

/** The audit log's two chains: SHA-256 over each entry and the one before it, and an HMAC over that with a key. */

export const GENESIS_HASH = '0'.repeat(64);

/** Canonical JSON (sorted keys) so a hash does not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash of an audit entry: everything it says, chained to the entry before it. */
export function auditHash(
  entry: Pick<AuditEntry, 'runId' | 'at' | 'actor' | 'action' | 'proposalId' | 'evidenceHash' | 'reason' | 'detail' | 'prevHash'>,
): string {
  return sha256(
    canonicalJson([entry.runId, entry.at, entry.actor, entry.action, entry.proposalId, entry.evidenceHash, entry.reason, entry.detail ?? null, entry.prevHash]),
  );
}

/**
 * An entry's MAC: over its hash (which covers its content and the previous hash) and the previous entry's MAC
 * (null after an unkeyed entry or at the start). Without the key nobody can make one, so recomputing the hashes
 * after an edit leaves MACs that no longer match.
 */
export function entryMac(key: AuditKey, hash: string, prevMac: string | null): string {
  return key.mac(canonicalJson(['evolab-audit-mac/1', hash, prevMac]));
}

/** The hash of a proposal's changes and evidence, as its audit entries record it. */
export function evidenceHashOf(changes: unknown, evidence: unknown): string {
  return sha256(canonicalJson({ changes, evidence }));
}

/** What the audit entry of a person's choice pins of the pair: its prompt and both outputs, by hash. */
export function pairHash(p: { prompt: string; a: string; b: string }): string {
  return sha256(canonicalJson([p.prompt, p.a, p.b]));
}
