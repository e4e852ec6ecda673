/**
 * Where DPO's pairs come from (recipes/dpo.ts): the run's rater, or a person.
 *  - A rater (the verifier by default; a hidden utility, the cyclic rater, a panel) scores each prompt's group, or
 *    gives each sample its win rate within it, and the pairs are its extremes (`extremePairs`).
 *  - A person (rater.kind "person"): per prompt up to `pairsPerPrompt` pairs of two different samples, drawn by
 *    shuffling the group with the run's random stream (so a seed replays the same pairs, each sample in one pair at
 *    most, and which one is shown as A is random, so a person's habit of picking one side is no signal). The run waits
 *    for the person's choices (oversight/person-rating.ts): A or B makes the pair, a skip drops it, and so does a pair
 *    left unrated when the quorum came first.
 */
import { extremePairs, groupScores } from '../environments/preferences';
import type { RecipeContext, Verdict } from '../types';
import type { Sample } from './rollout';

export interface Scored extends Sample {
  reward: number;
  verdict: Verdict;
}

export interface DpoPair {
  chosen: Scored;
  rejected: Scored;
  /** The rater's verdict on the pair, in words (the pair view shows it). */
  verdict: string;
}

/** Each group's samples with their rewards: the rater's scores or win rates; with a person, the task verifier's reward. */
export function scoreGroups(ctx: RecipeContext, groups: Sample[][]): Scored[][] {
  return groups.map((group) => {
    const verdicts = group.map((s) => ctx.task.verify(s.problem, s.output));
    const scores = ctx.person
      ? verdicts.map((v) => v.reward)
      : groupScores({ problem: group[0]!.problem, outputs: group.map((s) => s.output) }, ctx.rater, ctx.rng);
    return group.map((s, i) => ({ ...s, reward: scores[i]!, verdict: verdicts[i]! }));
  });
}

/** The rater's pairs: best against worst of each group. */
export function raterPairs(ctx: RecipeContext, scored: Scored[][], max: number): { pairs: DpoPair[]; noPair: number } {
  const pairs: DpoPair[] = [];
  let noPair = 0;
  const what = ctx.rater.score ? 'score' : 'win rate';
  for (const group of scored) {
    const found = extremePairs(
      group.map((s) => s.reward),
      max,
      ctx.rng,
    );
    if (found.length === 0) noPair++;
    for (const [w, l] of found) {
      const [chosen, rejected] = [group[w]!, group[l]!];
      pairs.push({ chosen, rejected, verdict: `${ctx.rater.kind}: ${what} ${chosen.reward.toFixed(2)} over ${rejected.reward.toFixed(2)}` });
    }
  }
  return { pairs, noPair };
}

/** Up to `max` pairs of samples with different outputs, each sample in one pair at most, in `rng`'s order. */
export function distinctPairs(outputs: string[], max: number, rng: RecipeContext['rng']): Array<[number, number]> {
  const order = outputs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const used = new Set<number>();
  const pairs: Array<[number, number]> = [];
  for (const i of order) {
    if (pairs.length >= max) break;
    if (used.has(i)) continue;
    const j = order.find((k) => k !== i && !used.has(k) && outputs[k] !== outputs[i]);
    if (j === undefined) continue;
    used.add(i).add(j);
    pairs.push([i, j]);
  }
  return pairs;
}

/** The person's pairs: asks for every candidate pair of the iteration at once, waits, keeps those chosen A or B. */
export async function personPairs(ctx: RecipeContext, scored: Scored[][], max: number): Promise<{ pairs: DpoPair[]; noPair: number; asked: number }> {
  const person = ctx.person;
  if (!person) throw new Error('rater.kind "person" needs the runner, which waits for the choices: run it with `evolab run` or from the app.');
  const candidates = scored.map((group) =>
    distinctPairs(
      group.map((s) => s.output),
      max,
      ctx.rng,
    ).map(([i, j]) => [group[i]!, group[j]!] as const),
  );
  const flat = candidates.flat();
  const verdicts = await person.rate(
    ctx.iteration,
    flat.map(([a, b]) => ({ prompt: a.problem.prompt, a: a.output, b: b.output })),
  );
  const pairs: DpoPair[] = [];
  flat.forEach(([a, b], k) => {
    const { choice, actor } = verdicts[k]!;
    if (choice === 'a') pairs.push({ chosen: a, rejected: b, verdict: `${actor} chose A over B` });
    else if (choice === 'b') pairs.push({ chosen: b, rejected: a, verdict: `${actor} chose B over A` });
  });
  const noPair = candidates.filter((c) => c.length === 0).length;
  return { pairs, noPair, asked: flat.length };
}
