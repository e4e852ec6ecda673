/**
 * A person as the rater (schema 8, `rating_pairs`): the pairs a run asks a person to compare and the choices made on
 * them. A choice is final and is written in one transaction with its audit entry (the tamper-evident log the
 * decisions use), so a choice is never in the table without its entry, nor the other way. Pairs outlive a resume
 * (truncateAfter keeps them): a killed engine redoes the iteration and finds the choices already made.
 */
import type Database from 'better-sqlite3';
import { CodedError } from '../../shared/errors';
import type { PairChoice, RatingCount, RatingIteration, RatingPair, RatingStatus } from '../../shared/ratings';
import type { AuditLog } from './audit-log';
import { pairHash } from './audit-chain';

interface RatingRow {
  id: string;
  run_id: string;
  iteration: number;
  idx: number;
  prompt: string;
  output_a: string;
  output_b: string;
  status: RatingStatus;
  choice: PairChoice | null;
  chosen_by: string | null;
  chosen_at: string | null;
  created_at: string;
}

/** A pair as the run asks for it. */
export interface NewRatingPair {
  prompt: string;
  a: string;
  b: string;
}

const toPair = (r: RatingRow): RatingPair => ({
  id: r.id,
  runId: r.run_id,
  iteration: r.iteration,
  index: r.idx,
  prompt: r.prompt,
  a: r.output_a,
  b: r.output_b,
  status: r.status,
  choice: r.choice,
  chosenBy: r.chosen_by,
  chosenAt: r.chosen_at,
  createdAt: r.created_at,
});

export { pairHash } from './audit-chain';

/** The run's rated pairs as audit verification reads them (audit-verify.ts). */
export function ratingRecords(db: Database.Database, runId: string): RatingPair[] {
  return (db.prepare("SELECT * FROM rating_pairs WHERE run_id = ? AND (status = 'rated' OR choice IS NOT NULL)").all(runId) as RatingRow[]).map(toPair);
}

export class RatingStore {
  constructor(
    private readonly db: Database.Database,
    private readonly log: AuditLog,
  ) {}

  /** The iteration's pairs, in order. */
  pairs(runId: string, iteration: number): RatingPair[] {
    return (this.db.prepare('SELECT * FROM rating_pairs WHERE run_id = ? AND iteration = ? ORDER BY idx').all(runId, iteration) as RatingRow[]).map(toPair);
  }

  /** Adds pairs to an iteration after those it has (indices continue), all in one transaction. */
  add(runId: string, iteration: number, pairs: NewRatingPair[]): RatingPair[] {
    if (pairs.length === 0) return [];
    const ids = this.db
      .transaction(() => {
        const max = this.db.prepare('SELECT MAX(idx) FROM rating_pairs WHERE run_id = ? AND iteration = ?').pluck().get(runId, iteration) as number | null;
        const insert = this.db.prepare(
          "INSERT INTO rating_pairs (id, run_id, iteration, idx, prompt, output_a, output_b, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', ?)",
        );
        const now = new Date().toISOString();
        return pairs.map((p, k) => {
          const idx = (max ?? -1) + 1 + k;
          const id = `${runId}-i${iteration}-${idx}`;
          insert.run(id, runId, iteration, idx, p.prompt, p.a, p.b, now);
          return id;
        });
      })
      .immediate();
    return ids.map((id) => this.require(id));
  }

  require(id: string): RatingPair {
    const row = this.db.prepare('SELECT * FROM rating_pairs WHERE id = ?').get(id) as RatingRow | undefined;
    if (!row)
      throw new CodedError('invalid_request', `No pair ${id} to rate: it may belong to a deleted run. Reload the Rate page for the pairs waiting now.`, [
        { path: 'id', message: 'a pair the Rate page lists' },
      ]);
    return toPair(row);
  }

  /**
   * A choice on a waiting pair, with its audit entry, in one IMMEDIATE transaction: two people choosing at once get
   * one choice stored and one clear refusal. Refused for a pair that is rated (final) or expired.
   */
  choose(id: string, choice: PairChoice, actor: string, detail: Record<string, unknown> = {}): RatingPair {
    this.log.write(() => {
      const p = this.require(id);
      if (p.status === 'rated')
        throw new CodedError('already_decided', `Pair ${id} was already rated ${p.choice} by ${p.chosenBy} at ${p.chosenAt}; a choice is final.`);
      if (p.status === 'expired')
        throw new CodedError(
          'already_decided',
          `Pair ${id} expired: iteration ${p.iteration} of run ${p.runId} reached its quorum of choices and trained without it.`,
        );
      const at = new Date().toISOString();
      this.db
        .prepare("UPDATE rating_pairs SET status = 'rated', choice = ?, chosen_by = ?, chosen_at = ? WHERE id = ? AND status = 'waiting'")
        .run(choice, actor, at, id);
      this.log.appendInTransaction({
        runId: p.runId,
        actor,
        action: 'rated',
        detail: { pair: id, iteration: p.iteration, index: p.index, choice, pairHash: pairHash(p), ...detail },
      });
    });
    return this.require(id);
  }

  /** The run's quorum was reached: the pairs still waiting will not be trained on. */
  expire(runId: string, iteration: number): number {
    return this.db.prepare("UPDATE rating_pairs SET status = 'expired' WHERE run_id = ? AND iteration = ? AND status = 'waiting'").run(runId, iteration)
      .changes;
  }

  /** Pairs a resumed iteration no longer asks for (it sampled others): they expire unrated. */
  expireIds(ids: string[]): void {
    const expire = this.db.prepare("UPDATE rating_pairs SET status = 'expired' WHERE id = ? AND status = 'waiting'");
    this.db.transaction(() => ids.forEach((id) => expire.run(id)))();
  }

  /** Pairs waiting for a person (one run's, or every run's), oldest first. */
  waiting(runId?: string, limit = 200): RatingPair[] {
    const rows = runId
      ? this.db.prepare("SELECT * FROM rating_pairs WHERE status = 'waiting' AND run_id = ? ORDER BY created_at, iteration, idx LIMIT ?").all(runId, limit)
      : this.db.prepare("SELECT * FROM rating_pairs WHERE status = 'waiting' ORDER BY created_at, run_id, iteration, idx LIMIT ?").all(limit);
    return (rows as RatingRow[]).map(toPair);
  }

  counts(): RatingCount[] {
    return this.db
      .prepare("SELECT run_id AS runId, COUNT(*) AS waiting FROM rating_pairs WHERE status = 'waiting' GROUP BY run_id ORDER BY MIN(created_at)")
      .all() as RatingCount[];
  }

  waitingCount(runId: string): number {
    return this.db.prepare("SELECT COUNT(*) FROM rating_pairs WHERE status = 'waiting' AND run_id = ?").pluck().get(runId) as number;
  }

  /** The choice a person made on the same pair (iteration, prompt, both outputs) in `runId`, for a replay. */
  storedChoice(runId: string, iteration: number, p: NewRatingPair): RatingPair | null {
    const row = this.db
      .prepare(
        "SELECT * FROM rating_pairs WHERE run_id = ? AND iteration = ? AND prompt = ? AND output_a = ? AND output_b = ? AND status = 'rated' ORDER BY idx LIMIT 1",
      )
      .get(runId, iteration, p.prompt, p.a, p.b) as RatingRow | undefined;
    return row ? toPair(row) : null;
  }

  /**
   * What the run did with each iteration's choices: counts from the pairs, and for committed iterations the pairs
   * trained on and the loss (its metrics) and the mean implicit rewards of the chosen and rejected sides (its
   * trajectories' pair records).
   */
  summary(runId: string): RatingIteration[] {
    const counts = this.db
      .prepare(
        `SELECT iteration, COUNT(*) AS asked,
                SUM(choice = 'a') AS a, SUM(choice = 'b') AS b, SUM(choice = 'skip') AS skipped, SUM(status = 'expired') AS expired
         FROM rating_pairs WHERE run_id = ? GROUP BY iteration ORDER BY iteration`,
      )
      .all(runId) as Array<{ iteration: number; asked: number; a: number | null; b: number | null; skipped: number | null; expired: number | null }>;
    const metric = this.db.prepare('SELECT value FROM metrics WHERE run_id = ? AND iteration = ? AND name = ?').pluck();
    const reward = this.db
      .prepare("SELECT AVG(json_extract(pair, '$.implicitReward')) FROM trajectories WHERE run_id = ? AND iteration = ? AND json_extract(pair, '$.role') = ?")
      .pluck();
    return counts.map((c) => {
      const trained = metric.get(runId, c.iteration, 'dpo/pairs') as number | null | undefined;
      return {
        iteration: c.iteration,
        asked: c.asked,
        a: c.a ?? 0,
        b: c.b ?? 0,
        skipped: c.skipped ?? 0,
        expired: c.expired ?? 0,
        trainedOn: trained === undefined || trained === null ? null : Math.round(trained),
        loss: (metric.get(runId, c.iteration, 'dpo/loss') as number | null | undefined) ?? null,
        chosenReward: (reward.get(runId, c.iteration, 'chosen') as number | null) ?? null,
        rejectedReward: (reward.get(runId, c.iteration, 'rejected') as number | null) ?? null,
      };
    });
  }

  delete(runId: string): void {
    this.db.prepare('DELETE FROM rating_pairs WHERE run_id = ?').run(runId);
  }
}
