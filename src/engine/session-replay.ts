/**
 * The replay checks the text session's tests share (session.test.ts, pool/session-pool.test.ts): a run's metrics
 * without the wall-clock ones, a run straight through, and a resume from the state after iteration 1.
 */
import type { RunConfig } from '../shared/config';
import type { Metrics } from '../shared/run';
import { Session } from './session';

/** A metrics row without the wall-clock, throughput and memory metrics, which no replay repeats. */
export const replayable = (m: Metrics): Metrics => Object.fromEntries(Object.entries(m).filter(([k]) => !/^(time|perf|mem)\//.test(k)));

/** The warm-up's and each iteration's replayable metrics of `config`, run straight through; `check` sees the session. */
export async function runSession(config: RunConfig, check: (session: Session) => void = () => undefined): Promise<Metrics[]> {
  const session = await Session.create(config);
  try {
    check(session);
    const out = [replayable(await session.warmup())];
    for (let i = 1; i <= config.iterations; i++) out.push(replayable((await session.iterate(i)).metrics));
    return out;
  } finally {
    session.dispose();
  }
}

/** `config` run straight through, and its iteration 2 in a fresh session from the state after iteration 1. */
export async function straightAndResumed(config: RunConfig): Promise<{ straight: Metrics[]; resumed: Metrics }> {
  const straight = await runSession(config);
  const first = await Session.create(config);
  await first.warmup();
  await first.iterate(1);
  const state = first.getState();
  first.dispose();
  const second = await Session.create(config);
  try {
    second.setState(state);
    return { straight, resumed: replayable((await second.iterate(2)).metrics) };
  } finally {
    second.dispose();
  }
}
