/**
 * Online DPO on verifier-ranked pairs of the policy's own answers.
 *
 * Papers: DPO (Rafailov et al. 2023, "Direct Preference Optimization"); its online, iterative use on pairs the
 * current policy samples, ranked by a correctness check, as in Iterative Reasoning Preference Optimization (Pang et
 * al. 2024) and the iterative DPO of Self-Rewarding LMs (Yuan et al. 2024), with the verifier in place of a judge.
 *
 * One iteration:
 *  1. Prompts from the curriculum (curriculum.ts); k samples each at `temperature`.
 *  2. The preference environment (environments/preferences.ts) rates each prompt's group of samples with the run's
 *     rater (`rater` in the run config, protected). By default it is the task's verifier (1 correct, 0 not, partial
 *     credit where the task gives it) seen through the agent's tools (its self-verification zeroes a sample it
 *     rejects, its shaping may change the value), as in grpo.ts; its score is the sample's training reward. A rater
 *     without scores (a hidden utility, the cyclic rater, a panel) compares every pair of the group, and a sample's
 *     reward is its win rate.
 *  3. Pairs (`extremePairs`): for a prompt whose samples do not all have the same reward, chosen answers come from
 *     those with the highest reward and rejected ones from those with the lowest; with the plain agent that is a
 *     correct answer over an incorrect one. Up to `pairsPerPrompt` pairs, each answer in one pair at most, drawn by
 *     shuffling both sets with the run's random stream (so a seed replays the same pairs). With a person as the
 *     rater (rater.kind "person", dpo-pairs.ts) the pairs are two different samples of a prompt, stored for the Rate
 *     page; the iteration waits for the person's choices and trains on exactly those (a skip drops the pair).
 *  4. `stepsPerIteration` gradient steps on one batch of every pair, loss (dpo-loss.ts)
 *     -mean log sigmoid(beta * [(log pi(w) - log ref(w)) - (log pi(l) - log ref(l))]), log-probs summed over the
 *     answer tokens (EOS included when the sample stopped), the reference being the frozen warm-up policy; plus
 *     `nllWeight` times the chosen answers' per-token NLL (Iterative RPO; 0 = plain DPO).
 *  5. round(stepsPerIteration * replayWarmup) supervised steps on warm-up data, so easy levels are not forgotten.
 *
 * Why the NLL term and one replay step per DPO step by default: plain DPO here shows the likelihood displacement
 * reported for DPO (both log-ratios fall while their margin grows: after 6 steps on one iteration's pairs the
 * chosen answers lost 12 nats and the rejected 22), the probability goes to answers in neither set, and the
 * warm-up levels collapse within an iteration. Iterative RPO's NLL on the chosen answers plus replay keeps them.
 *
 * Choices and deviations:
 *  - The reference stays the warm-up policy for the whole run (the session's `ctx.reference`): iterative DPO in
 *    the papers re-anchors to the previous iteration's model each round; here one anchor keeps the implicit reward
 *    comparable across iterations, and the few steps per iteration keep the policy near its samples.
 *  - Prompts whose samples all agree give no pair and no gradient (counted in dpo/no_pair_fraction); an iteration
 *    with no pair at all trains only the replay steps.
 *  - The rows are exactly the sampled tokens (no EOS appended to a row that ran out of room), as in grpo.ts.
 *  - The monitors of the loss (dpo/loss, margins, log-ratios, implicit-reward accuracy) are means over the steps,
 *    each measured before its step's update, so the first step of the first iteration reads log 2 and 0.
 *  - Each trajectory in a pair records its pair, side, implicit reward after the iteration trained, and the rater's
 *    verdict (the Trajectories pair view); one extra forward pass over the pairs' rows.
 *  - Curriculum mastery = majority-vote accuracy over each prompt's k samples at the current level (curriculum.ts).
 */
import type { DpoRecipeConfig, OptimConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { meanPassAtK } from '../monitors/exploration';
import type { PairRole } from '../../shared/ratings';
import type { IterationResult, PairLoss, Recipe, RecipeContext, TrainBatch, TrajectoryRecord } from '../types';
import { majorityAccuracy, sampleGroups } from './curriculum';
import { personPairs, raterPairs, scoreGroups, type Scored } from './dpo-pairs';
import { pairLoss } from './pair-loss';
import { promptTokens } from './rollout';
import { trainIteration } from './steps';

export function createDpoRecipe(config: DpoRecipeConfig, optim: OptimConfig): Recipe {
  async function iterate(ctx: RecipeContext): Promise<IterationResult> {
    const t0 = performance.now();
    const groups = await sampleGroups(ctx, config, config.samplesPerPrompt);
    // The preference environment: each prompt's samples are a group judged by the run's rater (by default the task's
    // verifier seen through the agent's tools; dpo-pairs.ts), or pairs of them shown to a person, whose choices the run
    // waits for.
    const scored = scoreGroups(ctx, groups);
    const all = scored.flat();
    const sampleTokens = all.reduce((n, s) => n + s.tokens.length + (s.finished ? 1 : 0), 0);
    const tWait = performance.now();
    const { pairs, noPair } = ctx.person ? await personPairs(ctx, scored, config.pairsPerPrompt) : raterPairs(ctx, scored, config.pairsPerPrompt);
    const waitSeconds = (performance.now() - tWait) / 1000;
    const chosen = pairs.map((p) => p.chosen);
    const rejected = pairs.map((p) => p.rejected);
    // Chosen rows first, then the rejected rows in the same pair order: the layout dpoLoss reads.
    const batch: TrainBatch = { sequences: [], targetStart: [] };
    for (const s of [...chosen, ...rejected]) {
      const prompt = promptTokens(ctx.task, s.problem);
      batch.sequences.push([...prompt, ...s.tokens, ...(s.finished ? [ctx.task.tokenizer.eos] : [])]);
      batch.targetStart.push(prompt.length);
    }
    // The time a person took to rate is not the sampler's.
    const sampleSeconds = (performance.now() - t0) / 1000 - waitSeconds;

    const t1 = performance.now();
    const sums = { loss: 0, dpo: 0, margin: 0, chosen: 0, rejected: 0, accuracy: 0 };
    let trainTokens = 0;
    if (chosen.length > 0) batch.refLogProbs = ctx.reference.logProbs(batch);
    const loss: PairLoss = { kind: 'dpo', beta: config.beta, nllWeight: config.nllWeight };
    const trained = await trainIteration(ctx, optim, chosen.length > 0 ? batch : null, {
      steps: config.stepsPerIteration,
      replaySteps: Math.round(config.stepsPerIteration * config.replayWarmup),
      loss: (p, keep) => pairLoss(ctx.policy, p, loss, keep),
      parallel: loss,
      onStep(result, p) {
        sums.loss += result.loss;
        sums.dpo += result.aux.dpo!;
        sums.margin += result.aux.margin!;
        sums.chosen += result.aux.chosen_logratio!;
        sums.rejected += result.aux.rejected_logratio!;
        sums.accuracy += result.aux.accuracy!;
        trainTokens += p.tokens;
      },
    });
    trainTokens += trained.replayTokens;
    const dpoSteps = trained.lossSteps;
    // Each answer's implicit reward beta * (log pi - log ref) once the iteration has trained, for the pair view.
    const implicit = chosen.length > 0 ? implicitRewards(ctx, batch, config.beta) : [];
    const trainSeconds = (performance.now() - t1) / 1000;

    const metrics: Metrics = {
      'reward/mean': mean(all.map((s) => s.reward)),
      'dpo/pairs': chosen.length,
      'dpo/no_pair_fraction': scored.length === 0 ? 0 : noPair / scored.length,
      'dpo/mean_length': mean(all.map((s) => s.tokens.length)),
      'explore/pass_at_k': meanPassAtK(
        scored.map((g) => g.map((s) => s.verdict.correct)),
        config.samplesPerPrompt,
      ),
      'train/steps': trained.steps,
      'train/rows': batch.sequences.length,
      'curriculum/level': ctx.level,
      'curriculum/mastery': majorityAccuracy(ctx.task, scored, ctx.level),
      'time/sample_s': sampleSeconds,
      'time/train_s': trainSeconds,
      'perf/sample_tokens_per_s': sampleSeconds > 0 ? sampleTokens / sampleSeconds : 0,
      'perf/train_tokens_per_s': trainSeconds > 0 ? trainTokens / trainSeconds : 0,
    };
    if (dpoSteps > 0) {
      metrics['train/loss'] = sums.loss / dpoSteps;
      metrics['dpo/loss'] = sums.dpo / dpoSteps;
      metrics['dpo/reward_margin'] = sums.margin / dpoSteps;
      metrics['dpo/chosen_logratio'] = sums.chosen / dpoSteps;
      metrics['dpo/rejected_logratio'] = sums.rejected / dpoSteps;
      metrics['dpo/reward_accuracy'] = sums.accuracy / dpoSteps;
    }

    const role = new Map<Scored, PairRole>();
    pairs.forEach((p, k) => {
      role.set(p.chosen, { pair: k, role: 'chosen', implicitReward: implicit[k]!, rater: p.verdict });
      role.set(p.rejected, { pair: k, role: 'rejected', implicitReward: implicit[pairs.length + k]!, rater: p.verdict });
    });
    const trajectories: TrajectoryRecord[] = all.map((s) => ({
      level: s.problem.level,
      prompt: s.problem.prompt,
      output: s.output,
      answer: s.problem.answer,
      reward: s.reward,
      correct: s.verdict.correct,
      kept: role.has(s),
      verdict: `${s.verdict.verdict}; reward ${s.reward.toFixed(2)}, ${role.get(s)?.role ?? 'not in a pair'}`,
      ...(role.has(s) ? { pair: role.get(s)! } : {}),
    }));
    return { metrics, trajectories };
  }

  return {
    kind: 'dpo',
    iterate,
    // Nothing between iterations: the reference policy and the level live in the session.
    getState: () => ({}),
    setState: () => undefined,
  };
}

/** beta * (sum log pi - sum log ref) of each row of `batch` (its refLogProbs are the reference's). */
function implicitRewards(ctx: RecipeContext, batch: TrainBatch, beta: number): number[] {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const ref = batch.refLogProbs!;
  return ctx.policy.logProbs(batch).map((row, i) => beta * (sum(row) - sum(ref[i]!)));
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
