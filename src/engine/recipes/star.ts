/**
 * STaR / ReST-EM / RAFT rejection-sampling fine-tuning, with B-STaR balancing.
 *
 * Papers: STaR (Zelikman et al. 2022), ReST-EM (Singh et al. 2023, "Beyond Human Data"), RAFT (Dong et al. 2023),
 * B-STaR (Zeng et al. 2024, "Monitoring and Balancing Exploration and Exploitation in Self-Taught Reasoners"),
 * and the self-labelling length-generalisation story (warm up on short sums, label longer ones by majority vote).
 *
 * One iteration:
 *  1. Prompts: mostly from the curriculum level, some from mastered levels (curriculum.ts).
 *  2. B-STaR (balance.enabled): for each temperature T of the grid, sample k answers to `probeQueries` probe
 *     prompts; for each threshold tau compute the balance score; keep the best (T, tau). Ground truth is used
 *     ONLY here, to compute the monitor, as in the paper's analysis; training labels never come from it.
 *     With balancing off, T and tau are the fixed `temperature` and `rewardThreshold`.
 *  3. Sample k answers per training prompt at T and reward them: `verifier` = the task's 0/1 check;
 *     `majority` = the share of the k samples that agree with this one (self-verification, Huang et al.'s
 *     sharpening; no labels used).
 *  4. Keep: `threshold` keeps every sample with reward > tau (STaR/ReST; strictly above, as B-STaR's code keeps);
 *     `top1` keeps the best of k if it is above tau (RAFT). Duplicates are kept: k agreeing samples weigh more, as in STaR.
 *  5. Fine-tune on the kept set, each batch mixing a `replayWarmup` share of supervised warm-up data.
 *     fineTuneFromBase first resets the weights to the base (warm-up) policy, as STaR's code and ReST-EM do each
 *     iteration; otherwise training continues from the last iteration's weights, as B-STaR's script does.
 *
 * Choices made here:
 *  - Balance-score dedupe is OFF for arithmetic: a sum has exactly one correct answer, so deduped n_i' <= 1 and
 *    min(n_i'/n0, 1) <= 1/n0 for every query, which makes the score a precision measure and defeats its purpose
 *    (see monitors/balance.ts). For other tasks the paper's dedupe is used.
 *  - The probe prompts are the same for every T, so grid points are compared on equal queries.
 *  - Curriculum mastery = the share of current-level prompts whose majority-voted answer the task accepts. The
 *    verifier thus decides only when to move up a level, never which samples are trained on.
 *  - fineTuneFromBase resets the weights and the Adam state to the warm-up's, but the learning-rate schedule continues
 *    globally, where STaR's code also restarts it.
 */
import type { OptimConfig, StarRecipeConfig } from '../../shared/config';
import type { Metrics } from '../../shared/run';
import { chooseBalance, balanceScore, passesThreshold, type BalanceChoice, type ScoredSample } from '../monitors/balance';
import { distinctAnswers, distinctN, meanPassAtK, rewardPrecision } from '../monitors/exploration';
import type { Recipe, RecipeContext, IterationResult, TrajectoryRecord, Verdict } from '../types';
import { curriculumPrompts, majorityAccuracy } from './curriculum';
import { likelihoodStep } from './likelihood';
import { majority, memoryPairs, rollout, toTrainBatch, warmupTrainBatch, type Sample } from './rollout';

interface Scored extends Sample {
  reward: number;
  verdict: Verdict;
  kept: boolean;
}

interface StarState {
  /** The (T, tau) chosen each iteration, for the record; nothing downstream depends on it. */
  choices: BalanceChoice[];
}

export function createStarRecipe(config: StarRecipeConfig, optim: OptimConfig): Recipe {
  let state: StarState = { choices: [] };

  /** Rewards a prompt's k samples: the verifier's, or agreement with the other samples. */
  function score(ctx: RecipeContext, samples: Sample[]): Array<Omit<Scored, 'kept'>> {
    const { counts } = majority(samples.map((s) => s.output));
    return samples.map((s) => {
      const verdict = ctx.task.verify(s.problem, s.output);
      const base = config.reward === 'verifier' ? verdict.reward : (counts.get(s.output.trim()) ?? 0) / samples.length;
      // The agent's tools: its reward shaping, then its self-verification (a sample it rejects earns nothing).
      const reward = ctx.agent.accepts(s.problem, s.output) ? ctx.agent.shapeReward(s.problem, s.output, base) : 0;
      return { ...s, verdict, reward };
    });
  }

  function keep(group: Array<Omit<Scored, 'kept'>>, threshold: number): Scored[] {
    if (config.keep === 'threshold') return group.map((s) => ({ ...s, kept: passesThreshold(s.reward, threshold) }));
    let best = -1;
    group.forEach((s, i) => {
      if (passesThreshold(s.reward, threshold) && (best < 0 || s.reward > group[best]!.reward)) best = i;
    });
    return group.map((s, i) => ({ ...s, kept: i === best }));
  }

  async function probeBalance(ctx: RecipeContext, dedupe: boolean): Promise<{ choice: BalanceChoice; tokens: number }> {
    const { temperatures, thresholds, n0, probeQueries } = config.balance;
    const problems = curriculumPrompts(ctx.task, ctx.rng, probeQueries, ctx.level, config.curriculum);
    const probes: Array<{ temperature: number; queries: ScoredSample[][] }> = [];
    let tokens = 0;
    for (let i = 0; i < temperatures.length; i++) {
      ctx.progress('probe', i, temperatures.length);
      await ctx.stepBoundary();
      const temperature = temperatures[i]!;
      const groups = rollout(ctx.policy, ctx.task, problems, { samplesPerProblem: config.samplesPerPrompt, temperature, topK: config.topK, rng: ctx.rng });
      tokens += countTokens(groups);
      probes.push({ temperature, queries: groups.map((g) => score(ctx, g).map((s) => ({ output: s.output, reward: s.reward, correct: s.verdict.correct }))) });
    }
    return { choice: chooseBalance(probes, thresholds, n0, dedupe), tokens };
  }

  async function iterate(ctx: RecipeContext): Promise<IterationResult> {
    const dedupe = !ctx.task.uniqueAnswers;
    const metrics: Metrics = {};
    const t0 = performance.now();

    // 1-2. Choose the temperature and threshold.
    let temperature = config.temperature;
    let threshold = config.rewardThreshold;
    let sampleTokens = 0;
    if (config.balance.enabled) {
      const probe = await probeBalance(ctx, dedupe);
      ({ temperature, threshold } = probe.choice);
      sampleTokens += probe.tokens;
      metrics['balance/probe_score'] = probe.choice.score;
      state.choices.push(probe.choice);
    }

    // 3-4. Sample the training set with them, reward, keep.
    ctx.progress('sample', 0, 1);
    await ctx.stepBoundary();
    const problems = curriculumPrompts(ctx.task, ctx.rng, config.promptsPerIteration, ctx.level, config.curriculum);
    const groups = rollout(ctx.policy, ctx.task, problems, { samplesPerProblem: config.samplesPerPrompt, temperature, topK: config.topK, rng: ctx.rng });
    sampleTokens += countTokens(groups);
    const scored = groups.map((g) => keep(score(ctx, g), threshold));
    const all = scored.flat();
    const kept = all.filter((s) => s.kept);
    const sampleSeconds = (performance.now() - t0) / 1000;

    // 5. Fine-tune.
    const t1 = performance.now();
    if (config.fineTuneFromBase) ctx.policy.setState(ctx.reference.getState());
    const { loss, steps, tokens: trainTokens } = await fineTune(ctx, kept);
    const trainSeconds = (performance.now() - t1) / 1000;

    // Monitors.
    const mastery = majorityAccuracy(ctx.task, scored, ctx.level);
    Object.assign(metrics, {
      'reward/mean': mean(all.map((s) => s.reward)),
      'explore/pass_at_k': meanPassAtK(
        scored.map((g) => g.map((s) => s.verdict.correct)),
        config.samplesPerPrompt,
      ),
      'explore/distinct_answers': distinctAnswers(scored.map((g) => g.map((s) => s.output))),
      'explore/distinct_2': distinctN(
        all.map((s) => s.output),
        2,
      ),
      'exploit/reward_precision': rewardPrecision(all.map((s) => ({ kept: s.kept, correct: s.verdict.correct }))),
      'balance/score': balanceScore(
        scored.map((g) => g.map((s) => ({ output: s.output, reward: s.reward, correct: s.verdict.correct }))),
        { threshold, n0: config.balance.n0, dedupe },
      ),
      'balance/temperature': temperature,
      'balance/threshold': threshold,
      'train/kept': kept.length,
      'train/kept_fraction': all.length === 0 ? 0 : kept.length / all.length,
      'train/steps': steps,
      'curriculum/level': ctx.level,
      'curriculum/mastery': mastery,
      'time/sample_s': sampleSeconds,
      'time/train_s': trainSeconds,
      'perf/sample_tokens_per_s': sampleSeconds > 0 ? sampleTokens / sampleSeconds : 0,
      'perf/train_tokens_per_s': trainSeconds > 0 ? trainTokens / trainSeconds : 0,
    });
    if (steps > 0) metrics['train/loss'] = loss;

    const rewardName = config.reward === 'verifier' ? 'verifier reward' : 'majority share';
    const trajectories: TrajectoryRecord[] = all.map((s) => ({
      level: s.problem.level,
      prompt: s.problem.prompt,
      output: s.output,
      answer: s.problem.answer,
      reward: s.reward,
      correct: s.verdict.correct,
      kept: s.kept,
      verdict: `${s.verdict.verdict}; ${rewardName} ${s.reward.toFixed(2)} ${passesThreshold(s.reward, threshold) ? '>' : '<='} tau ${threshold}${config.keep === 'top1' ? ' (best of k)' : ''}: ${s.kept ? 'kept' : 'rejected'}`,
    }));
    return { metrics, trajectories };
  }

  /** trainStepsPerIteration SFT steps on the kept samples, a replayWarmup share of each batch from the warm-up data. */
  async function fineTune(ctx: RecipeContext, kept: Scored[]): Promise<{ loss: number; steps: number; tokens: number }> {
    const replayShare = kept.length === 0 ? 1 : config.replayWarmup;
    if (kept.length === 0 && config.replayWarmup === 0) return { loss: 0, steps: 0, tokens: 0 };
    const nReplay = Math.round(optim.batchSize * replayShare);
    const nMemory = ctx.agent.memory.length === 0 ? 0 : Math.min(optim.batchSize - nReplay, Math.round(optim.batchSize * ctx.agent.memoryShare));
    const nKept = kept.length === 0 ? 0 : optim.batchSize - nReplay - nMemory;
    const order = shuffled(ctx, kept.length);
    let cursor = 0;
    let lossSum = 0;
    let tokens = 0;
    const steps = config.trainStepsPerIteration;
    for (let step = 0; step < steps; step++) {
      ctx.progress('train', step, steps);
      await ctx.stepBoundary();
      const pairs: Array<{ prompt: string; answer: string }> = [];
      for (let i = 0; i < nKept; i++) {
        // Walk a shuffled order so every kept sample is seen before any repeats.
        const s = kept[order[cursor++ % order.length]!]!;
        pairs.push({ prompt: s.problem.prompt, answer: s.output.trim() });
      }
      pairs.push(...memoryPairs(ctx.agent.memory, ctx.rng, nMemory));
      const batch = toTrainBatch(ctx.task, pairs);
      if (nReplay > 0) {
        const replay = warmupTrainBatch(ctx.task, ctx.rng, nReplay);
        batch.sequences.push(...replay.sequences);
        batch.targetStart.push(...replay.targetStart);
      }
      const result = likelihoodStep(ctx.policy, batch, { learningRate: ctx.learningRate(ctx.globalStep + step), gradClip: optim.gradClip });
      lossSum += result.loss;
      tokens += result.tokens;
    }
    ctx.progress('train', steps, steps);
    return { loss: lossSum / steps, steps, tokens };
  }

  return {
    kind: 'star',
    iterate,
    getState: () => structuredClone(state),
    setState(value: unknown) {
      const v = value as Partial<StarState> | null;
      state = { choices: Array.isArray(v?.choices) ? structuredClone(v.choices) : [] };
    },
  };
}

function shuffled(ctx: RecipeContext, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = ctx.rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Generated tokens, counting the EOS each finished row ended with. */
export function countTokens(groups: Sample[][]): number {
  let n = 0;
  for (const g of groups) for (const s of g) n += s.tokens.length + 1;
  return n;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
