/**
 * A person as the rater (rater.kind "person"). The recipe hands over an iteration's pairs; they are stored in the
 * workspace (store/rating-store.ts) and the run waits, status "waiting", until enough of them are rated, the way a
 * governed run waits for a decision (round.ts): it polls the workspace, since a choice may come from another
 * process sharing it, and is woken at once by a choice made through this engine. A stop while it waits ends the run
 * at its last checkpoint (StopSignal), with the pairs and choices kept: a resume (or a killed engine's) redoes the
 * iteration from that checkpoint, samples the same pairs from the same random stream, and finds their choices.
 */
import type { RequestOutput } from '../../shared/contract';
import type { RatingChoiceInput, RatingPair } from '../../shared/ratings';
import type { Emit, LoopContext } from '../core/ports';
import type { Store } from '../store/store';
import type { PairToRate, PersonRater, PersonVerdict } from '../types';
import { personActor } from './actor';
import { POLL_MS, Waker } from './waker';

const same = (p: RatingPair, q: PairToRate) => p.prompt === q.prompt && p.a === q.a && p.b === q.b;

export class PersonRating implements PersonRater {
  private readonly waker = new Waker();

  constructor(private readonly o: LoopContext) {}

  /** A choice arrived through this engine: look now rather than at the next poll. */
  poke(): void {
    this.waker.poke();
  }

  async rate(iteration: number, pairs: PairToRate[]): Promise<PersonVerdict[]> {
    const { store, runId, config } = this.o;
    if (config.rater.kind !== 'person') throw new Error(`PersonRating: the run's rater is "${config.rater.kind}", not a person.`);
    if (pairs.length === 0) return [];
    const rows = this.stored(iteration, pairs);
    const from = config.rater.replayChoicesFrom;
    if (from) this.replay(from, rows);
    const need = config.rater.quorum === 0 ? rows.length : Math.min(config.rater.quorum, rows.length);
    let shown = -1;
    for (;;) {
      this.o.checkStop();
      const now = rows.map((r) => store.ratings.require(r.id));
      const made = now.filter((r) => r.status === 'rated').length;
      if (made >= need) {
        // The rest will not be trained on: they leave the Rate page, and a late choice on one is refused.
        store.ratings.expire(runId, iteration);
        if (shown >= 0) this.o.setStatus('running', `${made} of ${rows.length} pairs rated; the run continues`);
        return now.map((r) => (r.status === 'rated' ? { choice: r.choice, actor: r.chosenBy } : { choice: null, actor: null }));
      }
      if (made !== shown) {
        if (shown < 0) this.o.emit('rating.requested', { runId, iteration, waiting: store.ratings.waitingCount(runId) });
        shown = made;
        const more = need - made;
        this.o.setStatus(
          'waiting',
          `waiting for a person to rate ${more} more pair${more === 1 ? '' : 's'} of iteration ${iteration} on the Rate page (${made} of ${rows.length} rated, ${need} needed)`,
        );
      }
      await this.waker.sleep(POLL_MS);
    }
  }

  /**
   * The iteration's pairs as stored: each pair asked for before (the same prompt and outputs, found again after a
   * resume) keeps its row and its choice; stored pairs no longer asked for (sampled differently, e.g. on another
   * backend) expire; new ones are added.
   */
  private stored(iteration: number, pairs: PairToRate[]): RatingPair[] {
    const { store, runId } = this.o;
    const before = store.ratings.pairs(runId, iteration);
    const used = new Set<string>();
    const found = pairs.map((p) => {
      const row = before.find((r) => !used.has(r.id) && same(r, p));
      if (row) used.add(row.id);
      return row ?? null;
    });
    const stale = before.filter((r) => !used.has(r.id) && r.status === 'waiting').map((r) => r.id);
    if (stale.length > 0) {
      store.ratings.expireIds(stale);
      this.o.log('warn', `Iteration ${iteration} sampled other pairs than it stored before the resume; ${stale.length} unrated stored pairs expired.`);
    }
    const added = store.ratings.add(
      runId,
      iteration,
      pairs.filter((_, i) => found[i] === null),
    );
    let next = 0;
    return found.map((row) => row ?? added[next++]!);
  }

  /** Answers each waiting pair with the choice made on the same pair in run `from`, recorded as a replay. */
  private replay(from: string, rows: RatingPair[]): void {
    const { store } = this.o;
    for (const row of rows) {
      if (row.status !== 'waiting') continue;
      const source = store.ratings.storedChoice(from, row.iteration, row);
      if (source?.choice) store.ratings.choose(row.id, source.choice, `replay:${source.id}`, { replayOf: source.id, madeBy: source.chosenBy });
    }
  }
}

/**
 * `ratings.choose`: a person's choice on a waiting pair, stored with its audit entry; the run that waits for it is
 * nudged. The contract has parsed the input (RatingChoiceInput); the store refuses a pair that is not waiting.
 */
export function chooseRating(
  store: Store,
  active: { runId: string; poke(): void } | null,
  emit: Emit,
  input: RatingChoiceInput,
): RequestOutput<'ratings.choose'> {
  const actor = personActor(input.actor);
  const pair = store.ratings.choose(input.id, input.choice, actor);
  emit('rating.chosen', { runId: pair.runId, id: pair.id, choice: input.choice, waiting: store.ratings.waitingCount(pair.runId) });
  if (active?.runId === pair.runId) active.poke();
  return pair;
}
