/**
 * SPPO: self-play preference optimisation with the squared loss.
 *
 * Paper and code: Wu, Sun, Yuan, Ji, Yang, Gu 2024, "Self-Play Preference Optimization for Language Model Alignment"
 * (uclaml/SPPO). Each iteration approximates a multiplicative-weights step of the two-player preference game,
 * pi_{t+1}(y) proportional to pi_t(y) exp(eta P(y > pi_t)), by regressing each answer's log-ratio to pi_t on its
 * estimated win rate against pi_t.
 *
 * One iteration t (the policy is pi_t):
 *  1. Prompts from the curriculum (curriculum.ts); K = `samplesPerPrompt` samples each at `temperature`.
 *  2. P(i > j) for every pair of a group (`preferenceMatrix`): a rater with scores (the verifier) gives
 *     sigmoid((s_i - s_j) / scoreScale), as SPPO turns PairRM's scores into probabilities; a rater that gives
 *     probabilities (a hidden utility, the cyclic rater, the panel) is used as it is, without drawing a noisy
 *     outcome. Each sample's win rate P_i = mean over j of P(i > j), the self-pair's 1/2 included.
 *  3. Chosen w = argmax P_i, rejected l = argmin (ties broken by the run's random stream); a group whose win rates
 *     are all equal carries no signal and is left out (sppo/no_signal_fraction).
 *  4. `stepsPerIteration` steps of mean over pairs of
 *       ((logpi - logpi_t)(y_w) - (P_w - 1/2) / beta)^2 + ((logpi - logpi_t)(y_l) - (P_l - 1/2) / beta)^2,
 *     log-probs summed over the answer tokens (EOS included when the sample stopped), pi_t the policy as the
 *     iteration found it (SPPO's reference is the previous iterate, not the SFT model); then
 *     round(stepsPerIteration * replayWarmup) supervised warm-up steps (0 by default).
 *  5. Monitors: the win rates, the log-ratios, the win rates against the previous iteration and the reference
 *     (preference-monitors.ts), and on the preference task the class shares' exploitability (spo.ts).
 *
 * Choices and deviations (docs/preferences.md):
 *  - beta defaults to 0.1, not the authors' 1e-3: see the config's description.
 *  - P from a probability rater is its exact probability, not the mean of sampled outcomes: the squared loss wants
 *    the win rate, and the rater's own noise model gives it without Monte Carlo error.
 *  - One pair per prompt (the authors' data build keeps the top and the bottom of K = 5).
 */
import type { OptimConfig, SppoRecipeConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { meanPassAtK } from '../monitors/exploration';
import type { IterationResult, PairLoss, Problem, Rater, Recipe, Rng, TrainBatch, TrajectoryRecord } from '../types';
import { majorityAccuracy, sampleGroups } from './curriculum';
import { pairLoss } from './pair-loss';
import { winRateMonitors } from './preference-monitors';
import { promptTokens, type Sample } from './rollout';
import { readShareState, shareMonitors, type ShareState } from './spo';
import { trainIteration } from './steps';

/** P[i][j] = P(output i beats output j) under the rater, for one prompt's outputs (P[i][i] = 1/2). */
export function preferenceMatrix(rater: Rater, problem: Problem, outputs: readonly string[], scoreScale: number): number[][] {
  const { score } = rater;
  const scores = score ? outputs.map((o) => score(problem, o)) : null;
  return outputs.map((a, i) =>
    outputs.map((b, j) => {
      if (i === j) return 0.5;
      if (scores) return 1 / (1 + Math.exp(-(scores[i]! - scores[j]!) / scoreScale));
      return rater.probability(problem, a, b);
    }),
  );
}

/** Each output's win rate against its group, the self-pair's 1/2 included (SPPO's P_w and P_l). */
export function groupWinRates(matrix: readonly (readonly number[])[]): number[] {
  return matrix.map((row) => row.reduce((a, b) => a + b, 0) / row.length);
}

/** argmax and argmin of the win rates, ties broken by `rng`; null when they are all equal. */
export function sppoPair(rates: readonly number[], rng: Rng): [number, number] | null {
  const hi = Math.max(...rates);
  const lo = Math.min(...rates);
  if (!(hi > lo)) return null;
  const pick = (v: number) => {
    const at = rates.flatMap((r, i) => (r === v ? [i] : []));
    return at[rng.int(at.length)]!;
  };
  return [pick(hi), pick(lo)];
}

interface Scored extends Sample {
  winRate: number;
  reward: number;
  correct: boolean;
  verdict: string;
}

export function createSppoRecipe(config: SppoRecipeConfig, optim: OptimConfig): Recipe {
  let shares: ShareState = { shareSums: [], iterations: 0 };

  async function iterate(ctx: Parameters<Recipe['iterate']>[0]): Promise<IterationResult> {
    const t0 = performance.now();
    const groups = await sampleGroups(ctx, config, config.samplesPerPrompt);
    const scored: Scored[][] = groups.map((group) => {
      const rates = groupWinRates(
        preferenceMatrix(
          ctx.rater,
          group[0]!.problem,
          group.map((s) => s.output),
          config.scoreScale,
        ),
      );
      return group.map((s, j) => {
        const v = ctx.task.verify(s.problem, s.output);
        return { ...s, winRate: rates[j]!, reward: v.reward, correct: v.correct, verdict: v.verdict };
      });
    });
    const all = scored.flat();
    const chosen: Scored[] = [];
    const rejected: Scored[] = [];
    for (const group of scored) {
      const pair = sppoPair(
        group.map((s) => s.winRate),
        ctx.rng,
      );
      if (!pair) continue;
      chosen.push(group[pair[0]]!);
      rejected.push(group[pair[1]]!);
    }
    const rows = [...chosen, ...rejected];
    const startWeights = config.winRatePrompts > 0 ? ctx.policy.getState() : null;
    const sampleSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const sums = { loss: 0, chosen: 0, rejected: 0 };
    let batch: TrainBatch | null = null;
    if (rows.length > 0) {
      batch = { sequences: [], targetStart: [] };
      for (const s of rows) {
        const prompt = promptTokens(ctx.task, s.problem);
        batch.sequences.push([...prompt, ...s.tokens, ...(s.finished ? [ctx.task.tokenizer.eos] : [])]);
        batch.targetStart.push(prompt.length);
      }
      // The reference is pi_t, the policy as this iteration found it.
      batch.refLogProbs = ctx.policy.logProbs(batch);
    }
    const loss: PairLoss = { kind: 'sppo', beta: config.beta, winRates: rows.map((s) => s.winRate) };
    const trained = await trainIteration(ctx, optim, batch, {
      steps: config.stepsPerIteration,
      replaySteps: Math.round(config.stepsPerIteration * config.replayWarmup),
      loss: (p, keep) => pairLoss(ctx.policy, p, loss, keep),
      parallel: loss,
      onStep(result) {
        sums.loss += result.loss;
        sums.chosen += result.aux.chosen_logratio!;
        sums.rejected += result.aux.rejected_logratio!;
      },
    });
    const sppoSteps = trained.lossSteps;
    const trainSeconds = (performance.now() - t1) / 1000;

    const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
    const metrics: Metrics = {
      'reward/mean': mean(all.map((s) => s.reward)),
      'sppo/pairs': chosen.length,
      'sppo/no_signal_fraction': scored.length === 0 ? 0 : 1 - chosen.length / scored.length,
      'pref/mean_length': mean(all.map((s) => s.tokens.length)),
      'explore/pass_at_k': meanPassAtK(
        scored.map((g) => g.map((s) => s.correct)),
        config.samplesPerPrompt,
      ),
      'train/steps': trained.steps,
      'curriculum/level': ctx.level,
      'curriculum/mastery': majorityAccuracy(ctx.task, scored, ctx.level),
      'time/sample_s': sampleSeconds,
      'time/train_s': trainSeconds,
    };
    if (chosen.length > 0) {
      metrics['sppo/win_rate_chosen'] = mean(chosen.map((s) => s.winRate));
      metrics['sppo/win_rate_rejected'] = mean(rejected.map((s) => s.winRate));
    }
    if (sppoSteps > 0) {
      metrics['train/loss'] = sums.loss / sppoSteps;
      metrics['sppo/loss'] = sums.loss / sppoSteps;
      metrics['pref/chosen_reward'] = sums.chosen / sppoSteps;
      metrics['pref/rejected_reward'] = sums.rejected / sppoSteps;
      metrics['pref/reward_margin'] = (sums.chosen - sums.rejected) / sppoSteps;
    }
    if (startWeights)
      Object.assign(metrics, winRateMonitors(ctx, startWeights, { prompts: config.winRatePrompts, temperature: config.temperature, topK: config.topK }));
    const monitors = shareMonitors(ctx, shares);
    shares = monitors.state;
    Object.assign(metrics, monitors.metrics);

    const role = new Map<Scored, string>();
    chosen.forEach((s) => role.set(s, 'chosen'));
    rejected.forEach((s) => role.set(s, 'rejected'));
    const trajectories: TrajectoryRecord[] = all.map((s) => ({
      level: s.problem.level,
      prompt: s.problem.prompt,
      output: s.output,
      answer: s.problem.answer,
      reward: s.winRate,
      correct: s.correct,
      kept: role.has(s),
      verdict: `${s.verdict}; win rate ${s.winRate.toFixed(2)} in its group (${ctx.rater.kind} rater), target log-ratio ${((s.winRate - 0.5) / config.beta).toFixed(2)}, ${role.get(s) ?? 'not in a pair'}`,
    }));
    return { metrics, trajectories };
  }

  return {
    kind: 'sppo',
    iterate,
    // The running sum of class shares; the previous iterate needs no keeping: the win rate against it is measured
    // at the end of the iteration, against the weights the iteration started from.
    getState: () => structuredClone(shares),
    setState(value: unknown) {
      shares = readShareState(value);
    },
  };
}
