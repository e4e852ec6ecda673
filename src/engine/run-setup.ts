import { RunConfig } from '../shared/config';
import { CodedError, parseOrThrow } from '../shared/errors';
import { findPreset, presets } from '../shared/presets';
import { didYouMean } from '../shared/suggest';

export interface RunRequest {
  /** Start from this preset; fields of `config` override it. */
  preset?: string;
  config?: unknown;
  seed?: number;
  backend?: string;
  iterations?: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Overlays `override` on `base`. Arrays and scalars replace; objects merge, except where the override names a
 * different `kind` (another recipe or task), which replaces the whole object so the other kind's fields do not leak.
 */
export function overlay(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  if ('kind' in override && override.kind !== base.kind) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = overlay(base[key], value);
  return out;
}

export function unknownPreset(id: string): CodedError {
  return new CodedError(
    'unknown_preset',
    `Unknown preset "${id}"${didYouMean(
      id,
      presets.map((p) => p.id),
      (s) => `"${s}"`,
    )}. Valid presets: ${presets.map((p) => p.id).join(', ')}.`,
    [{ path: 'preset', message: `must be one of ${presets.map((p) => JSON.stringify(p.id)).join(', ')}` }],
  );
}

/** Turns a preset and/or a config plus overrides into a validated run config, or a coded error naming each bad field. */
export function resolveRunConfig(request: RunRequest): RunConfig {
  if (request.preset === undefined && request.config === undefined) {
    throw new CodedError('invalid_request', 'Give a preset or a config to start a run.', [{ path: 'preset', message: 'a preset id or a config is required' }]);
  }
  let merged: unknown = {};
  if (request.preset !== undefined) {
    const preset = findPreset(request.preset);
    if (!preset) throw unknownPreset(request.preset);
    merged = preset.config;
  }
  if (request.config !== undefined) {
    if (!isPlainObject(request.config)) {
      throw new CodedError('invalid_config', 'The run config must be a JSON object.', [{ path: '(root)', message: 'must be an object' }]);
    }
    merged = overlay(merged, request.config);
  }
  const overrides: Record<string, unknown> = {};
  if (request.seed !== undefined) overrides.seed = request.seed;
  if (request.backend !== undefined) overrides.backend = request.backend;
  if (request.iterations !== undefined) overrides.iterations = request.iterations;
  merged = overlay(merged, overrides);
  return parseOrThrow(RunConfig, merged, 'invalid_config', 'The run config');
}
