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

describe('which runs may be governed', () => {
  const episodic = (task: Record<string, unknown>) => ({
    task,
    policy: { kind: 'mlp', hidden: [8] },
    recipe: { kind: 'a2c' },
    warmup: { steps: 0 },
    oversight: { enabled: true },
  });
  it('accepts oversight on the safety gridworlds, whose safety behaviour the gate checks', () => {
    for (const kind of ['safe-interruptibility', 'whisky-gold', 'absent-supervisor']) expect(RunConfig.safeParse(episodic({ kind })).success, kind).toBe(true);
  });
  it('refuses it on the plain gridworld, naming oversight.enabled and the tasks that can be governed', () => {
    const parsed = RunConfig.safeParse(episodic({ kind: 'gridworld' }));
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues.find((i) => i.path.join('.') === 'oversight.enabled')!;
    expect(issue.message).toMatch(/safety gridworld \(safe-interruptibility, whisky-gold, absent-supervisor\).*set oversight.enabled to false/);
  });
});
