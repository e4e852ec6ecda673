/**
 * The preference task: each prompt ("q17:") asks for one of a few named classes of output (rock, scissors, paper by
 * default), and which is better is a rater's judgement, not a fact, so the task has no answer key. The supervised
 * warm-up writes the classes at `warmupShares`, so the policy starts far from the uniform mix; under the cyclic
 * rater (rock beats scissors beats paper beats rock, each with probability p) the Minimax Winner is that uniform mix,
 * and the distance to it is what an algorithm's monitors measure (environments/preferences.ts, classShares).
 *
 * verify() says only whether an output is one of the classes at all (written exactly, a well-formed answer): the
 * held-out "accuracy" of this task is the share of well-formed greedy answers, not a score of preference.
 */
import type { PreferenceTaskConfig } from '../../shared/preferences';
import type { OutputClasses, Problem, Rng, Task, Verdict } from '../types';
import { createCharTokenizer } from './tokenizer';

const LEVEL = 1;

export function createPreferenceTask(config: PreferenceTaskConfig): Task {
  const names = config.classes;
  const letters = [...new Set(names.join(''))].sort();
  const tokenizer = createCharTokenizer(['q', ':', ...'0123456789', ...letters.filter((c) => c !== 'q')]);
  const total = config.warmupShares.reduce((a, b) => a + b, 0);
  const cumulative = config.warmupShares.map((_, i) => config.warmupShares.slice(0, i + 1).reduce((a, b) => a + b, 0) / total);
  const promptOf = (n: number): Problem => ({ id: `q${n}`, level: LEVEL, prompt: `q${n}:`, answer: null });
  // Held-out prompts come after the training ones, so no held-out prompt is ever sampled for training.
  const heldout = Array.from({ length: config.heldoutPrompts }, (_, i) => promptOf(config.prompts + i));
  const longestPrompt = `q${config.prompts + config.heldoutPrompts - 1}:`.length;
  const outputClasses: OutputClasses = {
    names,
    classOf: (output) => {
      const i = names.indexOf(output.trim());
      return i < 0 ? null : i;
    },
  };

  return {
    kind: 'preference',
    tokenizer,
    levels: [LEVEL],
    warmupLevels: [LEVEL],
    maxSequenceLength: 1 + longestPrompt + Math.max(...names.map((n) => n.length)) + 1,
    outputClasses,
    warmupBatch(rng: Rng, n: number): Problem[] {
      return Array.from({ length: n }, () => {
        const u = rng.next();
        const k = cumulative.findIndex((c) => u < c);
        return { ...promptOf(rng.int(config.prompts)), answer: names[k < 0 ? names.length - 1 : k]! };
      });
    },
    sample(rng: Rng, n: number): Problem[] {
      return Array.from({ length: n }, () => promptOf(rng.int(config.prompts)));
    },
    heldout(level: number): Problem[] {
      return level === LEVEL ? heldout : [];
    },
    verify(_problem: Problem, output: string): Verdict {
      const k = outputClasses.classOf(output);
      return k === null
        ? { correct: false, reward: 0, verdict: `not one of ${names.join(', ')}: ${JSON.stringify(output)}` }
        : { correct: true, reward: 1, verdict: `class ${names[k]}` };
    },
    answerShaped: (output) => outputClasses.classOf(output) !== null,
    wellFormed: (_problem, output) => outputClasses.classOf(output) !== null,
  };
}
