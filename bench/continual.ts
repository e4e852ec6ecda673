/**
 * The continual-learning comparison of docs/results.md: the homeostatic, constant and random learning-rate
 * learners on a class stream under concept shift, at several shift rates and seeds. For each run: the validation
 * accuracy at the end and averaged over every evaluation, the online training accuracy, the minibatches to recover
 * from a shift (over the shifts that recovered) and the share of shifts never recovered. Prints a Markdown table
 * (mean and 95% t-interval over seeds) and writes every run's numbers as JSON.
 *
 *   node --import tsx bench/continual.ts [--data fashion-mnist|generated] [--train 6000] [--validation 1000]
 *     [--epochs 3] [--rates 0,1,5,20,50] [--seeds 1,2,3] [--window 50] [--out bench/results/continual.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import { RunConfig, type RunConfigInput } from '../src/shared/config';
import { EVAL_ACCURACY, SHIFT_COUNT, SHIFT_RECOVERED, SHIFT_RECOVERY_STEPS, SHIFT_UNRECOVERED, TRAIN_ACCURACY } from '../src/shared/metrics';
import { createRunSession } from '../src/engine/run-session';
import { initBackend } from '../src/engine/tf';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const arg = (name: string, fallback: string) => args.get(name) ?? fallback;
const data = arg('data', 'fashion-mnist');
const train = Number(arg('train', '6000'));
const validation = Number(arg('validation', '1000'));
const epochs = Number(arg('epochs', '3'));
const rates = arg('rates', '0,1,5,20,50').split(',').map(Number);
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const window = Number(arg('window', '50'));
const out = arg('out', 'bench/results/continual.json');
const learners = ['homeostatic-lr', 'constant-lr', 'random-lr'] as const;
const batchSize = 10;
const stagesPerEpoch = 4;

interface Row {
  learner: string;
  rate: number;
  seed: number;
  finalAccuracy: number;
  meanAccuracy: number;
  trainAccuracy: number;
  recoverySteps: number | null;
  unrecoveredShare: number | null;
  shifts: number;
  finalEta: number;
  seconds: number;
}

function configOf(learner: string, rate: number, seed: number): RunConfig {
  const batches = Math.floor(train / batchSize);
  const input: RunConfigInput = {
    seed,
    backend: 'wasm',
    iterations: epochs * stagesPerEpoch,
    task: {
      kind: 'class-stream',
      data: data === 'generated' ? { source: 'generated', trainSize: train, validationSize: validation } : { source: 'fashion-mnist' },
      trainLimit: train,
      validationLimit: validation,
      swapsPerEpoch: rate,
      recoveryWindow: window,
    },
    policy: { kind: 'classifier', hidden: [80, 60] },
    recipe: { kind: learner as 'constant-lr', batchSize, batchesPerIteration: batches / stagesPerEpoch },
  };
  return RunConfig.parse(input);
}

async function runOne(learner: string, rate: number, seed: number): Promise<Row> {
  const t0 = performance.now();
  const config = configOf(learner, rate, seed);
  const session = await createRunSession(config);
  try {
    await session.warmup();
    const accs: number[] = [];
    let trainCorrect = 0;
    let recoverySum = 0;
    let recovered = 0;
    let unrecovered = 0;
    let shifts = 0;
    let last: Record<string, number> = {};
    for (let i = 1; i <= config.iterations; i++) {
      last = (await session.iterate(i)).metrics;
      accs.push(last[EVAL_ACCURACY]!);
      trainCorrect += last[TRAIN_ACCURACY]!;
      shifts += last[SHIFT_COUNT]!;
      recovered += last[SHIFT_RECOVERED]!;
      unrecovered += last[SHIFT_UNRECOVERED]!;
      if (last[SHIFT_RECOVERY_STEPS] !== undefined) recoverySum += last[SHIFT_RECOVERY_STEPS]! * last[SHIFT_RECOVERED]!;
    }
    return {
      learner,
      rate,
      seed,
      finalAccuracy: accs[accs.length - 1]!,
      meanAccuracy: accs.reduce((a, b) => a + b, 0) / accs.length,
      trainAccuracy: trainCorrect / config.iterations,
      recoverySteps: recovered > 0 ? recoverySum / recovered : null,
      unrecoveredShare: recovered + unrecovered > 0 ? unrecovered / (recovered + unrecovered) : null,
      shifts,
      finalEta: last['lr/eta']!,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    session.dispose();
  }
}

/** Mean and half-width of the 95% t-interval. */
function interval(xs: number[]): string {
  if (xs.length === 0) return '—';
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return mean.toFixed(3);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262][n - 2] ?? 1.96;
  return `${mean.toFixed(3)} ± ${((t * sd) / Math.sqrt(n)).toFixed(3)}`;
}

await initBackend('wasm');
const rows: Row[] = [];
for (const rate of rates)
  for (const learner of learners)
    for (const seed of seeds) {
      const row = await runOne(learner, rate, seed);
      rows.push(row);
      console.error(
        `${learner} rate ${rate} seed ${seed}: final ${row.finalAccuracy.toFixed(3)}, recovery ${row.recoverySteps?.toFixed(1) ?? '—'}, ${row.seconds.toFixed(1)} s`,
      );
    }
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ data, train, validation, epochs, window, seeds, rows }, null, 2));
const lines = [
  '| swaps / epoch | learner | final val. acc. | mean val. acc. | online train acc. | recovery (minibatches) | unrecovered shifts | final eta (x 1e-3) |',
  '|---|---|---|---|---|---|---|---|',
];
for (const rate of rates)
  for (const learner of learners) {
    const rs = rows.filter((r) => r.rate === rate && r.learner === learner);
    const pick = (f: (r: Row) => number | null) => rs.map(f).filter((v): v is number => v !== null);
    lines.push(
      `| ${rate} | ${learner} | ${interval(pick((r) => r.finalAccuracy))} | ${interval(pick((r) => r.meanAccuracy))} | ${interval(pick((r) => r.trainAccuracy))} | ${rate === 0 ? '—' : interval(pick((r) => r.recoverySteps))} | ${rate === 0 ? '—' : interval(pick((r) => r.unrecoveredShare))} | ${interval(pick((r) => r.finalEta * 1000))} |`,
    );
  }
console.log(lines.join('\n'));
