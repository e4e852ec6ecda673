import { describe, expect, it } from 'vitest';
import { RecipeConfig, RunConfig } from '../../shared/config';
import { defaultsOf, fieldIndex, getAt, parseInput, plainMessage, setAt, walkObject, type FieldNode } from './schema-walker';

const fields = walkObject(RunConfig);
const find = (nodes: FieldNode[], path: string): FieldNode | undefined => {
  for (const n of nodes) {
    if (n.path === path) return n;
    const children = n.kind === 'group' ? n.fields : n.kind === 'union' ? n.variants.flatMap((v) => v.fields) : [];
    const hit = find(children, path);
    if (hit) return hit;
  }
  return undefined;
};

describe('schema walker', () => {
  it('gives every top-level field of the run config a node with its description', () => {
    expect(fields.map((f) => f.key)).toEqual(Object.keys(RunConfig.shape));
    const seed = find(fields, 'seed');
    expect(seed).toMatchObject({ kind: 'number', integer: true, min: 0, max: 2 ** 31 - 1, defaultValue: 1 });
    expect(seed?.description).toMatch(/Seeds every random choice/);
  });

  it('takes the description from inside a default wrapper (backend)', () => {
    const backend = find(fields, 'backend');
    expect(backend).toMatchObject({ kind: 'enum', options: ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'], defaultValue: 'auto' });
    expect(backend?.description).toMatch(/Compute backend/);
  });

  it('turns discriminated unions into variants with their own fields', () => {
    const recipe = find(fields, 'recipe');
    expect(recipe?.kind).toBe('union');
    if (recipe?.kind !== 'union') return;
    expect(recipe.discriminator).toBe('kind');
    // Every algorithm of the config's union, in its order: the form offers what the engine can run.
    expect(recipe.variants.map((v) => v.value)).toEqual(RecipeConfig.options.map((o) => o.shape.kind.value));
    expect(recipe.variants.map((v) => v.value)).toContain('star');
    expect(find(fields, 'recipe.groupSize')).toMatchObject({ kind: 'number', min: 2, max: 256 });
    expect(find(fields, 'recipe.balance.temperatures')?.kind).toBe('number-array');
    expect(find(fields, 'policy.nHeads')).toMatchObject({ kind: 'number', integer: true, min: 1, max: 32 });
    const policy = find(fields, 'policy');
    expect(policy?.kind === 'union' && policy.variants.map((v) => v.value)).toEqual(['transformer', 'mlp', 'classifier']);
    expect(find(fields, 'policy.hidden')?.kind).toBe('number-array');
  });

  it('fills a union variant with its defaults when the kind changes', () => {
    const recipe = find(fields, 'recipe');
    if (recipe?.kind !== 'union') throw new Error('recipe is not a union');
    const grpo = recipe.variants.find((v) => v.value === 'grpo');
    expect(grpo && defaultsOf(grpo.schema, { kind: 'grpo' })).toMatchObject({ kind: 'grpo', groupSize: 8, baseline: 'group' });
  });

  it('reads inputs into the types the schema expects, keeping bad text for validation to name', () => {
    const spp = find(fields, 'recipe.samplesPerPrompt');
    const temps = find(fields, 'recipe.balance.temperatures');
    if (!spp || !temps) throw new Error('missing fields');
    expect(parseInput(spp, '12')).toBe(12);
    expect(parseInput(spp, 'twelve')).toBe('twelve');
    // Emptied, a field with a default stays empty for validation to name, instead of silently taking the default.
    expect(parseInput(spp, '')).toBe('');
    expect(parseInput(temps, '0.5, 1')).toEqual([0.5, 1]);
    const result = RunConfig.safeParse({ task: { kind: 'arithmetic' }, recipe: { kind: 'star', samplesPerPrompt: parseInput(spp, 'twelve') } });
    expect(result.success).toBe(false);
  });

  it('says in plain words what to enter, and names no safe-integer bound', () => {
    const index = fieldIndex(fields);
    const spp = index.get('recipe.samplesPerPrompt');
    const lr = index.get('optim.learningRate');
    const temps = index.get('recipe.balance.temperatures');
    expect(plainMessage(spp, 'twelve', 'must be number')).toBe('enter a whole number; "twelve" is not one');
    expect(plainMessage(spp, '', 'must be number')).toBe('required: enter a whole number');
    expect(plainMessage(lr, 'fast', 'must be number')).toBe('enter a number; "fast" is not one');
    expect(plainMessage(temps, '0.5; 1', 'must be array')).toBe('enter numbers separated by commas, e.g. 0.5, 1, 2');
    expect(plainMessage(spp, 0, 'must be at least 1')).toBe('must be at least 1');
    const bounds = [...index.values()].flatMap((n) => (n.kind === 'number' ? [n.min, n.max] : [])).filter((b) => b !== undefined);
    expect(bounds.length).toBeGreaterThan(0);
    for (const b of bounds) expect(Math.abs(b!)).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });

  it('sets and gets nested paths without mutating the original', () => {
    const original = { recipe: { kind: 'star', balance: { n0: 4 } } };
    const next = setAt(original, 'recipe.balance.n0', 8);
    expect(getAt(next, 'recipe.balance.n0')).toBe(8);
    expect(original.recipe.balance.n0).toBe(4);
    expect(getAt(setAt(next, 'recipe.kind', undefined), 'recipe')).toEqual({ balance: { n0: 8 } });
  });
});

describe('deprecated fields', () => {
  it('leaves a deprecated alias out of the form but keeps its replacement', () => {
    expect(find(fields, 'recipe.fineTuneFromBase')).toMatchObject({ kind: 'boolean', defaultValue: false });
    expect(find(fields, 'recipe.restartFromBase')).toBeUndefined();
  });
});
