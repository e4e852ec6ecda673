/**
 * A sweep's plan: the seeds (`--seeds 1-5`, `1,3,7`, `1-3,9`), the config values to try (`--set key=v1,v2`,
 * repeated), and every combination of them, each run once per seed.
 */
import { CodedError } from '../../shared/errors';

const MAX_RUNS = 1000;

export function parseSeeds(raw: string | undefined, flag = '--seeds'): number[] {
  const name = flag.replace(/^-+/, '');
  if (raw === undefined || raw.trim() === '') {
    throw new CodedError('invalid_request', `Give the seeds with ${flag}, e.g. ${flag} 1-5 or ${flag} 1,2,7.`, [{ path: name, message: 'required' }]);
  }
  const seeds: number[] = [];
  for (const part of raw.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (!m || !Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) {
      throw new CodedError(
        'invalid_request',
        `${flag}: "${part}" is not a seed or a range of seeds; write e.g. 1-5 or 1,2,7 (whole numbers, ranges low-high).`,
        [{ path: name, message: 'seeds as N, N-M, comma-separated' }],
      );
    }
    if (to - from >= MAX_RUNS)
      throw new CodedError('invalid_request', `${flag}: the range ${part} has more than ${MAX_RUNS} seeds.`, [{ path: name, message: 'too many seeds' }]);
    for (let s = from; s <= to; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

/** A value from the command line: JSON where it parses (numbers, true, null, "quoted", [lists]), else the text. */
function value(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface SetOption {
  key: string;
  values: unknown[];
}

/** `key=v1,v2`: a dotted config path and the values to try (a JSON list or object is one value). */
export function parseSet(raw: string): SetOption {
  const eq = raw.indexOf('=');
  const key = eq > 0 ? raw.slice(0, eq).trim() : '';
  const rest = eq > 0 ? raw.slice(eq + 1).trim() : '';
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(key) || rest === '') {
    throw new CodedError('invalid_request', `--set "${raw}": write key=value with a dotted config path, e.g. --set optim.learningRate=0.01,0.003.`, [
      { path: 'set', message: 'key=value[,value...]' },
    ]);
  }
  if (key === 'seed')
    throw new CodedError('invalid_request', '--set seed=...: give seeds with --seeds, e.g. --seeds 1-5.', [{ path: 'set', message: 'use --seeds' }]);
  const values = rest.startsWith('[') || rest.startsWith('{') ? [value(rest)] : rest.split(',').map((v) => value(v.trim()));
  return { key, values };
}

export interface Combination {
  /** `key=value` pairs in the order given, or "defaults" when nothing is set. */
  label: string;
  /** The overrides as a nested config object, laid over the preset. */
  overrides: Record<string, unknown>;
}

function setPath(target: Record<string, unknown>, dotted: string, v: unknown): void {
  const keys = dotted.split('.');
  let at = target;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    at = (at[k] = next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
  }
  at[keys.at(-1)!] = v;
}

/** Every combination of the values of `sets` (their cartesian product), in order. */
export function combinations(sets: SetOption[]): Combination[] {
  const keys = sets.map((s) => s.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup)
    throw new CodedError('invalid_request', `--set ${dup} is given twice; list its values once: --set ${dup}=a,b.`, [
      { path: 'set', message: 'each key once' },
    ]);
  let combos: Array<Array<[string, unknown]>> = [[]];
  for (const s of sets) combos = combos.flatMap((c) => s.values.map((v) => [...c, [s.key, v] as [string, unknown]]));
  return combos.map((pairs) => {
    const overrides: Record<string, unknown> = {};
    for (const [k, v] of pairs) setPath(overrides, k, v);
    return { label: pairs.length === 0 ? 'defaults' : pairs.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' '), overrides };
  });
}

export function checkSize(combos: number, seeds: number): void {
  if (combos * seeds > MAX_RUNS) {
    throw new CodedError('invalid_request', `The sweep would start ${combos * seeds} runs (${combos} combinations x ${seeds} seeds); at most ${MAX_RUNS}.`, [
      { path: 'set', message: 'too many runs' },
    ]);
  }
}
