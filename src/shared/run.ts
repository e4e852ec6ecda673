import { z } from 'zod';
import { BackendName, RunConfig } from './config';
import { PolicyPresetName } from './oversight';

export const RunStatus = z.enum(['running', 'paused', 'waiting', 'stopping', 'stopped', 'completed', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

/** The metric a run's best score is: held-out accuracy on the hardest level. */
export const SCORE_METRIC = 'heldout/acc_hardest';

/** Metrics of one iteration, namespaced per CONVENTIONS (`reward/mean`, `heldout/acc_d4`, ...). */
export const Metrics = z.record(z.string(), z.number());
export type Metrics = z.infer<typeof Metrics>;

export const RunSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  preset: z.string().nullable(),
  recipe: z.string(),
  status: RunStatus,
  seed: z.number().int(),
  backend: z.string(),
  iterationsDone: z.number().int(),
  iterationsTotal: z.number().int(),
  bestScore: z.number().nullable().describe('Best held-out accuracy on the hardest level so far.'),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.string().nullable(),
  archive: z
    .object({ strategy: z.string(), comparison: z.string().nullable() })
    .nullable()
    .describe('An open-ended (archive) run: its search strategy and comparison id, if `evolab compare` started it.'),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunDetail = RunSummary.extend({
  config: RunConfig,
  lastMetrics: Metrics.nullable(),
  lastCheckpointIteration: z.number().int().nullable(),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** Columnar metric series: series[name][i] belongs to iterations[i] (NaN where absent). */
export const MetricSeries = z.object({
  iterations: z.array(z.number().int()),
  series: z.record(z.string(), z.array(z.number().nullable())),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

export const Trajectory = z.object({
  id: z.number().int(),
  runId: z.string(),
  iteration: z.number().int(),
  level: z.number().int().nullable(),
  prompt: z.string(),
  output: z.string(),
  answer: z.string().nullable().describe('The reference answer, where the task has one.'),
  reward: z.number(),
  correct: z.boolean(),
  kept: z.boolean().describe('Whether the recipe kept it for training.'),
  verdict: z.string().describe('The verifier\'s and the recipe\'s verdicts in words.'),
});
export type Trajectory = z.infer<typeof Trajectory>;

export const TrajectoryFilter = z.enum(['all', 'kept', 'rejected', 'correct', 'incorrect']);
export type TrajectoryFilter = z.infer<typeof TrajectoryFilter>;

export const BackendReport = z.object({
  active: BackendName.exclude(['auto']),
  requested: BackendName,
  skipped: z.array(z.object({ name: BackendName.exclude(['auto']), reason: z.string() })),
  details: z.string().describe('e.g. the GPU device, or WASM SIMD/threads.'),
});
export type BackendReport = z.infer<typeof BackendReport>;

export const PresetInfo = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  recipe: z.string(),
  smoke: z.boolean(),
  config: RunConfig,
  policy: PolicyPresetName.nullable().describe('The approval policy a run of this preset starts with when none is given (null: the workspace default).'),
});
export type PresetInfo = z.infer<typeof PresetInfo>;
