import type { Problem, RecipeContext, Rng, Task } from '../types';
import { majority, rollout, type Sample } from './rollout';

/**
 * The curriculum, in one place for every recipe. The level starts just above the warm-up levels; a recipe
 * reports `curriculum/mastery` (its measured accuracy at the current level) and the session moves the level up
 * by one when mastery reaches MASTERY_THRESHOLD, never past the hardest level.
 */
export const MASTERY_THRESHOLD = 0.8;
/**
 * Share of each iteration's prompts drawn from levels already mastered. Small: the recipes' replayWarmup share
 * already keeps the easy levels in every batch, and easy prompts' (plentiful) correct samples would otherwise
 * crowd the few hard-won ones at the current level out of the kept set.
 */
export const REVIEW_SHARE = 0.1;

export function initialLevel(task: Task): number {
  const above = task.levels.filter((l) => l > Math.max(0, ...task.warmupLevels));
  return above.length > 0 ? above[0]! : task.levels[task.levels.length - 1]!;
}

export function nextLevel(task: Task, level: number, mastery: number, threshold: number = MASTERY_THRESHOLD): number {
  if (mastery < threshold) return level;
  const higher = task.levels.filter((l) => l > level);
  return higher.length > 0 ? higher[0]! : level;
}

/**
 * Prompts for one iteration: most at the current level and REVIEW_SHARE from the levels below it (uniformly);
 * with the curriculum off, uniformly from every level.
 */
export function curriculumPrompts(task: Task, rng: Rng, n: number, level: number, curriculum: boolean): Problem[] {
  if (!curriculum) {
    return Array.from({ length: n }, () => task.sample(rng, 1, task.levels[rng.int(task.levels.length)]!)[0]!);
  }
  const below = task.levels.filter((l) => l < level);
  const review = below.length === 0 ? 0 : Math.round(n * REVIEW_SHARE);
  const problems = task.sample(rng, n - review, level);
  for (let i = 0; i < review; i++) problems.push(...task.sample(rng, 1, below[rng.int(below.length)]!));
  return problems;
}

/**
 * Mastery of `level`: the share of its prompts whose majority-voted answer (over the k samples) the task accepts.
 * The verifier decides only when the curriculum moves up, never which samples are trained on.
 */
export function majorityAccuracy(task: Task, groups: Sample[][], level: number): number {
  const atLevel = groups.filter((g) => g.length > 0 && g[0]!.problem.level === level);
  if (atLevel.length === 0) return 0;
  const right = atLevel.filter((g) => task.verify(g[0]!.problem, majority(g.map((s) => s.output)).answer).correct).length;
  return right / atLevel.length;
}

/**
 * The sampling phase of an online recipe (GRPO, DPO, SPO, the reward-model baseline): the iteration's prompts drawn
 * from the curriculum, `perPrompt` samples each, at the recipe's temperature and top-k, on the run's random stream.
 */
export async function sampleGroups(
  ctx: RecipeContext,
  config: { promptsPerIteration: number; temperature: number; topK: number; curriculum: boolean },
  perPrompt: number,
): Promise<Sample[][]> {
  ctx.progress('sample', 0, 1);
  await ctx.stepBoundary();
  const problems = curriculumPrompts(ctx.task, ctx.rng, config.promptsPerIteration, ctx.level, config.curriculum);
  return rollout(ctx.policy, ctx.task, problems, { samplesPerProblem: perPrompt, temperature: config.temperature, topK: config.topK, rng: ctx.rng });
}
