/**
 * `evolab compare --shift-rates`: its arguments are checked naming the flag, and a tiny sweep runs each learner at
 * each rate and seed in the engine, every run the preset with its learner and shift rate replaced, and tabulates them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../shared/presets';
import { meanInterval, parseIntList, parseLearners, runStreamSweep, type StreamRunSummary } from './compare-stream';

describe('compare --shift-rates', () => {
  it('parses its lists and refuses bad ones naming the flag', () => {
    expect(parseIntList('0,1,5', '--shift-rates')).toEqual([0, 1, 5]);
    expect(() => parseIntList('0,x', '--shift-rates')).toThrow(/--shift-rates takes distinct non-negative integers/);
    expect(() => parseIntList('1,1', '--seeds')).toThrow(/--seeds takes distinct/);
    expect(parseLearners(undefined)).toEqual(['homeostatic-lr', 'constant-lr', 'random-lr']);
    expect(() => parseLearners('homeostatic-lr,adam')).toThrow(/"adam" is not a learner/);
    expect(meanInterval([1, 2, 3])).toBe('2.000 ± 2.484');
    expect(meanInterval([])).toBe('-');
  });

  it('runs every learner at every rate and seed, each with its own learner and rate, and tabulates them', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-sweep-'));
    const out: string[] = [];
    const base = findPreset('shift-constant-lr-smoke')!;
    const preset = { ...base, config: { ...base.config, backend: 'wasm' as const, iterations: 2 } };
    try {
      const code = await runStreamSweep(
        { values: {}, positionals: [], workspace, out: (l) => out.push(l), err: () => {}, tty: false },
        { preset, learners: ['homeostatic-lr', 'random-lr'], rates: [0, 5], seeds: [1], json: true },
      );
      expect(code).toBe(0);
      const report = JSON.parse(out[0]!) as { runs: StreamRunSummary[] };
      expect(report.runs.map((r) => [r.rate, r.learner, r.status])).toEqual([
        [0, 'homeostatic-lr', 'completed'],
        [0, 'random-lr', 'completed'],
        [5, 'homeostatic-lr', 'completed'],
        [5, 'random-lr', 'completed'],
      ]);
      for (const r of report.runs) expect(r.finalAccuracy).toBeGreaterThan(0);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }, 120_000);

  it('sweeps governed runs of a governed preset under the batch policy: none waits, each applies knob proposals', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'evolab-sweep-governed-'));
    const out: string[] = [];
    const base = findPreset('shift-governed-smoke')!;
    const preset = { ...base, config: { ...base.config, backend: 'wasm' as const, iterations: 2 } };
    try {
      const code = await runStreamSweep(
        { values: {}, positionals: [], workspace, out: (l) => out.push(l), err: () => {}, tty: false },
        { preset, learners: ['constant-lr'], rates: [0, 5], seeds: [1], json: true },
      );
      expect(code).toBe(0);
      const report = JSON.parse(out[0]!) as { runs: StreamRunSummary[] };
      expect(report.runs.map((r) => [r.rate, r.status])).toEqual([
        [0, 'completed'],
        [5, 'completed'],
      ]);
      for (const r of report.runs) expect(r.appliedKnobs).toBeGreaterThan(0);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }, 120_000);
});
