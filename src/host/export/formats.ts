/**
 * `evolab export`'s formats: what each writes where. JSON and CSV are one file (--out FILE, written by
 * engine/run-export.ts, as the app's Export buttons are); TensorBoard is a
 * logdir (--out DIR gets `<run id>/events.out.tfevents.*`, so several runs exported to one DIR are several lines
 * in TensorBoard); MLflow is an mlruns folder (--out DIR, see mlflow.ts).
 */
import path from 'node:path';
import { CodedError } from '../../shared/errors';
import { didYouMean } from '../../shared/suggest';
import type { Store } from '../../engine/store/store';
import { writeRunEventFile } from '../../engine/store/tensorboard-log';
import { exportMlflow } from './mlflow';

export const EXPORT_FORMATS = ['json', 'csv', 'tensorboard', 'mlflow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function exportFormat(raw: string | undefined): ExportFormat {
  if (raw === undefined) return 'json';
  const known = EXPORT_FORMATS.find((f) => f === raw);
  if (!known) {
    throw new CodedError(
      'invalid_request',
      `Unknown export format "${raw}" in --format${didYouMean(raw, EXPORT_FORMATS, (s) => `"${s}"`)}; the formats are ${EXPORT_FORMATS.join(', ')}.`,
      [{ path: 'format', message: `must be one of ${EXPORT_FORMATS.join(', ')}` }],
    );
  }
  return known;
}

/** Whether a format writes one file (--out FILE) or a folder (--out DIR). */
export function writesFolder(format: ExportFormat): boolean {
  return format === 'tensorboard' || format === 'mlflow';
}

export interface ExportRequest {
  store: Store;
  runId: string;
  format: 'tensorboard' | 'mlflow';
  out: string;
  /** The run as the JSON export has it (MLflow keeps it as an artifact). */
  json: () => string;
  experiment: string;
  write(file: string, text: string): void;
}

/** Writes the export; returns the lines that say where it went and how to open it. */
export function writeExport(r: ExportRequest): string[] {
  const out = path.resolve(r.out);
  if (r.format === 'tensorboard') {
    r.store.requireRun(r.runId);
    const { file } = writeRunEventFile(r.store, r.runId, path.join(out, r.runId));
    return [`Wrote ${file}`, `Open it with: tensorboard --logdir ${out}`];
  }
  const m = exportMlflow(r.store, r.runId, out, r.experiment, r.json());
  return [`Wrote ${m.dir} (MLflow run ${m.runId} in experiment "${r.experiment}", id ${m.experimentId})`, `Open it with: mlflow ui --backend-store-uri ${out}`];
}
