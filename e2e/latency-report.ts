import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '..', 'test-results', 'ui-latency.json');

/** Merges one spec's measurements into test-results/ui-latency.json, so each spec adds its own section. */
export function recordLatency(section: string, value: unknown): void {
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // First writer of this run.
  }
  current[section] = value;
  current.updatedAt = new Date().toISOString();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
}
