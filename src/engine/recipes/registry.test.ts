/**
 * The families the config's checks read (shared/families.ts) and the ones the registry refuses pairings by are one
 * table: for every algorithm and every task and policy kind, isTextRun says "text run" exactly when the registry
 * accepts the pairing for a text-task, text-LM algorithm.
 */
import { describe, expect, it } from 'vitest';
import { isTextRun, RunConfig, type RunConfigInput } from '../../shared/config';
import { POLICY_FAMILY, RECIPE_FAMILY, TASK_FAMILY } from '../../shared/families';
import { algorithms, checkFamilies, type AlgorithmEntry } from './registry';

const tasks: Record<keyof typeof TASK_FAMILY, RunConfigInput['task']> = {
  arithmetic: { kind: 'arithmetic' },
  jsonl: { kind: 'jsonl', path: 'problems.jsonl' },
  gridworld: { kind: 'gridworld' },
  game: { kind: 'game' },
  preference: { kind: 'preference' },
  'class-stream': { kind: 'class-stream' },
  'safe-interruptibility': { kind: 'safe-interruptibility' },
  'whisky-gold': { kind: 'whisky-gold' },
  'absent-supervisor': { kind: 'absent-supervisor' },
};
const policies: Record<keyof typeof POLICY_FAMILY, RunConfigInput['policy']> = {
  transformer: { kind: 'transformer' },
  mlp: { kind: 'mlp' },
  classifier: { kind: 'classifier' },
};
const entries = Object.entries(algorithms) as Array<[keyof typeof RECIPE_FAMILY, AlgorithmEntry]>;

function accepted(config: RunConfig): boolean {
  try {
    checkFamilies(config);
    return true;
  } catch {
    return false;
  }
}

describe('the families of every algorithm', () => {
  it('are the shared table: each registry line has the families RECIPE_FAMILY gives its kind, and both name the same kinds', () => {
    expect(Object.keys(algorithms).sort()).toEqual(Object.keys(RECIPE_FAMILY).sort());
    for (const [kind, entry] of entries) expect({ environment: entry.environment, model: entry.model }).toEqual(RECIPE_FAMILY[kind]);
  });

  it.each(entries)('%s: isTextRun agrees with what the registry accepts, for every task and policy kind', (kind, entry) => {
    // The text LM's Session drives every text-LM algorithm: text-task ones, and preference ones a text task also serves.
    const textAlgorithm = entry.model === 'text-lm';
    let acceptedSome = false;
    for (const task of Object.values(tasks)) {
      for (const policy of Object.values(policies)) {
        // The schema's own checks may refuse a pairing first (the reward model needs a task with output classes).
        const parsed = RunConfig.safeParse({ task, policy, recipe: entry.contract });
        if (!parsed.success) continue;
        const config = parsed.data;
        const ok = accepted(config);
        acceptedSome ||= ok;
        expect(isTextRun(config), `${kind} with task ${task.kind}, policy ${policy!.kind}`).toBe(ok && textAlgorithm);
      }
    }
    expect(acceptedSome, `some task and policy kind fit ${kind}`).toBe(true);
  });
});
