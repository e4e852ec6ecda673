import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headlineMetrics, METRIC_DEFINITIONS, metricDefinition } from './metric-definitions';
import { renderMetricDocs } from './metric-docs';
import * as M from './metrics';

const engine = fileURLToPath(new URL('../engine', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.ts$/.test(name) && !/\.test\.ts$|fixtures?/.test(full) ? [full] : [];
  });
}

describe('metric definitions', () => {
  it('docs/metrics.md matches the table (run `npm run docs:config` after changing it)', () => {
    const onDisk = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderMetricDocs());
  });

  it('defines every metric name of metrics.ts and every metric the engine writes in a known namespace', () => {
    const namespaces = new Set(METRIC_DEFINITIONS.map((m) => m.name.split('/')[0]));
    const constants = Object.values(M as Record<string, unknown>).filter((v): v is string => typeof v === 'string' && /^[a-z_]+\/[a-z_0-9]+$/.test(v));
    const literals = sources(engine).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/['`]([a-z_]+\/[a-z_0-9]+)['`]/g)].map((m) => m[1]!).filter((n) => namespaces.has(n.split('/')[0])),
    );
    const missing = [...new Set([...constants, ...literals])].filter((n) => !metricDefinition(n));
    expect(missing).toEqual([]);
  });

  it('matches families by pattern and leaves unknown names undefined', () => {
    expect(metricDefinition('heldout/acc_d6')?.name).toBe('heldout/acc_d{level}');
    expect(metricDefinition('safety/probe_no_secret')?.name).toBe('safety/probe_{id}');
    expect(metricDefinition('made/up')).toBeUndefined();
  });

  it('picks one headline per slot: score, reward, loss, the recipe monitor', () => {
    expect(headlineMetrics(['reward/mean', 'train/loss', 'heldout/acc_hardest', 'balance/score', 'explore/pass_at_k', 'mem/tensors'])).toEqual([
      'heldout/acc_hardest',
      'reward/mean',
      'train/loss',
      'balance/score',
    ]);
    expect(headlineMetrics(['eval/success_rate', 'reward/mean', 'train/loss', 'episode/success_rate'])).toEqual([
      'eval/success_rate',
      'reward/mean',
      'train/loss',
      'episode/success_rate',
    ]);
  });
});
