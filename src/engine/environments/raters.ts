/**
 * The raters a run config can name (src/shared/preferences.ts), built for one task. Each is a noise model P(a > b)
 * (environments/preferences.ts draws the comparisons from it):
 *  - verifier: the task's reward, seen through the agent's tools; certain, scoring (it ranks a group at once);
 *  - utility: a hidden utility with Bradley-Terry noise, P(a > b) = sigmoid((u(a) - u(b)) / temperature), u per
 *    output class or the verifier's reward;
 *  - cyclic: three classes, class i beats class i+1 (mod 3) with probability p: no utility can represent it, and its
 *    Minimax Winner is the uniform mix (Swamy et al. 2024, "A Minimaximalist Approach to RLHF");
 *  - panel: three transitive raters (rankings A>B>C, B>C>A, C>A>B), each voting its ranking with probability
 *    `accuracy`, the majority of the three deciding: Condorcet's paradox makes the majority cyclic.
 * Over classes, an output of no class loses to any output of a class and ties with another of no class.
 *  - person: a person's choices on pairs (oversight/person-rating.ts), which only DPO asks for.
 * Only the verifier sees the agent's tools: the others are the environment's judges, not the agent's reward.
 */
import type { RaterConfig } from '../../shared/preferences';
import { raterIssues } from '../../shared/preferences';
import { CodedError } from '../../shared/errors';
import type { AgentView, OutputClasses, Problem, Task } from '../types';
import { verifierRater, type Rater } from './preferences';

/** Builds the rater `config` names for `task`; refused naming the field when it does not fit the task. */
export function createRater(config: RaterConfig, task: Task, agent?: AgentView): Rater {
  const issues = raterIssues(config, { kind: task.kind, classes: task.outputClasses?.names });
  if (issues.length > 0)
    throw new CodedError(
      'invalid_config',
      issues.map((i) => i.message).join('; '),
      issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  switch (config.kind) {
    case 'verifier':
      return verifierRater(task, agent);
    case 'utility': {
      const { utilities, temperature } = config;
      if (!utilities) {
        const verifier = verifierRater(task);
        return { kind: 'utility', probability: (p, a, b) => sigmoid((verifier.score(p, a) - verifier.score(p, b)) / temperature) };
      }
      return overClasses('utility', task.outputClasses!, (i, j) => sigmoid((utilities[i]! - utilities[j]!) / temperature));
    }
    case 'cyclic':
      return overClasses('cyclic', task.outputClasses!, (i, j) => cyclicProbability(i, j, config.p));
    case 'panel':
      return overClasses('panel', task.outputClasses!, (i, j) => panelProbability(i, j, config.accuracy));
    case 'person':
      // A person's choices come through the recipe's ctx.person (oversight/person-rating.ts), never a probability.
      return {
        kind: 'person',
        probability: () => {
          throw new CodedError('invalid_config', 'rater.kind "person" rates pairs on the Rate page; only recipe.kind "dpo" asks for them.', [
            { path: 'rater.kind', message: 'a person rates pairs for recipe.kind "dpo"' },
          ]);
        },
      };
  }
}

/** Class i beats class i+1 (mod 3) with probability p, loses to class i-1; the same class ties. */
export function cyclicProbability(i: number, j: number, p: number): number {
  if (i === j) return 0.5;
  return (i + 1) % 3 === j ? p : 1 - p;
}

/** The three transitive rankings of the panel, best first: every class is first, second and third once. */
export const PANEL_RANKINGS: readonly (readonly number[])[] = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 1],
];

/** P(the panel's majority prefers class i to j): at least two of three votes, each by its ranking with `accuracy`. */
export function panelProbability(i: number, j: number, accuracy: number): number {
  if (i === j) return 0.5;
  const votes = PANEL_RANKINGS.map((r) => (r.indexOf(i) < r.indexOf(j) ? accuracy : 1 - accuracy));
  const [a, b, c] = votes as [number, number, number];
  return a * b + a * c + b * c - 2 * a * b * c;
}

function overClasses(kind: string, classes: OutputClasses, p: (i: number, j: number) => number): Rater {
  return {
    kind,
    probability(_problem: Problem, a: string, b: string): number {
      const i = classes.classOf(a);
      const j = classes.classOf(b);
      if (i === null || j === null) return i === j ? 0.5 : i === null ? 0 : 1;
      return p(i, j);
    },
  };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
