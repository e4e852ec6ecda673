/**
 * GRPO / RLOO: policy gradient with group-relative advantages on a verifiable reward.
 *
 * Papers: GRPO (Shao et al. 2024, DeepSeekMath), RLOO (Ahmadian et al. 2024, "Back to Basics"), PPO's clipped
 * ratio (Schulman et al. 2017).
 *
 * One iteration:
 *  1. Prompts from the curriculum (curriculum.ts); G samples each at `temperature`.
 *  2. Reward each sample with the verifier: 1 if correct, else (partialCredit) the fraction of answer characters
 *     right, position-wise, so that early groups, where nobody is fully right, still carry a signal.
 *  3. Advantage of sample j in its group: `group` A_j = (r_j - mean r) / (std r + eps) (GRPO), or `rloo`
 *     A_j = r_j - mean of the other G-1 rewards. Every token of sample j gets A_j.
 *  4. `stepsPerIteration` gradient steps on the batch: loss = -mean(min(ratio * A, clip(ratio, 1 +- eps) * A))
 *     + klBeta * KL(policy || reference), with ratio against the sampling policy (oldLogProbs) and the k3 KL
 *     estimator towards the frozen warm-up policy (the policy computes both; see policies/).
 *  5. round(stepsPerIteration * replayWarmup) supervised steps on warm-up data, so easy levels are not forgotten.
 *
 * Choices made here:
 *  - Groups whose rewards have zero std have A = 0 for every sample: they are left out of the batch (they add
 *    no policy-gradient signal) and counted in grpo/zero_std_fraction. The KL term is averaged over the rest.
 *  - `groupStd` "population" (default, unchanged): the population std of the group (divide by G), eps = 1e-6;
 *    "sample": TRL's GRPOTrainer, the sample std (divide by G - 1, torch.std's default) and eps = 1e-4. For G = 8 the
 *    sample std is sqrt(8/7) = 1.07 times the population one, so advantages are 0.94 as large.
 *  - oldLogProbs are recomputed with policy.logProbs on the exact training rows rather than taken from the
 *    sampler, so the ratio is exactly 1 at the first step whatever the sampling temperature.
 *  - Rows that ran out of room without EOS are trained without an appended EOS (we never teach a stop the
 *    policy did not take).
 *  - Curriculum mastery = majority-vote accuracy over each group at the current level (curriculum.ts).
 */
import type { GrpoRecipeConfig, OptimConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { meanPassAtK } from '../monitors/exploration';
import { partialCredit } from '../tasks/reward';
import { tf } from '../tf';
import type { IterationResult, Policy, PreparedBatch, Recipe, RecipeContext, TrainBatch, TrajectoryRecord, Verdict } from '../types';
import { majorityAccuracy, sampleGroups } from './curriculum';
import { promptTokens, type Sample } from './rollout';
import { trainIteration } from './steps';

/** eps of each std convention: 1e-6 here by default, 1e-4 in TRL. */
const STD_EPS = { population: 1e-6, sample: 1e-4 } as const;
export type GroupStd = keyof typeof STD_EPS;

interface Scored extends Sample {
  reward: number;
  verdict: Verdict;
  advantage: number;
}

/** Group-relative advantages: GRPO's standardised rewards, or RLOO's leave-one-out baseline. */
export function groupAdvantages(rewards: number[], baseline: 'group' | 'rloo', groupStd: GroupStd = 'population'): number[] {
  const g = rewards.length;
  const sum = rewards.reduce((a, b) => a + b, 0);
  const mean = sum / g;
  if (baseline === 'rloo') return rewards.map((r) => (g < 2 ? 0 : r - (sum - r) / (g - 1)));
  const squares = rewards.reduce((a, r) => a + (r - mean) ** 2, 0);
  const std = groupStd === 'sample' ? (g < 2 ? 0 : Math.sqrt(squares / (g - 1))) : Math.sqrt(squares / g);
  return rewards.map((r) => (std === 0 ? 0 : (r - mean) / (std + STD_EPS[groupStd])));
}

export function createGrpoRecipe(config: GrpoRecipeConfig, optim: OptimConfig): Recipe {
  function reward(ctx: RecipeContext, s: Sample): { reward: number; verdict: Verdict } {
    const verdict = ctx.task.verify(s.problem, s.output);
    const base = verdict.correct || !config.partialCredit || s.problem.answer === null ? verdict.reward : partialCredit(s.output, s.problem.answer);
    // The agent's tools: its reward shaping, then its self-verification (a sample it rejects earns nothing).
    return { reward: ctx.agent.accepts(s.problem, s.output) ? ctx.agent.shapeReward(s.problem, s.output, base) : 0, verdict };
  }

  async function iterate(ctx: RecipeContext): Promise<IterationResult> {
    const t0 = performance.now();
    const groups = await sampleGroups(ctx, config, config.groupSize);
    const scored: Scored[][] = groups.map((group) => {
      const rated = group.map((s) => ({ ...s, ...reward(ctx, s) }));
      const advantages = groupAdvantages(
        rated.map((s) => s.reward),
        config.baseline,
        config.groupStd,
      );
      return rated.map((s, j) => ({ ...s, advantage: advantages[j]! }));
    });
    const all = scored.flat();
    const sampleTokens = all.reduce((n, s) => n + s.tokens.length + (s.finished ? 1 : 0), 0);
    const zeroStd = scored.filter((g) => g.every((s) => s.reward === g[0]!.reward)).length;

    // The training rows: exactly the sampled tokens, so the ratio and KL are of what the policy did.
    const rows = scored.filter((g) => g.some((s) => s.reward !== g[0]!.reward)).flat();
    const batch: TrainBatch = { sequences: [], targetStart: [], weights: [] };
    for (const s of rows) {
      const prompt = promptTokens(ctx.task, s.problem);
      batch.sequences.push([...prompt, ...s.tokens, ...(s.finished ? [ctx.task.tokenizer.eos] : [])]);
      batch.targetStart.push(prompt.length);
      batch.weights!.push(s.advantage);
    }
    const sampleSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    let lossSum = 0;
    let klSum = 0;
    let trainTokens = 0;
    const hasRows = batch.sequences.length > 0;
    if (hasRows) {
      batch.oldLogProbs = ctx.policy.logProbs(batch);
      batch.refLogProbs = ctx.reference.logProbs(batch);
    }
    const trained = await trainIteration(ctx, optim, hasRows ? batch : null, {
      steps: config.stepsPerIteration,
      replaySteps: Math.round(config.stepsPerIteration * config.replayWarmup),
      loss: (p, keep) => grpoLoss(ctx.policy, p, config.clipEpsilon, config.klBeta, keep),
      parallel: { kind: 'grpo', clipEpsilon: config.clipEpsilon, klBeta: config.klBeta },
      onStep(result, p) {
        lossSum += result.loss;
        klSum += result.aux.kl ?? 0;
        trainTokens += p.tokens;
      },
    });
    trainTokens += trained.replayTokens;
    const pgSteps = trained.lossSteps;
    const trainSeconds = (performance.now() - t1) / 1000;

    const sampledLogProbs = all.flatMap((s) => s.logProbs);
    const metrics: Metrics = {
      'reward/mean': mean(all.map((s) => s.reward)),
      'grpo/zero_std_fraction': scored.length === 0 ? 0 : zeroStd / scored.length,
      'grpo/entropy': sampledLogProbs.length === 0 ? 0 : -mean(sampledLogProbs),
      'grpo/mean_length': mean(all.map((s) => s.tokens.length)),
      'explore/pass_at_k': meanPassAtK(
        scored.map((g) => g.map((s) => s.verdict.correct)),
        config.groupSize,
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
    if (pgSteps > 0) {
      metrics['train/loss'] = lossSum / pgSteps;
      metrics['train/kl'] = klSum / pgSteps;
    }

    const trainedRows = new Set(rows);
    const trajectories: TrajectoryRecord[] = all.map((s) => ({
      level: s.problem.level,
      prompt: s.problem.prompt,
      output: s.output,
      answer: s.problem.answer,
      reward: s.reward,
      correct: s.verdict.correct,
      kept: trainedRows.has(s),
      verdict: `${s.verdict.verdict}; reward ${s.reward.toFixed(2)}, advantage ${s.advantage.toFixed(2)}${trainedRows.has(s) ? '' : ' (group without signal: not trained)'}`,
    }));
    return { metrics, trajectories };
  }

  return {
    kind: 'grpo',
    iterate,
    // GRPO keeps nothing between iterations: the reference policy and the level live in the session.
    getState: () => ({}),
    setState: () => undefined,
  };
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * GRPO's loss (PPO's clipped surrogate with group-normalised advantages as the per-sequence weights, token-level
 * mean) plus klBeta times the k3 estimate of KL(policy || reference): exp(ref - lp) - (ref - lp) - 1, unbiased and
 * >= 0. The KL estimate is kept as `kl` for the metrics whether or not it is in the loss.
 */
export function grpoLoss(policy: Policy, p: PreparedBatch, clipEpsilon: number, klBeta: number, keep: (name: string, value: tf.Tensor) => void): tf.Scalar {
  const mask = tf.tensor2d(p.mask, [p.batch, p.time]);
  const ntok = Math.max(p.tokens, 1);
  const adv = tf.tensor2d(p.weights, [p.batch, 1]);
  const lp = policy.tokenLogProbs(p, true);
  let objective: tf.Tensor;
  if (p.oldLogProbs) {
    const ratio = tf.exp(tf.sub(lp, tf.tensor2d(p.oldLogProbs, [p.batch, p.time])));
    const clipped = tf.clipByValue(ratio, 1 - clipEpsilon, 1 + clipEpsilon);
    objective = tf.minimum(tf.mul(ratio, adv), tf.mul(clipped, adv));
  } else {
    objective = tf.mul(lp, adv);
  }
  let loss = tf.div(tf.neg(tf.sum(tf.mul(objective, mask))), ntok);
  if (p.refLogProbs) {
    const d = tf.sub(tf.tensor2d(p.refLogProbs, [p.batch, p.time]), lp);
    const kl = tf.div(tf.sum(tf.mul(tf.sub(tf.sub(tf.exp(d), d), 1), mask)), ntok);
    keep('kl', kl);
    if (klBeta) loss = tf.add(loss, tf.mul(kl, klBeta));
  }
  return loss as tf.Scalar;
}
