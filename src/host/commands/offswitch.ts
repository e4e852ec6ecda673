import { CodedError } from '../../shared/errors';
import { type AxisRange, type GridSpec, gridSpecIssues, type IncentiveGrid, incentiveGrid, MAX_ABS, MAX_STEPS } from '../../shared/offswitch';
import { type Decision, DEFAULT_NOISE, DEFAULT_PRIOR, deferenceTrace, type DeferenceStep, MAX_DECISIONS } from '../../shared/offswitch-belief';
import { type Command, type OptionValues, stringOption, table } from './common';

/** The terminal's grid: 13 x 13 (steps of 0.25) fits a wide terminal; the app draws 31 x 31. */
export const CLI_GRID: GridSpec = { mu: 0.5, sigma: { from: 0, to: 3, steps: 13 }, beta: { from: 0, to: 3, steps: 13 } };

const FLAG_OF: Record<string, string> = { mu: '--mu', 'sigma.steps': '--sigma-steps', 'beta.steps': '--beta-steps' };

function usageError(flag: string, message: string): CodedError {
  return new CodedError('invalid_request', `${flag} ${message}.\nUsage: ${offswitchCommand.usage} (see evolab offswitch --help)`, [
    { path: flag.replace(/^-+/, ''), message },
  ]);
}

function numberFlag(values: OptionValues, name: string, fallback: number): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw usageError(`--${name}`, `must be a number, got "${raw}"`);
  return n;
}

function stepsFlag(values: OptionValues, name: string, fallback: number): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 2 || n > MAX_STEPS)
    throw usageError(`--${name}`, `must be a whole number from 2 to ${MAX_STEPS} (values on the axis, both ends included), got "${raw}"`);
  return n;
}

/** FROM:TO, both numbers. */
function rangeFlag(values: OptionValues, name: string, fallback: AxisRange, steps: number): AxisRange {
  const raw = stringOption(values, name);
  if (raw === undefined) return { ...fallback, steps };
  const parts = raw.split(':');
  const [from, to] = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (parts.length !== 2 || !Number.isFinite(from) || !Number.isFinite(to)) {
    throw usageError(`--${name}`, `must be FROM:TO, two numbers with 0 <= FROM < TO (e.g. --${name} 0:3), got "${raw}"`);
  }
  return { from, to, steps };
}

/** The grid the flags ask for, or a usage error naming the flag and what it allows. */
export function gridFromFlags(values: OptionValues): GridSpec {
  const spec: GridSpec = {
    mu: numberFlag(values, 'mu', CLI_GRID.mu),
    sigma: rangeFlag(values, 'sigma', CLI_GRID.sigma, stepsFlag(values, 'sigma-steps', CLI_GRID.sigma.steps)),
    beta: rangeFlag(values, 'beta', CLI_GRID.beta, stepsFlag(values, 'beta-steps', CLI_GRID.beta.steps)),
  };
  const issue = gridSpecIssues(spec)[0];
  if (!issue) return spec;
  const axis = /^(sigma|beta)\.(from|to)$/.exec(issue.path)?.[1];
  if (axis) throw usageError(`--${axis}`, `must be FROM:TO with 0 <= FROM < TO <= ${MAX_ABS} (e.g. --${axis} 0:3), got "${stringOption(values, axis)}"`);
  throw usageError(FLAG_OF[issue.path] ?? issue.path, issue.message);
}

const cell = (v: number) => (Math.abs(v) < 5e-5 ? '0' : v.toFixed(4));

/** The grid as text: a row per beta, a column per sigma, then the line where the sign changes. */
export function gridLines(grid: IncentiveGrid): string[] {
  const lines = [
    `R's incentive to let H decide, E[sigmoid(U/beta) U] - max(mu, 0), for U ~ N(mu, sigma^2) with mu = ${grid.mu}`,
    '(> 0: R waits and lets H switch it off; < 0: R acts, disabling the switch, or switches itself off)',
    '',
    ...table([
      ['beta \\ sigma', ...grid.sigmas.map((s) => String(+s.toFixed(4)))],
      ...grid.betas.map((b, i) => [String(+b.toFixed(4)), ...grid.values[i].map(cell)]),
    ]),
    '',
  ];
  if (grid.boundary.length === 0) {
    lines.push('The incentive does not change sign on this grid.');
    return lines;
  }
  lines.push('Where the sign changes (the incentive is > 0 below this beta, < 0 above it):');
  lines.push(...table([['sigma', 'beta'], ...grid.boundary.map((p) => [String(+p.sigma.toFixed(4)), p.beta.toFixed(4)])]));
  return lines;
}

/** --decisions A,A,R or approve,approve,reject (or AAR): the person's decisions, in order. */
export function decisionsFlag(raw: string): Decision[] {
  const tokens = raw.includes(',') ? raw.split(',').map((t) => t.trim()) : [...raw.trim()];
  const out: Decision[] = [];
  for (const t of tokens) {
    const d = /^(a|approve)$/i.test(t) ? 'approve' : /^(r|reject)$/i.test(t) ? 'reject' : null;
    if (!d) throw usageError('--decisions', `takes approve / reject (or A / R), comma-separated or as letters (e.g. --decisions AARA), got "${t}"`);
    out.push(d);
  }
  if (out.length > MAX_DECISIONS) throw usageError('--decisions', `takes at most ${MAX_DECISIONS} decisions, got ${out.length}`);
  return out;
}

/** --prior MU:SIGMA and --noise BETA for the learned game. */
function learnFlags(values: OptionValues): { prior: { mu: number; sigma: number }; beta: number } {
  const raw = stringOption(values, 'prior');
  let prior = { ...DEFAULT_PRIOR };
  if (raw !== undefined) {
    const parts = raw.split(':').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
    if (parts.length !== 2 || !Number.isFinite(parts[0]) || !(parts[1] > 0) || !Number.isFinite(parts[1])) {
      throw usageError('--prior', `must be MU:SIGMA, the robot's first belief, with SIGMA > 0 (e.g. --prior 0:1), got "${raw}"`);
    }
    prior = { mu: parts[0], sigma: parts[1] };
  }
  const beta = numberFlag(values, 'noise', DEFAULT_NOISE);
  if (!(beta > 0))
    throw usageError('--noise', `must be above 0 to learn from decisions (a rational human's, 0, would be certain), got "${stringOption(values, 'noise')}"`);
  return { prior, beta };
}

const CHOICE_TEXT = { wait: 'defers', act: 'acts (bypasses the switch)', 'switch-off': 'switches itself off' } as const;

export function traceLines(trace: DeferenceStep[], beta: number): string[] {
  const prior = trace[0].belief;
  return [
    `R's belief about U after each decision (prior N(${prior.mu}, ${prior.sigma}^2), the human's noise beta = ${beta}), and its incentive to defer`,
    '',
    ...table([
      ['AFTER', 'DECISION', 'MU', 'SIGMA', 'INCENTIVE', 'ROBOT'],
      ...trace.map((s) => [
        String(s.step),
        s.decision ?? 'prior',
        s.belief.mu.toFixed(4),
        s.belief.sigma.toFixed(4),
        s.incentive.toFixed(4),
        CHOICE_TEXT[s.choice],
      ]),
    ]),
  ];
}

export function gridCsv(grid: IncentiveGrid): string {
  const rows = ['mu,sigma,beta,incentive'];
  grid.betas.forEach((b, i) => grid.sigmas.forEach((s, j) => rows.push(`${grid.mu},${s},${b},${grid.values[i][j]}`)));
  return rows.join('\n');
}

export const offswitchCommand: Command = {
  name: 'offswitch',
  positionals: 0,
  summary: "the off-switch game: the robot's incentive to defer, over its uncertainty and the human's noise",
  usage:
    'evolab offswitch [--mu X] [--sigma FROM:TO] [--sigma-steps N] [--beta FROM:TO] [--beta-steps N] [--json | --csv]\n       evolab offswitch --decisions AARA... [--prior MU:SIGMA] [--noise BETA] [--json | --csv]',
  help: [
    'R can act (utility U), switch itself off (0) or wait and let H decide; its belief is U ~ N(mu, sigma^2), and H',
    'lets it act with probability sigmoid(U / beta). Computed by adaptive Simpson quadrature (docs/safety.md).',
    '',
    `  --mu X            the mean of R's belief (default ${CLI_GRID.mu}; a negative one as --mu=-0.5)`,
    `  --sigma FROM:TO   R's uncertainty, the grid's columns (default ${CLI_GRID.sigma.from}:${CLI_GRID.sigma.to}; 0 is a certain robot)`,
    `  --sigma-steps N   values from FROM to TO, both included (default ${CLI_GRID.sigma.steps}, at most ${MAX_STEPS})`,
    `  --beta FROM:TO    the human's noise, the grid's rows (default ${CLI_GRID.beta.from}:${CLI_GRID.beta.to}; 0 is a rational human)`,
    `  --beta-steps N    values from FROM to TO, both included (default ${CLI_GRID.beta.steps}, at most ${MAX_STEPS})`,
    '  --json            the grid as JSON: sigmas, betas, values[beta][sigma], the sign-change line, min and max',
    '  --csv             the grid as CSV, one row per cell: mu,sigma,beta,incentive',
    '',
    'The learned game: R reads each decision as evidence about U (approve with probability sigmoid(U / beta)).',
    "  --decisions D     the person's decisions in order: approve / reject or A / R, comma-separated or as letters",
    `  --prior MU:SIGMA  R's belief before any decision (default ${DEFAULT_PRIOR.mu}:${DEFAULT_PRIOR.sigma}; --prior=-1:2 for a negative mean)`,
    `  --noise BETA      the human's noise, > 0 (default ${DEFAULT_NOISE})`,
    '  --json, --csv     the steps as JSON or CSV: step, decision, mu, sigma, incentive, choice',
  ],
  options: {
    help: { type: 'boolean', short: 'h' },
    workspace: { type: 'string' },
    mu: { type: 'string' },
    sigma: { type: 'string' },
    'sigma-steps': { type: 'string' },
    beta: { type: 'string' },
    'beta-steps': { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    decisions: { type: 'string' },
    prior: { type: 'string' },
    noise: { type: 'string' },
  },
  async run(ctx) {
    if (ctx.values.json && ctx.values.csv) throw usageError('--json', 'and --csv cannot be given together: choose one');
    const decisions = stringOption(ctx.values, 'decisions');
    const gridFlag = ['mu', 'sigma', 'sigma-steps', 'beta', 'beta-steps'].find((f) => ctx.values[f] !== undefined);
    const learnFlag = ['prior', 'noise'].find((f) => ctx.values[f] !== undefined);
    if (decisions === undefined && learnFlag) throw usageError(`--${learnFlag}`, 'is for the learned game: give --decisions too');
    if (decisions !== undefined) {
      if (gridFlag) throw usageError(`--${gridFlag}`, "is for the grid, not the learned game (--decisions); the human's noise there is --noise");
      const { prior, beta } = learnFlags(ctx.values);
      const trace = deferenceTrace(prior, beta, decisionsFlag(decisions));
      if (ctx.values.json) ctx.out(JSON.stringify({ prior, beta, steps: trace }));
      else if (ctx.values.csv) {
        ctx.out('step,decision,mu,sigma,incentive,choice');
        for (const s of trace) ctx.out(`${s.step},${s.decision ?? 'prior'},${s.belief.mu},${s.belief.sigma},${s.incentive},${s.choice}`);
      } else for (const line of traceLines(trace, beta)) ctx.out(line);
      return 0;
    }
    const grid = incentiveGrid(gridFromFlags(ctx.values));
    if (ctx.values.json) ctx.out(JSON.stringify(grid));
    else if (ctx.values.csv) ctx.out(gridCsv(grid));
    else for (const line of gridLines(grid)) ctx.out(line);
    return 0;
  },
};
