import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from './config-docs';

describe('docs/configuration.md', () => {
  it('matches the run-config schema (run `npm run docs:config` after changing the schema)', () => {
    const onDisk = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderConfigDocs());
  });

  it('documents every recipe field with its default', () => {
    const text = renderConfigDocs();
    expect(text).toContain('| `recipe.samplesPerPrompt` | integer (≥ 1, ≤ 256) | `8` |');
    expect(text).toContain('recipe.balance.temperatures');
    expect(text).toContain('`task.path` (required)');
  });
});
