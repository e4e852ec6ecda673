import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as metrics from './metrics';

const src = fileURLToPath(new URL('..', import.meta.url));
const NAMESPACES = [
  'reward',
  'train',
  'heldout',
  'archive',
  'mem',
  'perf',
  'time',
  'explore',
  'exploit',
  'balance',
  'sample',
  'safety',
  'eval',
  'episode',
  'shift',
  'lr',
  'game',
  'spiral',
  'transfer',
];
/** A quoted metric name, e.g. 'reward/mean' or `heldout/acc_d${level}`. */
const METRIC_LITERAL = new RegExp(`['"\`](?:${NAMESPACES.join('|')})/[a-z_0-9$]`);

/** Source lines (comments aside) of the files under `dir`, tests and fixtures aside. */
function codeLines(dir: string): Array<{ where: string; line: string }> {
  const out: Array<{ where: string; line: string }> = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.|fixtures/.test(entry.name)) {
        fs.readFileSync(full, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const code = line.trim();
            if (!code.startsWith('*') && !code.startsWith('//') && !code.startsWith('/*')) out.push({ where: `${path.relative(src, full)}:${i + 1}`, line });
          });
      }
    }
  };
  walk(path.join(src, dir));
  return out;
}

describe('the shared metric names', () => {
  it('are namespaced and each written once', () => {
    const names = Object.entries(metrics).flatMap(([key, value]) =>
      typeof value === 'string' && !key.endsWith('_PREFIX') && key !== 'SCORE_METRIC' ? [[key, value] as const] : [],
    );
    for (const [key, name] of names) expect(name, key).toMatch(new RegExp(`^(${NAMESPACES.join('|')})/[a-z_0-9]+$`));
    expect(new Set(names.map(([, name]) => name)).size).toBe(names.length);
    expect(metrics.SCORE_METRIC).toBe('heldout/acc_hardest');
  });

  it('name held-out levels both ways', () => {
    expect(metrics.heldoutAtLevel(4)).toBe('heldout/acc_d4');
    expect(metrics.heldoutLevelOf(metrics.heldoutAtLevel(12))).toBe(12);
    expect(metrics.heldoutLevelOf(metrics.HELDOUT_HARDEST)).toBeNull();
  });

  it("are the only metric names the page, the CLI's views and the store read", () => {
    const readers = ['renderer', 'host/commands', 'engine/store', 'main'].flatMap(codeLines);
    expect(readers.filter((l) => METRIC_LITERAL.test(l.line)).map((l) => `${l.where}: ${l.line.trim()}`)).toEqual([]);
  });
});
