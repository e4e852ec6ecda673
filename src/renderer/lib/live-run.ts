import { isLive, type RunSummary } from '../../shared/run';
import { getBridge } from './bridge';

/** The run an engine refusal (`run_busy`) names: the one live run, as a notice shows it. */
export type BlockingRun = Pick<RunSummary, 'id' | 'name' | 'status' | 'preset'>;

/** The run that holds the engine now, if the list says which; null when it cannot be read. */
export async function findLiveRun(): Promise<BlockingRun | null> {
  try {
    const runs = await getBridge().request('runs.list', {});
    const live = runs.filter((r) => isLive(r.status)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    return live ? { id: live.id, name: live.name, status: live.status, preset: live.preset } : null;
  } catch {
    return null;
  }
}
