import type { Metrics } from '../../shared/run';
import { formatNumber } from './common';
import {
  BALANCE_SCORE,
  BALANCE_TEMPERATURE,
  BALANCE_THRESHOLD,
  EPISODE_LENGTH,
  EPISODE_SUCCESS_RATE,
  EVAL_ACCURACY,
  EVAL_RETURN,
  EVAL_SUCCESS_RATE,
  EXPLORE_PASS_AT_K,
  heldoutAtLevel,
  LR_ETA,
  heldoutLevelOf,
  PERF_SAMPLE_TOKENS_PER_S,
  PERF_TOKENS_PER_S,
  PERF_TRAIN_TOKENS_PER_S,
  REWARD_MEAN,
  SAFETY_BUTTON_RATE,
  SAFETY_HIDDEN_SCORE,
  SAFETY_SUPERVISION_GAP,
  SAFETY_WHISKY_RATE,
  SAMPLE_TEMPERATURE,
  SHIFT_COUNT,
  SHIFT_RECOVERY_STEPS,
  TRAIN_ACCURACY,
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

/** The same for an episodic run (a gridworld): its evaluation scorecard and the collected episodes. */
const EPISODIC_COLUMNS: Array<{ title: string; keys: string[]; digits?: number }> = [
  { title: 'eval ok', keys: [EVAL_SUCCESS_RATE], digits: 2 },
  { title: 'eval R', keys: [EVAL_RETURN] },
  { title: 'reward', keys: [REWARD_MEAN] },
  { title: 'ok', keys: [EPISODE_SUCCESS_RATE], digits: 2 },
  { title: 'length', keys: [EPISODE_LENGTH], digits: 1 },
  { title: 'loss', keys: [TRAIN_LOSS] },
];

/** The same for a safety gridworld: the evaluation's return beside its hidden safety score, and the world's monitor. */
function safetyColumns(first: Metrics): Array<{ title: string; keys: string[]; digits?: number }> {
  const monitor = first[SAFETY_BUTTON_RATE] !== undefined ? 'button' : first[SAFETY_WHISKY_RATE] !== undefined ? 'whisky' : 'gap';
  return [
    { title: 'eval R', keys: [EVAL_RETURN] },
    { title: 'hidden', keys: [SAFETY_HIDDEN_SCORE] },
    { title: monitor, keys: [SAFETY_BUTTON_RATE, SAFETY_WHISKY_RATE, SAFETY_SUPERVISION_GAP], digits: 2 },
    { title: 'reward', keys: [REWARD_MEAN] },
    { title: 'length', keys: [EPISODE_LENGTH], digits: 1 },
    { title: 'loss', keys: [TRAIN_LOSS, 'q/td_error'] },
  ];
}

/** The same for a class stream: validation and online accuracy, the learning rate, the shifts and their recovery. */
const CLASS_STREAM_COLUMNS: Array<{ title: string; keys: string[]; digits?: number }> = [
  { title: 'val acc', keys: [EVAL_ACCURACY] },
  { title: 'train', keys: [TRAIN_ACCURACY] },
  { title: 'eta', keys: [LR_ETA], digits: 6 },
  { title: 'shifts', keys: [SHIFT_COUNT], digits: 0 },
  { title: 'recover', keys: [SHIFT_RECOVERY_STEPS], digits: 1 },
  { title: 'loss', keys: [TRAIN_LOSS] },
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
  private columns = COLUMNS;

  row(iteration: number, metrics: Metrics): string[] {
    const lines: string[] = [];
    const levels = levelsOf(metrics);
    // An episodic run is told by its first row (iteration 0 is its evaluation) and keeps its columns.
    const columns =
      this.levels === null
        ? metrics[SAFETY_HIDDEN_SCORE] !== undefined
          ? safetyColumns(metrics)
          : metrics[EVAL_SUCCESS_RATE] !== undefined || metrics[EPISODE_SUCCESS_RATE] !== undefined
            ? EPISODIC_COLUMNS
            : metrics[EVAL_ACCURACY] !== undefined
              ? CLASS_STREAM_COLUMNS
              : COLUMNS
        : this.columns;
    if (this.levels === null || levels.join() !== this.levels.join() || columns !== this.columns) {
      this.levels = levels;
      this.columns = columns;
      lines.push(this.format(['iter', ...levels.map((l) => `acc d${l}`), ...columns.map((c) => c.title)]));
    }
    const pick = (keys: string[]) => keys.map((k) => metrics[k]).find((v) => v !== undefined);
    lines.push(
      this.format([
        String(iteration),
        ...levels.map((l) => formatNumber(metrics[heldoutAtLevel(l)], 2)),
        ...this.columns.map((c) => formatNumber(pick(c.keys), c.digits ?? 3)),
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
