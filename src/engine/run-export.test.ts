import { describe, expect, it } from 'vitest';
import { runToCsv, type RunExport } from './run-export';

const data = (iterations: RunExport['iterations']): RunExport =>
  ({ format: 'evolab-run/1', run: { id: 'r1' }, config: {}, status: 'completed', bestScore: 0.5, iterations }) as unknown as RunExport;

describe('run export as CSV', () => {
  it('has one row per iteration and one column per metric, empty where a metric was not recorded', () => {
    const csv = runToCsv(
      data([
        { iteration: 0, metrics: { 'train/loss': 2.5, 'heldout/acc_hardest': 0.1 }, trajectories: { count: 0, kept: 0, correct: 0 } },
        { iteration: 1, metrics: { 'train/loss': 1.5, 'reward/mean': 0.25 }, trajectories: { count: 16, kept: 4, correct: 5 } },
      ]),
    );
    expect(csv.split('\n')).toEqual([
      'iteration,heldout/acc_hardest,reward/mean,train/loss,trajectories,kept,correct',
      '0,0.1,,2.5,0,0,0',
      '1,,0.25,1.5,16,4,5',
      '',
    ]);
  });

  it('quotes a cell that holds a comma or a quote', () => {
    const csv = runToCsv(data([{ iteration: 0, metrics: { 'a,b': 1, 'say "x"': 2 }, trajectories: { count: 0, kept: 0, correct: 0 } }]));
    expect(csv.split('\n')[0]).toBe('iteration,"a,b","say ""x""",trajectories,kept,correct');
  });
});
