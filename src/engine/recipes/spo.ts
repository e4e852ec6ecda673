/**
 * SPO: self-play preference optimisation.
 *
 * Paper: Swamy, Dann, Kidambi, Wu, Agarwal 2024, "A Minimaximalist Approach to Reinforcement Learning from Human
 * Feedback" (no code was found: details from the paper). No reward model: a preference function P(a > b), possibly
 * intransitive and noisy, compares the policy's own samples, and a sample's reward is the share of comparisons it
 * wins within its group; any policy-gradient method optimises it. Under rock-paper-scissors-like preferences the
 * policy should approach the mixed Minimax Winner, where fitting a reward model to the same comparisons cannot
 * represent the cycle.
 *
 * One iteration:
 *  1. Prompts from the curriculum (curriculum.ts); `groupSize` samples each at `temperature`.
 *  2. The preference environment (environments/preferences.ts, winRates) compares every pair of each group once
 *     with the run's rater (`rater` in the run config, protected), drawing each noisy outcome from the run's
 *     random stream; a sample's reward r_j is its win rate (a tie counts one half).
 *  3. Advantage A_j = r_j - mean of its group's r (which is 1/2 whenever every pair was compared). Groups whose
 *     samples all won the same share carry no signal and are left out of the batch (spo/no_signal_fraction).
 *     With `entropyBonus` tau > 0, r_j - tau * log pi(y_j) takes r_j's place in the advantage (the score-function
 *     form of an entropy bonus; our addition, off by default).
 *  4. `stepsPerIteration` steps of PPO's clipped surrogate on the batch (grpoLoss, token-level mean), plus klBeta
 *     times the k3 KL towards the warm-up policy (0 by default: SPO needs no reference); then
 *     round(stepsPerIteration * replayWarmup) supervised warm-up steps (0 by default).
 *  5. Monitors: the win rates, and on a task with output classes (the preference task) the exploitability under
 *     the rater of the policy's exact class shares on the held-out prompts (pref/exploitability); the shares and
 *     their distance to the uniform mix are part of every held-out evaluation (monitors/heldout.ts); and both
 *     distances for the average of the iterates' shares (pref/*_avg), which is what SPO's no-regret argument
 *     guarantees to approach the Minimax Winner, while the last iterate may circle around it.
 *
 * Choices and deviations:
 *  - The paper's SPO trains with PPO against a queue of comparisons to earlier samples; here each group is compared
 *    with itself only (the "self-play" of one iteration), which is the paper's bandit-style simplification.
 *  - The advantage is not divided by the group's std (as GRPO does): a group where one sample wins slightly more
 *    than the rest would otherwise get a full-size push from noise, against SPO's point about noisy raters.
 *  - oldLogProbs are recomputed on the training rows (the ratio is exactly 1 at the first step), as in grpo.ts.
 */
import type { OptimConfig, SpoRecipeConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { classShares, exploitability, shareMetrics, winRates } from '../environments/preferences';
import { meanPassAtK } from '../monitors/exploration';
import type { IterationResult, Recipe, TrainBatch, TrajectoryRecord, Verdict, RecipeContext } from '../types';
import { majorityAccuracy, sampleGroups } from './curriculum';
import { grpoLoss } from './grpo';
import { promptTokens, type Sample } from './rollout';
import { trainIteration } from './steps';

interface Scored extends Sample {
  reward: number;
  advantage: number;
  verdict: Verdict;
}

/** Between iterations: the sum of the class shares after each iteration, for the average iterate. */
export interface ShareState {
  shareSums: number[];
  iterations: number;
}
type SpoState = ShareState;

/**
 * On a task with output classes: the exploitability under the rater of the policy's exact class shares on the
 * held-out prompts, and the distance and exploitability of the average of the iterates' shares (the shares
 * themselves are part of the held-out evaluation, monitors/heldout.ts; the exploitability needs the rater).
 */
export function shareMonitors(ctx: RecipeContext, state: ShareState): { metrics: Metrics; state: ShareState } {
  const heldout = ctx.task.heldout(ctx.task.levels[0]!);
  const shares = classShares(ctx.policy, ctx.task, heldout);
  if (!shares) return { metrics: {}, state };
  // SPO's guarantee is for the average of its iterates (a no-regret argument); the last iterate may cycle.
  const sums = shares.shares.map((x, k) => x + (state.shareSums[k] ?? 0));
  const next = { shareSums: sums, iterations: state.iterations + 1 };
  const averageShares = sums.map((x) => x / next.iterations);
  const average = { names: shares.names, shares: averageShares, other: Math.max(0, 1 - averageShares.reduce((a, b) => a + b, 0)) };
  return {
    state: next,
    metrics: {
      'pref/exploitability': exploitability(shares, ctx.rater, heldout[0]!),
      'pref/minimax_distance_avg': shareMetrics(average)['pref/minimax_distance']!,
      'pref/exploitability_avg': exploitability(average, ctx.rater, heldout[0]!),
    },
  };
}

/** Reads a checkpointed ShareState, tolerating an empty one. */
export function readShareState(value: unknown): ShareState {
  const v = value as Partial<ShareState> | null;
  return {
    shareSums: Array.isArray(v?.shareSums) ? v.shareSums.map(Number) : [],
    iterations: typeof v?.iterations === 'number' ? v.iterations : 0,
  };
}

export function createSpoRecipe(config: SpoRecipeConfig, optim: OptimConfig): Recipe {
  let state: SpoState = { shareSums: [], iterations: 0 };

  async function iterate(ctx: RecipeContext): Promise<IterationResult> {
    const t0 = performance.now();
    const groups = await sampleGroups(ctx, config, config.groupSize);
    const scored: Scored[][] = groups.map((group) => {
      const rates = winRates({ problem: group[0]!.problem, outputs: group.map((s) => s.output) }, ctx.rater, ctx.rng);
      // The entropy bonus: -tau * log pi(y), log pi at temperature 1 summed over the sampled tokens.
      const shaped = group.map((s, j) => rates[j]! - config.entropyBonus * s.logProbs.reduce((a, b) => a + b, 0));
      const mean = shaped.reduce((a, b) => a + b, 0) / shaped.length;
      return group.map((s, j) => ({ ...s, reward: rates[j]!, advantage: shaped[j]! - mean, verdict: ctx.task.verify(s.problem, s.output) }));
    });
    const all = scored.flat();
    const withSignal = scored.filter((g) => g.some((s) => s.advantage !== 0));
    const rows = withSignal.flat();
    const sampleSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const trained = await policyGradientSteps(ctx, rows, config, optim);
    const trainSeconds = (performance.now() - t1) / 1000;

    const metrics: Metrics = {
      'reward/mean': mean(all.map((s) => s.reward)),
      'spo/win_rate_max': mean(scored.map((g) => Math.max(...g.map((s) => s.reward)))),
      'spo/no_signal_fraction': scored.length === 0 ? 0 : 1 - withSignal.length / scored.length,
      'spo/mean_length': mean(all.map((s) => s.tokens.length)),
      'explore/pass_at_k': meanPassAtK(
        scored.map((g) => g.map((s) => s.verdict.correct)),
        config.groupSize,
      ),
      'train/steps': trained.steps,
      'train/rows': rows.length,
      'curriculum/level': ctx.level,
      'curriculum/mastery': majorityAccuracy(ctx.task, scored, ctx.level),
      'time/sample_s': sampleSeconds,
      'time/train_s': trainSeconds,
    };
    const monitors = shareMonitors(ctx, state);
    state = monitors.state;
    Object.assign(metrics, monitors.metrics);
    if (trained.pgSteps > 0) {
      metrics['train/loss'] = trained.loss;
      metrics['train/kl'] = trained.kl;
    }

    const inBatch = new Set(rows);
    const trajectories: TrajectoryRecord[] = all.map((s) => ({
      level: s.problem.level,
      prompt: s.problem.prompt,
      output: s.output,
      answer: s.problem.answer,
      reward: s.reward,
      correct: s.verdict.correct,
      kept: inBatch.has(s),
      verdict: `${s.verdict.verdict}; win rate ${s.reward.toFixed(2)} in its group (${ctx.rater.kind} rater), advantage ${s.advantage.toFixed(2)}`,
    }));
    return { metrics, trajectories };
  }

  return {
    kind: 'spo',
    iterate,
    // The running sum of class shares (the rater is the run's, the reference and the level live in the session).
    getState: () => structuredClone(state),
    setState(value: unknown) {
      state = readShareState(value);
    },
  };
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * The policy-gradient update SPO and the reward-model baseline share: `stepsPerIteration` steps of PPO's clipped
 * surrogate (grpoLoss) on the rows, each weighted by its advantage, plus klBeta times the k3 KL towards the
 * reference, then round(stepsPerIteration * replayWarmup) supervised warm-up steps. Means of loss and KL over the
 * policy-gradient steps.
 */
export async function policyGradientSteps(
  ctx: RecipeContext,
  rows: Array<Sample & { advantage: number }>,
  config: { stepsPerIteration: number; clipEpsilon: number; klBeta?: number; replayWarmup?: number },
  optim: OptimConfig,
): Promise<{ steps: number; pgSteps: number; loss: number; kl: number }> {
  const klBeta = config.klBeta ?? 0;
  const batch: TrainBatch = { sequences: [], targetStart: [], weights: [] };
  for (const s of rows) {
    const prompt = promptTokens(ctx.task, s.problem);
    batch.sequences.push([...prompt, ...s.tokens, ...(s.finished ? [ctx.task.tokenizer.eos] : [])]);
    batch.targetStart.push(prompt.length);
    batch.weights!.push(s.advantage);
  }
  let lossSum = 0;
  let klSum = 0;
  if (rows.length > 0) {
    batch.oldLogProbs = ctx.policy.logProbs(batch);
    if (klBeta > 0) batch.refLogProbs = ctx.reference.logProbs(batch);
  }
  const trained = await trainIteration(ctx, optim, rows.length > 0 ? batch : null, {
    steps: config.stepsPerIteration,
    replaySteps: Math.round(config.stepsPerIteration * (config.replayWarmup ?? 0)),
    loss: (p, keep) => grpoLoss(ctx.policy, p, config.clipEpsilon, klBeta, keep),
    parallel: { kind: 'grpo', clipEpsilon: config.clipEpsilon, klBeta },
    onStep(result) {
      lossSum += result.loss;
      klSum += result.aux.kl ?? 0;
    },
  });
  const pgSteps = trained.lossSteps;
  return { steps: trained.steps, pgSteps, loss: pgSteps ? lossSum / pgSteps : 0, kl: pgSteps ? klSum / pgSteps : 0 };
}
