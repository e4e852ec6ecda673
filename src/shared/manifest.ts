import { z } from 'zod';
import { MetricSeries, RunStatus } from './run';

/**
 * A run manifest (`<workspace>/runs/<id>/manifest.json`): everything a rerun needs to be the same run, and the
 * hashes that say whether it can be. Written by the engine when the run's first iteration is committed, and again
 * with its results when the run ends; `evolab reproduce <manifest>` reruns it and compares metric by metric.
 */
export const MANIFEST_FORMAT = 'evolab-manifest/1';

const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');

export const RunManifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  runId: z.string().min(1),
  createdAt: z.string(),
  config: z.unknown().describe('The resolved run config (every default filled in), as the run used it.'),
  configHash: Hash.describe('sha256 of the config in canonical JSON (keys sorted).'),
  seed: z.number().int(),
  backend: z.object({
    requested: z.string(),
    active: z.string(),
    device: z.string().nullable().describe("The backend's own words about the device: the GPU, or WASM SIMD/threads."),
  }),
  workers: z
    .number()
    .int()
    .min(1)
    .describe("Worker threads that shared this run's training and decoding (its workers field as resolved on this machine; 1: the engine process alone)."),
  host: z.object({ platform: z.string(), arch: z.string(), cpus: z.number().int(), node: z.string() }),
  evolab: z.object({
    version: z.string().nullable(),
    commit: z.string().nullable().describe('The git commit of the Evolab checkout, when it runs from one.'),
    dirty: z.boolean().nullable().describe('Whether that checkout had uncommitted changes.'),
    lockfileHash: Hash.nullable().describe('sha256 of package-lock.json: the exact dependency versions.'),
  }),
  data: z.object({
    kind: z.string(),
    file: z.string().nullable(),
    hash: Hash.nullable().describe('sha256 of the task file (a JSONL task); null for tasks generated from the config.'),
  }),
  evaluator: z.object({
    hash: Hash.describe('sha256 of the fixed evaluation sets (held-out problems and answers, or evaluation starts).'),
    items: z.number().int(),
  }),
  results: z
    .object({ status: RunStatus, endedAt: z.string(), metrics: MetricSeries })
    .nullable()
    .describe('Every metric at every iteration when the run ended (null while it runs).'),
});
export type RunManifest = z.infer<typeof RunManifest>;
