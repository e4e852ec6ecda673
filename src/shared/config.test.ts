import { describe, expect, it } from 'vitest';
import { RunConfig, StarRecipeConfig } from './config';

const base = { task: { kind: 'arithmetic' } } as const;

describe('STaR / ReST-EM fine-tuning from the base model', () => {
  it('is named fineTuneFromBase and off by default (continue from the last iteration, as B-STaR)', () => {
    const recipe = StarRecipeConfig.parse({ kind: 'star' });
    expect(recipe.fineTuneFromBase).toBe(false);
    expect(StarRecipeConfig.parse({ kind: 'star', fineTuneFromBase: true }).fineTuneFromBase).toBe(true);
    expect(StarRecipeConfig.shape.fineTuneFromBase.description).toMatch(/STaR.*ReST-EM/);
  });

  it('still reads the old name restartFromBase, as stored runs saved it, and drops it from the parsed config', () => {
    // A run stored before the rename: RunConfig.parse had filled every default, so the old key is always there.
    const stored = RunConfig.parse({ ...base, recipe: { kind: 'star', restartFromBase: true } });
    expect(stored.recipe).toMatchObject({ kind: 'star', fineTuneFromBase: true });
    expect(stored.recipe).not.toHaveProperty('restartFromBase');
    const off = RunConfig.parse({ ...base, recipe: { kind: 'star', restartFromBase: false } });
    expect(off.recipe).toMatchObject({ fineTuneFromBase: false });
    // Re-parsing the parsed config (what a resume does with a re-saved run) is stable.
    expect(RunConfig.parse(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
  });
});
