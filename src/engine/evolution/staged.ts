/**
 * Staged evaluation (DGM): a new child is first scored on a small, cheap set of tasks and goes on to the full
 * held-out set only if that cheap score passes. The DGM code uses an absolute floor (a child continues when it
 * solves at least 40% of the small set, `test_more_threshold = 0.4`). Tiny Evolab agents may sit below any fixed
 * floor for a long time, so a child also passes when it keeps at least `parentFraction` of its parent's cheap score:
 * full = cheap >= floor  OR  (parent known AND cheap >= parentFraction * parentCheap).
 * A cheap score of 0 never passes through the relative rule, so a child that solved nothing never goes on.
 *
 * Failing the check decides only how much evaluation a child gets, not whether it is kept: as in the DGM code, the
 * child stays in the archive with its small-set score (a low-weight candidate parent that counts as a child of its
 * parent; archive-tree.ts selectionScore). It is still a proposal, so the gate and the run's policy decide whether it
 * joins, on the evidence of the small set; the record says which set its score comes from (stagedNote, keptReason).
 */
import { z } from 'zod';
import { CodedError, parseOrThrow } from '../../shared/errors';

export interface StagedOptions {
  /** Absolute floor on the cheap score. Default 0.4 (the DGM code's). */
  floor: number;
  /** Relative rule: pass when cheap >= parentFraction * parent's cheap score. Default 0.9; null disables it. */
  parentFraction: number | null;
}

export const stagedOptionsSchema = z.strictObject({
  floor: z.number().min(0).max(1).default(0.4),
  parentFraction: z.number().min(0).max(1).nullable().default(0.9),
});

export function parseStagedOptions(options: unknown): StagedOptions {
  return parseOrThrow(stagedOptionsSchema, options ?? {}, 'invalid_config', 'staged evaluation options');
}

/** 'full': evaluate on the rest of the search set; 'discard': stop at the small set (the child keeps that score). */
export type StagedDecision = 'full' | 'discard';

function checkScore(name: string, x: number): void {
  if (!(Number.isFinite(x) && x >= 0 && x <= 1)) {
    throw new CodedError('invalid_request', `${name} must be a score in [0, 1], got ${String(x)}`, [{ path: name, message: 'must be in [0, 1]' }]);
  }
}

/** Whether a child with `cheapScore` on the small set goes on to the full held-out set. */
export function stagedDecision(cheapScore: number, parentCheapScore: number | null, opts: Partial<StagedOptions> = {}): StagedDecision {
  const o = parseStagedOptions(opts);
  checkScore('cheapScore', cheapScore);
  if (parentCheapScore !== null) checkScore('parentCheapScore', parentCheapScore);
  if (cheapScore >= o.floor) return 'full';
  if (o.parentFraction !== null && parentCheapScore !== null && cheapScore > 0 && cheapScore >= o.parentFraction * parentCheapScore) {
    return 'full';
  }
  return 'discard';
}

/** What a proposal's rationale adds for a child that failed the staged check. */
export function stagedNote(cheapScore: number, tasks: number): string {
  return `failed the staged check (${cheapScore.toFixed(2)} on the ${tasks} cheap tasks), so it was evaluated on those tasks only; if admitted it joins the archive with that small-set score`;
}

/** The settlement of an admitted child: where it joined, and for a staged-failed child, with which score. */
export function keptReason(id: string, smallSetScore: number | null): string {
  return smallSetScore === null
    ? `kept in the archive as ${id}`
    : `failed the staged check; kept in the archive as ${id} with its small-set score ${smallSetScore.toFixed(2)}`;
}
