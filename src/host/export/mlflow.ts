/**
 * A run in MLflow's file-store layout, so `mlflow ui --backend-store-uri <dir>` (or `mlflow ui` run beside an
 * `mlruns` folder) lists it with its metric curves, parameters and tags:
 *
 *   <root>/<experiment id>/meta.yaml                      the experiment (name, artifact location, lifecycle stage)
 *   <root>/<experiment id>/<run id>/meta.yaml             the run (status, start and end time, name)
 *   <root>/<experiment id>/<run id>/metrics/<key>         one line per step: "<timestamp ms> <value> <step>"
 *   <root>/<experiment id>/<run id>/params/<key>          the value, as text
 *   <root>/<experiment id>/<run id>/tags/<key>            the value, as text
 *   <root>/<experiment id>/<run id>/artifacts/            the Evolab JSON export of the run
 *
 * (mlflow/store/tracking/file_store.py). MLflow wants a run id of 32 hex digits and keys of letters, digits and
 * `_ - . / space`; the run id is derived from Evolab's, so exporting a run again replaces its earlier export, and
 * a key with other characters has them replaced by `_`. A key with slashes (`reward/mean`) is a nested file, as
 * MLflow itself writes it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunDetail, RunStatus } from '../../shared/run';
import type { Store } from '../../engine/store/store';

/** MLflow's RunStatus enum: RUNNING 1, SCHEDULED 2, FINISHED 3, FAILED 4, KILLED 5. */
function mlflowStatus(status: RunStatus): number {
  if (status === 'completed') return 3;
  if (status === 'failed') return 4;
  if (status === 'stopped' || status === 'interrupted') return 5;
  return 1;
}

/** The run's name with its id: many runs of one preset share a name, and MLflow's list shows the name alone. */
function runName(detail: RunDetail): string {
  return detail.name ? `${detail.name} [${detail.id}]` : detail.id;
}

export function mlflowRunId(evolabRunId: string): string {
  return createHash('sha256').update(`evolab-run:${evolabRunId}`).digest('hex').slice(0, 32);
}

/** A numeric experiment id (MLflow's file store makes integer ids), stable for a name. */
export function mlflowExperimentId(name: string): string {
  return String(parseInt(createHash('sha256').update(`evolab-experiment:${name}`).digest('hex').slice(0, 12), 16));
}

export function mlflowKey(name: string): string {
  const key = name
    .replace(/[^/\w.\- ]/g, '_')
    .split('/')
    .map((part) => (part === '' || part === '.' || part === '..' ? '_' : part))
    .join('/');
  return key || '_';
}

/** YAML of flat scalars, each value quoted so that MLflow's reader keeps its type (ids stay strings). */
function yaml(fields: Record<string, string | number | null>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${v === null ? 'null' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`}`)
    .join('\n')
    .concat('\n');
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** The run config as dotted parameters: `recipe.kind = star`, `optim.learningRate = 0.005`. */
export function flattenParams(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  }
  return out;
}

function experimentMeta(root: string, id: string, name: string, now: number): string {
  return yaml({
    artifact_location: pathToFileURL(path.join(root, id)).href,
    creation_time: now,
    experiment_id: id,
    last_update_time: now,
    lifecycle_stage: 'active',
    name,
  });
}

function runMeta(root: string, experimentId: string, runId: string, detail: RunDetail): string {
  const start = Date.parse(detail.createdAt);
  const ended = mlflowStatus(detail.status) !== 1;
  return yaml({
    artifact_uri: pathToFileURL(path.join(root, experimentId, runId, 'artifacts')).href,
    end_time: ended ? Date.parse(detail.updatedAt) : null,
    entry_point_name: '',
    experiment_id: experimentId,
    lifecycle_stage: 'active',
    run_id: runId,
    run_name: runName(detail),
    run_uuid: runId,
    source_name: '',
    source_type: 4,
    source_version: '',
    start_time: start,
    status: mlflowStatus(detail.status),
    user_id: 'evolab',
    deleted_time: null,
  }).replace('source_type: 4\n', 'source_type: 4\ntags: []\n');
}

export interface MlflowExport {
  experimentId: string;
  runId: string;
  dir: string;
}

/**
 * Writes run `runId` under `root` (an mlruns folder, made if missing) in experiment `experiment`. The run's folder
 * is built beside its final place and renamed in, so a reader never sees half a run.
 */
export function exportMlflow(store: Store, runId: string, root: string, experiment: string, artifact: string): MlflowExport {
  const detail = store.runDetail(runId);
  const full = path.resolve(root);
  const now = Date.now();
  const fresh = !fs.existsSync(full);
  fs.mkdirSync(full, { recursive: true });
  // MLflow makes the "Default" experiment (id 0) when it creates a store; a store made here has it too.
  if (fresh) write(path.join(full, '0', 'meta.yaml'), experimentMeta(full, '0', 'Default', now));
  const experimentId = mlflowExperimentId(experiment);
  const experimentMetaFile = path.join(full, experimentId, 'meta.yaml');
  if (!fs.existsSync(experimentMetaFile)) write(experimentMetaFile, experimentMeta(full, experimentId, experiment, now));

  const id = mlflowRunId(runId);
  const dir = path.join(full, experimentId, id);
  const temp = path.join(full, experimentId, `.${id}.${process.pid}.tmp`);
  fs.rmSync(temp, { recursive: true, force: true });
  try {
    write(path.join(temp, 'meta.yaml'), runMeta(full, experimentId, id, detail));
    const ended = store.iterationEndTimes(runId);
    const series = store.metricSeries(runId);
    for (const [name, values] of Object.entries(series.series)) {
      const lines = series.iterations.flatMap((iteration, i) => {
        const v = values[i];
        return v === null ? [] : [`${Date.parse(ended.get(iteration) ?? detail.updatedAt)} ${v} ${iteration}`];
      });
      if (lines.length > 0) write(path.join(temp, 'metrics', mlflowKey(name)), `${lines.join('\n')}\n`);
    }
    fs.mkdirSync(path.join(temp, 'params'), { recursive: true });
    for (const [key, value] of Object.entries(flattenParams(detail.config))) write(path.join(temp, 'params', mlflowKey(key)), value);
    const tags: Record<string, string> = {
      'mlflow.runName': runName(detail),
      'mlflow.source.name': 'evolab',
      'mlflow.source.type': 'LOCAL',
      'mlflow.user': 'evolab',
      'evolab.run_id': detail.id,
      'evolab.recipe': detail.recipe,
      'evolab.status': detail.status,
      'evolab.backend': detail.backend,
      'evolab.seed': String(detail.seed),
      ...(detail.preset ? { 'evolab.preset': detail.preset } : {}),
    };
    for (const [key, value] of Object.entries(tags)) write(path.join(temp, 'tags', key), value);
    write(path.join(temp, 'artifacts', 'evolab-run.json'), artifact);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(temp, dir);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return { experimentId, runId: id, dir };
}
