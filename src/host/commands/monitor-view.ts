import type { Metrics } from '../../shared/run';
import { formatNumber } from './common';
import {
  BALANCE_SCORE,
  BALANCE_TEMPERATURE,
  BALANCE_THRESHOLD,
  EXPLORE_PASS_AT_K,
  heldoutAtLevel,
  heldoutLevelOf,
  PERF_SAMPLE_TOKENS_PER_S,
  PERF_TOKENS_PER_S,
  PERF_TRAIN_TOKENS_PER_S,
  REWARD_MEAN,
  SAMPLE_TEMPERATURE,
  TRAIN_LOSS,
} from '../../shared/metrics';

/** The key monitors a person watches in the terminal, first metric name present wins. */
const COLUMNS: Array<{ title: string; keys: string[]; digits?: number }> = [
  { title: 'reward', keys: [REWARD_MEAN] },
  { title: 'pass@k', keys: [EXPLORE_PASS_AT_K] },
  { title: 'balance', keys: [BALANCE_SCORE] },
  { title: 'T', keys: [BALANCE_TEMPERATURE, SAMPLE_TEMPERATURE], digits: 2 },
  { title: 'tau', keys: [BALANCE_THRESHOLD], digits: 2 },
  { title: 'loss', keys: [TRAIN_LOSS] },
  { title: 'tok/s', keys: [PERF_TOKENS_PER_S, PERF_SAMPLE_TOKENS_PER_S, PERF_TRAIN_TOKENS_PER_S], digits: 0 },
];

function levelsOf(metrics: Metrics): number[] {
  return Object.keys(metrics)
    .map(heldoutLevelOf)
    .filter((d): d is number => d !== null)
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
        ...levels.map((l) => formatNumber(metrics[heldoutAtLevel(l)], 2)),
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
