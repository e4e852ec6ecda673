import { describe, expect, it } from 'vitest';
import { RunConfig } from './config';
import { CodedError, parseOrThrow } from './errors';

function issuesOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    parseOrThrow(RunConfig, value, 'invalid_config', 'The run config');
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    return (error as CodedError).issues;
  }
  throw new Error('expected the config to be refused');
}

const base = { task: { kind: 'arithmetic' }, recipe: { kind: 'star' } };

describe('parseOrThrow field issues', () => {
  it('names the nearest valid field for a misspelt one, at every depth', () => {
    const issues = issuesOf({ ...base, iteratons: 3, policy: { dmodel: 32 }, recipe: { kind: 'star', balance: { enabld: true } } });
    expect(issues).toContainEqual({ path: '(root)', message: 'unknown field "iteratons"; did you mean "iterations"?' });
    expect(issues).toContainEqual({ path: 'policy', message: 'unknown field "dmodel"; did you mean "dModel"?' });
    expect(issues).toContainEqual({ path: 'recipe.balance', message: 'unknown field "enabld"; did you mean "enabled"?' });
  });

  it('suggests from the fields of the kind the object names, and nothing when no field is close', () => {
    // groupSize is a GRPO field: in a STaR recipe it is unknown, and no STaR field is near it.
    const issues = issuesOf({ ...base, colour: 'red', task: { kind: 'jsonl', path: 'x.jsonl', verifer: 'exact' }, recipe: { kind: 'star', groupSize: 4 } });
    expect(issues).toContainEqual({ path: '(root)', message: 'unknown field "colour"; remove it' });
    expect(issues).toContainEqual({ path: 'task', message: 'unknown field "verifer"; did you mean "verifier"?' });
    expect(issues).toContainEqual({ path: 'recipe', message: 'unknown field "groupSize"; remove it' });
  });

  it('gives one issue per unknown field', () => {
    const issues = issuesOf({ ...base, seeed: 1, iteratons: 2 });
    expect(issues.filter((i) => i.path === '(root)').map((i) => i.message)).toEqual([
      'unknown field "seeed"; did you mean "seed"?',
      'unknown field "iteratons"; did you mean "iterations"?',
    ]);
  });

  it('names the nearest option of an enum', () => {
    expect(issuesOf({ ...base, backend: 'wsam' })).toContainEqual({
      path: 'backend',
      message: 'must be one of "auto", "tensorflow-gpu", "tensorflow", "webgpu", "wasm", "cpu"; did you mean "wasm"?',
    });
  });
});
