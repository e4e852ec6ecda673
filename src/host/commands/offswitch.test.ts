import { describe, expect, it } from 'vitest';
import type { IncentiveGrid } from '../../shared/offswitch';
import { incentive } from '../../shared/offswitch';
import { main } from '../cli';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (line) => (stdout += `${line}\n`), err: (text) => (stderr += text), tty: false });
  return { code, stdout, stderr };
}

describe('evolab offswitch', () => {
  it('prints the grid, a row per beta and a column per sigma, then where the sign changes', async () => {
    const r = await cli(['offswitch']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('beta \\ sigma'))!;
    expect(header.split(/\s+/).slice(3)).toEqual(['0', '0.25', '0.5', '0.75', '1', '1.25', '1.5', '1.75', '2', '2.25', '2.5', '2.75', '3']);
    // beta 0.5, sigma 1: the cell's value is the incentive at that point, to the 4 digits printed.
    const row = lines.find((l) => l.startsWith('0.5 '))!.split(/\s+/);
    expect(Number(row[5])).toBeCloseTo(incentive(0.5, 1, 0.5), 4);
    // The sign changes where beta = sigma^2 / (2 mu) = sigma^2 at mu 0.5.
    const at = lines.indexOf('sigma  beta');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 5].split(/\s+/)).toEqual(['1', '1.0000']);
  });

  it('writes JSON and CSV of the same grid, with the flags for mu, ranges and steps', async () => {
    const args = ['offswitch', '--mu=-1', '--sigma', '0.5:2.5', '--sigma-steps', '5', '--beta', '0:3', '--beta-steps', '13'];
    const json = await cli([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const grid = JSON.parse(json.stdout) as IncentiveGrid;
    expect(grid.mu).toBe(-1);
    expect(grid.sigmas).toEqual([0.5, 1, 1.5, 2, 2.5]);
    expect(grid.betas).toHaveLength(13);
    expect(grid.values[8][0]).toBeCloseTo(incentive(-1, 0.5, 2), 12);
    for (const p of grid.boundary) expect(p.beta).toBeCloseTo((p.sigma * p.sigma) / 2, 6);
    expect(grid.boundary.map((p) => p.sigma)).toEqual([0.5, 1, 1.5, 2]); // at 2.5 the line (3.125) is off the grid

    const csv = await cli([...args, '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const [head, ...rows] = csv.stdout.trim().split('\n');
    expect(head).toBe('mu,sigma,beta,incentive');
    expect(rows).toHaveLength(65);
    const cell = rows.map((l) => l.split(',').map(Number)).find(([, s, b]) => s === 1.5 && b === 0.75)!;
    expect(cell[3]).toBeCloseTo(grid.values[3][2], 12);
  });

  it('names the flag and the fix for every bad value, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--mu', 'abc'], /--mu must be a number, got "abc"/],
      [['--mu', '5000'], /--mu must be a number between -1000 and 1000/],
      [['--sigma', '3:1'], /--sigma must be FROM:TO with 0 <= FROM < TO <= 1000 \(e\.g\. --sigma 0:3\), got "3:1"/],
      [['--beta=-1:2'], /--beta must be FROM:TO with 0 <= FROM < TO/],
      [['--sigma', '2'], /--sigma must be FROM:TO, two numbers/],
      [['--sigma-steps', '1'], /--sigma-steps must be a whole number from 2 to 101/],
      [['--beta-steps', '2.5'], /--beta-steps must be a whole number from 2 to 101/],
      [['--json', '--csv'], /--json and --csv cannot be given together/],
      [['--sigmas', '0:1'], /offswitch has no option --sigmas; did you mean --sigma\?/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['offswitch', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('prints the learned game step by step: belief after each decision, incentive and what the robot does', async () => {
    const r = await cli(['offswitch', '--decisions', 'AARA']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\d+ /.test(l));
    expect(rows.map((l) => l.split(/\s+/)[1])).toEqual(['prior', 'approve', 'approve', 'reject', 'approve']);
    expect(rows.map((l) => l.split(/\s+/)[5])).toEqual(['defers', 'defers', 'acts', 'defers', 'acts']);

    const json = await cli(['offswitch', '--decisions', 'approve,reject', '--prior=-1:2', '--noise', '1', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as {
      prior: { mu: number; sigma: number };
      beta: number;
      steps: Array<{ belief: { mu: number; sigma: number }; incentive: number }>;
    };
    expect(out.prior).toEqual({ mu: -1, sigma: 2 });
    expect(out.steps).toHaveLength(3);
    for (const s of out.steps) expect(s.incentive).toBeCloseTo(incentive(s.belief.mu, s.belief.sigma, 1), 12);
    const csv = await cli(['offswitch', '--decisions', 'R', '--csv']);
    expect(csv.stdout.trim().split('\n')).toHaveLength(3);
    expect(csv.stdout).toMatch(/^step,decision,mu,sigma,incentive,choice\n0,prior,0,1,/);

    for (const [args, message] of [
      [['--decisions', 'AAX'], /--decisions takes approve \/ reject \(or A \/ R\).*got "X"/],
      [['--decisions', 'A', '--noise', '0'], /--noise must be above 0/],
      [['--decisions', 'A', '--prior', '0:0'], /--prior must be MU:SIGMA.*SIGMA > 0/],
      [['--noise', '1'], /--noise is for the learned game: give --decisions too/],
      [['--decisions', 'A', '--beta', '0:1'], /--beta is for the grid, not the learned game/],
    ] as Array<[string[], RegExp]>) {
      const bad = await cli(['offswitch', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
  });

  it('is listed in evolab --help, with its own --help', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}offswitch +the off-switch game/m);
    const help = await cli(['offswitch', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--sigma-steps N');
  });
});
