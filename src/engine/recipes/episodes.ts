/**
 * What the one-seat episodic learners (A2C, tabular Q-learning) report of the episodes an iteration played: the
 * mean return of seat 0, the share that succeeded, the mean length; and each episode as a trajectory with its
 * structured view (the Trajectories grid replay).
 */
import { EPISODE_LENGTH, EPISODE_SUCCESS_RATE, REWARD_MEAN } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import type { EpisodeRecord } from '../environments/episodic';
import type { TrajectoryRecord } from '../types';

export function episodeMetrics(records: readonly EpisodeRecord[]): Metrics {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    [REWARD_MEAN]: mean(records.map((r) => r.returns[0]!)),
    [EPISODE_SUCCESS_RATE]: mean(records.map((r) => (r.success ? 1 : 0))),
    [EPISODE_LENGTH]: mean(records.map((r) => r.steps)),
  };
}

export function episodeTrajectories(records: readonly EpisodeRecord[]): TrajectoryRecord[] {
  return records.map((r) => ({
    level: null,
    prompt: r.start,
    output: r.moves,
    answer: null,
    reward: r.returns[0]!,
    correct: r.success,
    kept: true,
    verdict: `${r.verdict}; return ${r.returns[0]!.toFixed(2)}`,
    episode: r.view,
  }));
}
