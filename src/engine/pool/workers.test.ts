import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { autoWorkers, resolveWorkers, runWorkers } from './workers';

const text = (workers: number) =>
  RunConfig.parse({ workers, task: { kind: 'arithmetic' }, recipe: { kind: 'star', promptsPerIteration: 4, samplesPerPrompt: 2, trainStepsPerIteration: 1 } });

describe('workers', () => {
  it('auto (0) takes the cores less one, at least 1', () => {
    expect(autoWorkers(8)).toBe(7);
    expect(autoWorkers(2)).toBe(1);
    expect(autoWorkers(1)).toBe(1);
    expect(resolveWorkers(0, 'wasm', 8)).toBe(7);
    expect(resolveWorkers(3, 'cpu', 8)).toBe(3);
  });

  it('defaults to 1, and native or CUDA backends always run in process', () => {
    expect(RunConfig.parse({ task: { kind: 'arithmetic' }, recipe: { kind: 'star' } }).workers).toBe(1);
    expect(resolveWorkers(4, 'tensorflow', 8)).toBe(1);
    expect(resolveWorkers(0, 'tensorflow-gpu', 8)).toBe(1);
    expect(runWorkers(text(3), 'wasm', 8)).toBe(3);
  });

  it('gives other families 1: only text runs share their work with a pool', () => {
    const game = RunConfig.parse({ workers: 4, task: { kind: 'gridworld' }, policy: { kind: 'mlp' }, recipe: { kind: 'a2c' } });
    expect(runWorkers(game, 'wasm', 8)).toBe(1);
    expect(RunConfig.safeParse({ workers: -1, task: { kind: 'arithmetic' }, recipe: { kind: 'star' } }).error?.issues[0]?.path).toEqual(['workers']);
  });
});
