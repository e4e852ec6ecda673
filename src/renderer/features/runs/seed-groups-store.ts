import { createStore } from 'zustand/vanilla';
import type { MetricSeries, RunDetail } from '../../../shared/run';
import { SCORE_METRICS } from '../../../shared/metrics';
import { describeError, getBridge } from '../../lib/bridge';
import { commonMetrics, groupBySeed, type SeedGroup } from './seed-groups-data';

export interface SeedGroupsState {
  groups: SeedGroup[];
  /** Completed runs seen: with none, there is nothing to group and the section stays hidden. */
  completed: number;
  loaded: boolean;
  error: string | null;
  /** The group shown, its members' series (in its run order) and the metric drawn. */
  selected: string | null;
  series: MetricSeries[];
  metrics: string[];
  metric: string | null;
  smoothing: number;
}

export const seedGroupsStore = createStore<SeedGroupsState>(() => ({
  groups: [],
  completed: 0,
  loaded: false,
  error: null,
  selected: null,
  series: [],
  metrics: [],
  metric: null,
  smoothing: 0,
}));

export const seedGroupsActions = {
  /** Reads every completed run's config and groups them; shows the largest group. */
  async load(): Promise<void> {
    try {
      const bridge = getBridge();
      const runs = (await bridge.request('runs.list', {})).filter((r) => r.status === 'completed');
      const details: RunDetail[] = await Promise.all(runs.map((r) => bridge.request('runs.get', { runId: r.id })));
      const groups = groupBySeed(details);
      seedGroupsStore.setState({ groups, completed: runs.length, loaded: true, error: null });
      const current = seedGroupsStore.getState().selected;
      const keep = groups.find((g) => g.key === current) ?? groups[0];
      if (keep) await seedGroupsActions.select(keep.key);
    } catch (error) {
      seedGroupsStore.setState({ loaded: true, error: describeError(error).message });
    }
  },
  async select(key: string): Promise<void> {
    const group = seedGroupsStore.getState().groups.find((g) => g.key === key);
    if (!group) return;
    seedGroupsStore.setState({ selected: key });
    try {
      const series = await Promise.all(group.runs.map((r) => getBridge().request('runs.metrics', { runId: r.id })));
      if (seedGroupsStore.getState().selected !== key) return;
      const metrics = commonMetrics(series);
      const previous = seedGroupsStore.getState().metric;
      const metric = metrics.find((m) => m === previous) ?? metrics.find((m) => (SCORE_METRICS as readonly string[]).includes(m)) ?? metrics[0] ?? null;
      seedGroupsStore.setState({ series, metrics, metric, error: null });
    } catch (error) {
      seedGroupsStore.setState({ error: describeError(error).message });
    }
  },
  setMetric(metric: string): void {
    seedGroupsStore.setState({ metric });
  },
  setSmoothing(smoothing: number): void {
    seedGroupsStore.setState({ smoothing });
  },
};
