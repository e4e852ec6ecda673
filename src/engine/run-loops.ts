/**
 * The three kinds of run as RunLoops for the runner: plain (the session's iterations), governed (every round's
 * children go through the gate: oversight/round.ts) and archive (an open-ended search: evolution/archive-loop.ts).
 */
import type { RunConfig } from '../shared/config';
import type { IterationCommitPlan, RunLoop, RunnerSession } from './core/ports';
import type { ArchiveLoop } from './evolution/archive-loop';
import type { OversightLoop } from './oversight/round';
import type { Store } from './store/store';

export function plainRun(session: RunnerSession): RunLoop {
  return {
    began: (metrics) => metrics,
    ended: () => false,
    step: (iteration) => session.iterate(iteration),
    checkpointExtra: () => ({}),
    restore: () => undefined,
    commit: () => ({}),
    settle: async () => undefined,
    completed: () => 'all iterations done',
    poke: () => undefined,
  };
}

export function governedRun(loop: OversightLoop, store: Store, runId: string): RunLoop {
  return {
    began: (metrics) => metrics,
    ended: () => false,
    step: (iteration) => loop.round(iteration),
    checkpointExtra: () => ({}),
    restore: () => undefined,
    commit(iteration): IterationCommitPlan {
      // The agent's genome is stored with the warm-up; a round's proposals are committed with the round itself, so a
      // kill keeps both or neither.
      if (iteration === 0) return { within: () => store.oversight.setGenome(runId, loop.genome) };
      const staged = loop.stage(iteration);
      return { within: staged.insert, durable: () => store.oversight.anchor(runId), announce: staged.announce };
    },
    // Decisions made while no engine ran this run (`evolab decide` after a kill) are applied on resume too.
    settle: async (lastIteration) => {
      if (lastIteration > 0) await loop.settle(lastIteration);
    },
    completed: () => 'all iterations done',
    poke: () => loop.poke(),
  };
}

export function archiveRun(archive: ArchiveLoop, store: Store, runId: string, config: RunConfig): RunLoop {
  return {
    began: (metrics) => archive.root(metrics, config.startFrom ? 'branch' : 'root'),
    // A resumed run whose last step spent the budget has nothing left.
    ended: (next) => next > 0 && archive.spent,
    step: (iteration) => archive.step(iteration),
    checkpointExtra: () => ({ archive: archive.getState() }),
    restore(state, lastIteration) {
      if (state.archive === undefined) throw new Error(`The checkpoint of iteration ${lastIteration} has no archive; it was not written by an archive run.`);
      archive.setState(state.archive);
      // The stored archive goes back to the checkpoint's too: steps after it are redone.
      store.archive.save(runId, lastIteration, JSON.stringify(archive.getState()));
    },
    commit: () => ({ archive: JSON.stringify(archive.getState()) }),
    settle: (lastIteration) => archive.settle(lastIteration),
    completed() {
      store.endedEarly(runId);
      return 'the search budget is spent';
    },
    poke: () => archive.poke(),
  };
}
