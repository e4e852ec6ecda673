import type { Metrics } from '../../shared/run';
import { formatNumber } from './common';

/** The key monitors a person watches in the terminal, first metric name present wins. */
const COLUMNS: Array<{ title: string; keys: string[]; digits?: number }> = [
  { title: 'reward', keys: ['reward/mean'] },
  { title: 'pass@k', keys: ['explore/pass_at_k'] },
  { title: 'balance', keys: ['balance/score'] },
  { title: 'T', keys: ['balance/temperature', 'sample/temperature'], digits: 2 },
  { title: 'tau', keys: ['balance/threshold'], digits: 2 },
  { title: 'loss', keys: ['train/loss'] },
  { title: 'tok/s', keys: ['perf/tokens_per_s', 'perf/sample_tokens_per_s', 'perf/train_tokens_per_s'], digits: 0 },
];

function levelsOf(metrics: Metrics): number[] {
  return Object.keys(metrics)
    .map((k) => /^heldout\/acc_d(\d+)$/.exec(k)?.[1])
    .filter((d): d is string => d !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Prints a compact row per iteration; the header is printed with the first row and when the levels change. */
export class MonitorTable {
  private levels: number[] | null = null;

  row(iteration: number, metrics: Metrics): string[] {
    const lines: string[] = [];
    const levels = levelsOf(metrics);
    if (this.levels === null || levels.join() !== this.levels.join()) {
      this.levels = levels;
      lines.push(this.format(['iter', ...levels.map((l) => `acc d${l}`), ...COLUMNS.map((c) => c.title)]));
    }
    const pick = (keys: string[]) => keys.map((k) => metrics[k]).find((v) => v !== undefined);
    lines.push(
      this.format([
        String(iteration),
        ...levels.map((l) => formatNumber(metrics[`heldout/acc_d${l}`], 2)),
        ...COLUMNS.map((c) => formatNumber(pick(c.keys), c.digits ?? 3)),
      ]),
    );
    return lines;
  }

  private format(cells: string[]): string {
    return cells.map((c, i) => (i === 0 ? c.padStart(4) : c.padStart(8))).join(' ');
  }
}

/** A one-line progress bar for stderr, redrawn in place. */
export function progressBar(label: string, done: number, total: number, width = 24): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(fraction * width);
  return `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%\u001b[K`;
}
