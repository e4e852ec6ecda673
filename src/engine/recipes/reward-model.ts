/**
 * The reward-model baseline beside SPO: the classic RLHF pipeline at the scale of the preference task.
 *
 * Papers: Christiano et al. 2017 and Ouyang et al. 2022 (fit a Bradley-Terry reward model to comparisons, then RL on
 * it); the comparison with SPO is Swamy et al. 2024, "A Minimaximalist Approach to RLHF": a reward model cannot
 * represent an intransitive preference, so RL on it chases one option where SPO heads for the Minimax Winner.
 *
 * One iteration:
 *  1. Prompts from the curriculum; `groupSize` samples each; every pair of each group compared once by the run's
 *     rater (exactly SPO's comparisons, drawn from the run's random stream).
 *  2. The comparisons so far (all iterations, a growing preference data set, checkpointed) are counted per pair of
 *     output classes (an output of no class is one more class, "other") and a Bradley-Terry model is fitted: one
 *     utility u_c per class, maximising the mean log sigmoid(u_winner - u_loser) (a tie counts a half each way)
 *     minus l2/2 * |u|^2, by 200 steps of gradient ascent, centred to mean 0.
 *  3. A sample's reward is its class's fitted utility; advantage = reward - its group's mean; the same
 *     policy-gradient update as SPO (spo.ts, policyGradientSteps).
 *  4. Monitors: the fitted utilities (rm/utility_<class>), the reward model's accuracy on this iteration's
 *     comparisons, and the class-share monitors SPO reports (pref/*).
 *
 * Choices: the reward model is tabular over the task's output classes (the preference task gives each output a
 * class, so this is the best any reward model of the class can do); the fit is deterministic.
 */
import type { OptimConfig, RewardModelRecipeConfig } from '../../shared/config';
import { CodedError } from '../../shared/errors';
import type { Metrics } from '../../shared/run';
import { compare } from '../environments/preferences';
import type { IterationResult, Recipe, RecipeContext, TrajectoryRecord } from '../types';
import { sampleGroups } from './curriculum';
import type { Sample } from './rollout';
import { policyGradientSteps, readShareState, shareMonitors, type ShareState } from './spo';

interface RewardModelState extends ShareState {
  /** wins[i][j]: comparisons class i won against class j (ties a half each), classes + 1 ("other") square. */
  wins: number[][];
}

/** Bradley-Terry utilities from pairwise win counts: gradient ascent on the mean log-likelihood with an L2 penalty. */
export function fitBradleyTerry(wins: number[][], l2: number, steps = 200): number[] {
  const n = wins.length;
  const total = wins.flat().reduce((a, b) => a + b, 0);
  const u = new Array<number>(n).fill(0);
  if (total === 0) return u;
  for (let t = 0; t < steps; t++) {
    const grad = u.map((x) => -l2 * x);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const c = wins[i]![j]!;
        if (c === 0 || i === j) continue;
        const g = (c / total) * (1 - 1 / (1 + Math.exp(-(u[i]! - u[j]!))));
        grad[i]! += g;
        grad[j]! -= g;
      }
    for (let i = 0; i < n; i++) u[i]! += 4 * grad[i]!;
  }
  const mean = u.reduce((a, b) => a + b, 0) / n;
  return u.map((x) => x - mean);
}

export function createRewardModelRecipe(config: RewardModelRecipeConfig, optim: OptimConfig): Recipe {
  let state: RewardModelState = { wins: [], shareSums: [], iterations: 0 };

  async function iterate(ctx: RecipeContext): Promise<IterationResult> {
    const classes = ctx.task.outputClasses;
    if (!classes)
      throw new CodedError('invalid_config', 'recipe.kind "reward-model" needs a task with output classes (task.kind "preference")', [
        { path: 'task.kind', message: 'no output classes' },
      ]);
    const n = classes.names.length + 1;
    const classOf = (s: Sample) => classes.classOf(s.output) ?? n - 1;
    if (state.wins.length !== n) state = { ...state, wins: Array.from({ length: n }, () => new Array<number>(n).fill(0)) };
    const groups = await sampleGroups(ctx, config, config.groupSize);
    const wins = state.wins.map((row) => [...row]);
    const comparisons: Array<[number, number, number]> = [];
    for (const group of groups)
      for (let i = 0; i < group.length; i++)
        for (let j = i + 1; j < group.length; j++) {
          const outcome = compare(ctx.rater, group[i]!.problem, group[i]!.output, group[j]!.output, ctx.rng);
          const [a, b] = [classOf(group[i]!), classOf(group[j]!)];
          wins[a]![b]! += outcome;
          wins[b]![a]! += 1 - outcome;
          comparisons.push([a, b, outcome]);
        }
    const utility = fitBradleyTerry(wins, config.l2);
    const scored = groups.map((group) => {
      const rewards = group.map((s) => utility[classOf(s)]!);
      const mean = rewards.reduce((x, y) => x + y, 0) / rewards.length;
      return group.map((s, j) => ({ ...s, reward: rewards[j]!, advantage: rewards[j]! - mean }));
    });
    const rows = scored.filter((g) => g.some((s) => s.advantage !== 0)).flat();
    const trained = await policyGradientSteps(ctx, rows, { ...config, klBeta: 0, replayWarmup: 0 }, optim);
    state = { ...state, wins };
    const monitors = shareMonitors(ctx, state);
    state = { ...state, ...monitors.state };

    const decided = comparisons.filter(([a, b, o]) => o !== 0.5 && a !== b);
    const agree = decided.filter(([a, b, o]) => utility[a]! > utility[b]! === (o === 1)).length;
    const metrics: Metrics = {
      'reward/mean': scored.flat().reduce((x, s) => x + s.reward, 0) / Math.max(1, scored.flat().length),
      'rm/accuracy': decided.length === 0 ? 0 : agree / decided.length,
      'rm/comparisons': wins.flat().reduce((a, b) => a + b, 0),
      'train/steps': trained.steps,
      'train/rows': rows.length,
      'curriculum/level': ctx.level,
      ...monitors.metrics,
    };
    [...classes.names, 'other'].forEach((name, k) => (metrics[`rm/utility_${name}`] = utility[k]!));
    if (trained.pgSteps > 0) metrics['train/loss'] = trained.loss;
    const inBatch = new Set(rows);
    const trajectories: TrajectoryRecord[] = scored.flat().map((s) => ({
      level: s.problem.level,
      prompt: s.problem.prompt,
      output: s.output,
      answer: s.problem.answer,
      reward: s.reward,
      correct: ctx.task.verify(s.problem, s.output).correct,
      kept: inBatch.has(s),
      verdict: `reward-model utility ${s.reward.toFixed(2)} (fitted to ${ctx.rater.kind} comparisons), advantage ${s.advantage.toFixed(2)}`,
    }));
    return { metrics, trajectories };
  }

  return {
    kind: 'reward-model',
    iterate,
    getState: () => structuredClone(state),
    setState(value: unknown) {
      const v = value as Partial<RewardModelState> | null;
      state = { ...readShareState(value), wins: Array.isArray(v?.wins) ? v.wins.map((row) => (row as unknown[]).map(Number)) : [] };
    },
  };
}
