/**
 * Self-Rewarding DPO, and CREAM's consistency-regularised form of it.
 *
 * Papers: Yuan et al. 2024, "Self-Rewarding Language Models" (the model judges its own samples, pairs its best
 * against its worst and trains on them with DPO, iteration after iteration: M1 -> M2 -> M3); Wang et al. 2025,
 * "CREAM: Consistency Regularized Self-Rewarding Language Models" (Raibows/CREAM): the judge is the DPO implicit
 * reward, and each pair is trusted as far as the previous iteration's model ranks the same samples alike.
 *
 * One iteration t (the policy is M_t, the model its iteration t-1 left):
 *  1. Prompts from the curriculum (curriculum.ts); `samplesPerPrompt` samples each at `temperature`.
 *  2. The judge: each sample's implicit reward r(y) = beta * sum over its tokens (EOS included when it stopped) of
 *     log pi_t - log pi_ref, the reference being the frozen warm-up policy (ctx.reference).
 *  3. CREAM's second ranking: the previous iteration's model M_{t-1} (kept as weights in the recipe state; at t = 1
 *     the warm-up policy) scores the same samples by length-normalised log-likelihood. Per prompt, Kendall's tau-b
 *     between the two rankings (cream.ts); C = (tau + 1) / 2, per prompt or averaged over the set.
 *  4. Pairs (`rankedPairs`): best against worst by the self-reward, then second best against second worst, up to
 *     `pairsPerPrompt`, only while the better one scores strictly higher. In the first `seedIterations`
 *     iterations the run's rater ranks instead (its scores, or win rates for a rater without scores): the seed.
 *  5. `stepsPerIteration` steps of C * DPO(w, l) + (1 - C) * DPO(l, w) (C = 1 without consistency and in seed
 *     rounds) against the reference, plus `nllWeight` times the C-weighted NLL of each pair's answers; then
 *     round(stepsPerIteration * replayWarmup) supervised warm-up steps, as dpo.ts does and for the same reason.
 *  6. Monitors: tau, C, the judge's rewards of chosen and rejected and their margin, the rater's agreement with the
 *     self-made pairs, win rates against M_t (now the previous model) and the reference (preference-monitors.ts).
 *
 * Choices and deviations (docs/preferences.md):
 *  - The reference of the implicit reward is the warm-up policy, not the previous iteration's model: it is the
 *    reference the DPO loss trains against, and the implicit reward is what that loss defines; one anchor also
 *    keeps r comparable across iterations. The price: at t = 1 the policy is its reference and every r is 0, hence
 *    the seed round(s), in place of Self-Rewarding's seed judge data and DICE's DPO-trained starting model.
 *  - The judge is the implicit reward (as CREAM does for small models), not an LLM-as-a-judge prompt: a model of a
 *    few thousand weights cannot follow a judging prompt.
 *  - The NLL term (Iterative RPO) and the replay steps are ours, as in dpo.ts; CREAM's C weights the NLL too.
 */
import type { OptimConfig, SelfRewardingRecipeConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { groupScores } from '../environments/preferences';
import { meanPassAtK } from '../monitors/exploration';
import type { IterationResult, PairLoss, Recipe, RecipeContext, Rng, TrainBatch, TrajectoryRecord } from '../types';
import { consistencyWeights, kendallTauB } from './cream';
import { majorityAccuracy, sampleGroups } from './curriculum';
import { pairLoss } from './pair-loss';
import { readPreviousWeights, selfAgreement, sequenceLogProbs, winRateMonitors, withPrevious, type PreviousWeights } from './preference-monitors';
import { promptTokens, type Sample } from './rollout';
import { trainIteration } from './steps';

interface Judged extends Sample {
  /** The judge's reward: beta * (log pi - log ref). */
  selfReward: number;
  /** The previous iteration's model's length-normalised log-likelihood. */
  previousScore: number;
  /** The task's verifier reward (a monitor only: never trained on). */
  reward: number;
  correct: boolean;
  verdict: string;
}

/**
 * Up to `max` (better, worse) index pairs of one group by `scores`: the best against the worst, then the second best
 * against the second worst, while the better scores strictly higher; equal scores are ordered by `rng` first.
 */
export function rankedPairs(scores: readonly number[], max: number, rng: Rng): Array<[number, number]> {
  const order = scores.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  order.sort((a, b) => scores[b]! - scores[a]!);
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < Math.min(max, Math.floor(order.length / 2)); k++) {
    const w = order[k]!;
    const l = order[order.length - 1 - k]!;
    if (!(scores[w]! > scores[l]!)) break;
    pairs.push([w, l]);
  }
  return pairs;
}

function rowOf(ctx: RecipeContext, s: Sample): { sequence: number[]; start: number } {
  const prompt = promptTokens(ctx.task, s.problem);
  return { sequence: [...prompt, ...s.tokens, ...(s.finished ? [ctx.task.tokenizer.eos] : [])], start: prompt.length };
}

export function createSelfRewardingRecipe(config: SelfRewardingRecipeConfig, optim: OptimConfig): Recipe {
  let previous: PreviousWeights = null;

  async function iterate(ctx: RecipeContext): Promise<IterationResult> {
    const t0 = performance.now();
    const groups = await sampleGroups(ctx, config, config.samplesPerPrompt);
    // Every sample scored by this model, the reference and the previous model in one pass each.
    const rows: TrainBatch = { sequences: [], targetStart: [] };
    for (const s of groups.flat()) {
      const r = rowOf(ctx, s);
      rows.sequences.push(r.sequence);
      rows.targetStart.push(r.start);
    }
    const pi = sequenceLogProbs(ctx.policy.logProbs(rows));
    const ref = sequenceLogProbs(ctx.reference.logProbs(rows));
    const prev = withPrevious(ctx, previous, (p) => sequenceLogProbs(p.logProbs(rows)));
    let n = 0;
    const judged: Judged[][] = groups.map((group) =>
      group.map((s) => {
        const i = n++;
        const v = ctx.task.verify(s.problem, s.output);
        return {
          ...s,
          selfReward: config.beta * (pi[i]!.sum - ref[i]!.sum),
          previousScore: prev[i]!.tokens > 0 ? prev[i]!.sum / prev[i]!.tokens : 0,
          reward: v.reward,
          correct: v.correct,
          verdict: v.verdict,
        };
      }),
    );
    const all = judged.flat();
    const tau = judged.map((g) =>
      kendallTauB(
        g.map((s) => s.selfReward),
        g.map((s) => s.previousScore),
      ),
    );

    const seed = ctx.iteration <= config.seedIterations;
    const selfPairs: Array<{ w: Judged; l: Judged; group: number }> = [];
    const trainPairs: Array<{ w: Judged; l: Judged; group: number }> = [];
    judged.forEach((g, gi) => {
      for (const [w, l] of rankedPairs(
        g.map((s) => s.selfReward),
        config.pairsPerPrompt,
        ctx.rng,
      ))
        selfPairs.push({ w: g[w]!, l: g[l]!, group: gi });
      if (!seed) return;
      const scores = groupScores({ problem: g[0]!.problem, outputs: g.map((s) => s.output) }, ctx.rater, ctx.rng);
      for (const [w, l] of rankedPairs(scores, config.pairsPerPrompt, ctx.rng)) trainPairs.push({ w: g[w]!, l: g[l]!, group: gi });
    });
    if (!seed) trainPairs.push(...selfPairs);
    const weights = seed
      ? trainPairs.map(() => 1)
      : consistencyWeights(
          config.consistency,
          trainPairs.map((p) => tau[p.group]!),
          tau,
        );
    const startWeights = ctx.policy.getState();
    const sampleSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const sums = { loss: 0, dpo: 0, accuracy: 0 };
    let batch: TrainBatch | null = null;
    if (trainPairs.length > 0) {
      // Chosen rows first, then the rejected rows in the same pair order: the layout creamDpoLoss reads.
      batch = { sequences: [], targetStart: [] };
      for (const s of [...trainPairs.map((p) => p.w), ...trainPairs.map((p) => p.l)]) {
        const r = rowOf(ctx, s);
        batch.sequences.push(r.sequence);
        batch.targetStart.push(r.start);
      }
      batch.refLogProbs = ctx.reference.logProbs(batch);
    }
    const loss: PairLoss = { kind: 'cream', beta: config.beta, nllWeight: config.nllWeight, consistency: weights };
    const trained = await trainIteration(ctx, optim, batch, {
      steps: config.stepsPerIteration,
      replaySteps: Math.round(config.stepsPerIteration * config.replayWarmup),
      loss: (p, keep) => pairLoss(ctx.policy, p, loss, keep),
      parallel: loss,
      onStep(result) {
        sums.loss += result.loss;
        sums.dpo += result.aux.dpo!;
        sums.accuracy += result.aux.accuracy!;
      },
    });
    const dpoSteps = trained.lossSteps;
    const trainSeconds = (performance.now() - t1) / 1000;

    const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
    const metrics: Metrics = {
      'reward/mean': mean(all.map((s) => s.reward)),
      'pref/kendall_tau': mean(tau),
      'pref/mean_length': mean(all.map((s) => s.tokens.length)),
      'sr/pairs': trainPairs.length,
      'sr/no_pair_fraction': judged.length === 0 ? 0 : 1 - new Set(trainPairs.map((p) => p.group)).size / judged.length,
      'sr/seed_round': seed ? 1 : 0,
      'explore/pass_at_k': meanPassAtK(
        judged.map((g) => g.map((s) => s.correct)),
        config.samplesPerPrompt,
      ),
      'train/steps': trained.steps,
      'curriculum/level': ctx.level,
      'curriculum/mastery': majorityAccuracy(ctx.task, judged, ctx.level),
      'time/sample_s': sampleSeconds,
      'time/train_s': trainSeconds,
    };
    if (config.consistency !== 'none' && !seed && weights.length > 0) metrics['pref/consistency'] = mean(weights);
    if (selfPairs.length > 0) {
      metrics['pref/chosen_reward'] = mean(selfPairs.map((p) => p.w.selfReward));
      metrics['pref/rejected_reward'] = mean(selfPairs.map((p) => p.l.selfReward));
      metrics['pref/reward_margin'] = metrics['pref/chosen_reward'] - metrics['pref/rejected_reward'];
      metrics['pref/self_agreement'] = selfAgreement(
        ctx,
        selfPairs.map((p) => ({ problem: p.w.problem, chosen: p.w.output, rejected: p.l.output })),
      )!;
    }
    if (dpoSteps > 0) {
      metrics['train/loss'] = sums.loss / dpoSteps;
      metrics['sr/loss'] = sums.dpo / dpoSteps;
      metrics['sr/reward_accuracy'] = sums.accuracy / dpoSteps;
    }
    // After training: this model against the one it started the iteration as (now the previous) and the reference.
    Object.assign(metrics, winRateMonitors(ctx, startWeights, { prompts: config.winRatePrompts, temperature: config.temperature, topK: config.topK }));
    previous = startWeights;

    const role = new Map<Judged, string>();
    trainPairs.forEach((p, i) => {
      role.set(p.w, `chosen, C ${weights[i]!.toFixed(2)}`);
      role.set(p.l, `rejected, C ${weights[i]!.toFixed(2)}`);
    });
    const trajectories: TrajectoryRecord[] = judged.flatMap((g, gi) =>
      g.map((s) => ({
        level: s.problem.level,
        prompt: s.problem.prompt,
        output: s.output,
        answer: s.problem.answer,
        reward: s.selfReward,
        correct: s.correct,
        kept: role.has(s),
        verdict: `${s.verdict}; self-reward ${s.selfReward.toFixed(3)}, previous model ${s.previousScore.toFixed(2)} nats/token, tau ${tau[gi]!.toFixed(2)}, ${role.get(s) ?? 'not in a pair'}${seed ? ' (seed round: the rater chose)' : ''}`,
      })),
    );
    return { metrics, trajectories };
  }

  return {
    kind: 'self-rewarding',
    iterate,
    // The previous iteration's model, as weights: CREAM's second ranking and the win rate against it need it.
    getState: () => ({ previous }),
    setState(value: unknown) {
      previous = readPreviousWeights((value as { previous?: unknown } | null)?.previous);
    },
  };
}
