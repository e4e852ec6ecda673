/**
 * The configs of the preference environment: its rater (engine: environments/raters.ts), who judges which of two
 * outputs is better, and the preference task (engine: tasks/preference.ts), whose outputs fall into classes the
 * raters compare. The rater is part of the protected evaluation: it lives in the run config, outside the genome, so
 * no proposal can change it (`rater` is a protected root in genome.ts). Every field described and defaulted.
 */
import { z } from 'zod';

export const VerifierRaterConfig = z
  .object({
    kind: z
      .literal('verifier')
      .describe("The task's verifier: the higher reward wins (a correct answer over an incorrect one; partial credit as a score), ties are no preference."),
  })
  .strict();

export const UtilityRaterConfig = z
  .object({
    kind: z
      .literal('utility')
      .describe(
        'A hidden utility with Bradley-Terry noise: P(a beats b) = sigmoid((u(a) - u(b)) / temperature). u is the per-class utility below, or the verifier reward when none is given.',
      ),
    utilities: z
      .array(z.number().min(-100).max(100))
      .min(2)
      .max(16)
      .optional()
      .describe("One utility per output class of the task (the preference task's classes, in order); absent: u = the task verifier's reward."),
    temperature: z.number().gt(0).max(100).default(0.25).describe('Bradley-Terry noise: larger makes the rater closer to a coin flip.'),
  })
  .strict();

export const CyclicRaterConfig = z
  .object({
    kind: z
      .literal('cyclic')
      .describe(
        'A deliberately intransitive rater over three output classes, rock-paper-scissors-like: class i beats class i+1 (mod 3) with probability p, so no reward function can represent it. Its Minimax Winner is the uniform mix.',
      ),
    p: z.number().gt(0.5).max(1).default(0.8).describe('Probability that a class beats the one after it (and loses to the one before it).'),
  })
  .strict();

export const PanelRaterConfig = z
  .object({
    kind: z
      .literal('panel')
      .describe(
        "Condorcet's paradox: three raters, each transitive (rankings A>B>C, B>C>A, C>A>B of the task's three classes), judged by majority vote; the majority is cyclic (A beats B, B beats C, C beats A).",
      ),
    accuracy: z
      .number()
      .gt(0.5)
      .max(1)
      .default(0.9)
      .describe('Probability that each rater votes by its own ranking (else the other way); 1 = a deterministic majority.'),
  })
  .strict();

export const PersonRaterConfig = z
  .object({
    kind: z
      .literal('person')
      .describe(
        'A person: each iteration the run stores the pairs it wants rated (a prompt and two of its outputs), waits (status "waiting") until they are rated on the Rate page, and trains on exactly the choices made; a skipped pair is dropped. Only recipe.kind "dpo" asks for pairs.',
      ),
    quorum: z
      .number()
      .int()
      .min(0)
      .max(4096)
      .default(0)
      .describe("Choices (A, B or skip) the run waits for before it trains; the pairs still unrated then expire. 0 = all of the iteration's pairs."),
    replayChoicesFrom: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a run id')
      .optional()
      .describe(
        'Replay: answer each pair with the choice a person made on the same pair (iteration, prompt and both outputs) in this earlier run of the workspace, so a rerun from the same seed trains on the same choices; a pair it has no choice for waits for a person.',
      ),
  })
  .strict();

export const RaterConfig = z
  .discriminatedUnion('kind', [VerifierRaterConfig, UtilityRaterConfig, CyclicRaterConfig, PanelRaterConfig, PersonRaterConfig])
  .describe(
    'Who compares outputs in the preference environment (recipes that learn from preferences read it; the others ignore it). Part of the protected evaluation: no proposal may change it. Raters over output classes (cyclic, panel, utility with utilities) need a task that has classes (task.kind "preference").',
  );
export type RaterConfig = z.infer<typeof RaterConfig>;

/** The rater kinds that compare output classes, so need a task with classes. */
export function raterNeedsClasses(rater: RaterConfig): boolean {
  return rater.kind === 'cyclic' || rater.kind === 'panel' || (rater.kind === 'utility' && rater.utilities !== undefined);
}

export const PreferenceTaskConfig = z
  .object({
    kind: z
      .literal('preference')
      .describe(
        'A preference task: each prompt asks for one of a few named classes of output (rock, scissors, paper by default), and a rater, not a verifier, says which of two outputs is better. Under the cyclic rater the Minimax Winner is known (the uniform mix), so the distance to it is measured every iteration.',
      ),
    classes: z
      .array(z.string().regex(/^[a-z]{1,12}$/, 'a class name is 1-12 lowercase letters'))
      .min(2)
      .max(8)
      .default(['rock', 'scissors', 'paper'])
      .refine((xs) => new Set(xs).size === xs.length, 'class names must be distinct')
      .describe(
        'The output classes, in order (the cyclic rater and the panel need exactly three: class i beats class i+1 mod 3, so by default rock beats scissors beats paper beats rock).',
      ),
    warmupShares: z
      .array(z.number().min(0))
      .default([0.6, 0.3, 0.1])
      .describe('How often the supervised warm-up writes each class, in order (normalised): the policy starts this far from the uniform mix.'),
    prompts: z.number().int().min(1).max(10_000).default(200).describe('Distinct prompts ("q17:") the training prompts are drawn from.'),
    heldoutPrompts: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(32)
      .describe('Fixed held-out prompts, independent of the seed, on which the class shares are measured.'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.warmupShares.length !== c.classes.length)
      ctx.addIssue({ code: 'custom', path: ['warmupShares'], message: `one share per class: ${c.classes.length} classes, ${c.warmupShares.length} shares` });
    else if (!c.warmupShares.some((x) => x > 0)) ctx.addIssue({ code: 'custom', path: ['warmupShares'], message: 'at least one share must be above 0' });
  });
export type PreferenceTaskConfig = z.infer<typeof PreferenceTaskConfig>;

/**
 * Why a rater (or the reward-model recipe) does not fit a task, as issues on the run config's paths (empty when it
 * fits): raters over output classes and the reward-model baseline need the preference task, the cyclic rater and the
 * panel exactly three classes, per-class utilities one per class.
 */
export function raterIssues(
  rater: RaterConfig,
  task: { kind: string; classes?: readonly string[] },
  recipe?: string,
): Array<{ path: string[]; message: string }> {
  if (recipe === 'reward-model' && task.kind !== 'preference')
    return [
      {
        path: ['task', 'kind'],
        message: `recipe.kind "reward-model" fits one utility per output class, which task.kind "${task.kind}" has none of; use task.kind "preference"`,
      },
    ];
  if (rater.kind === 'person' && recipe !== undefined && recipe !== 'dpo')
    return [
      {
        path: ['rater', 'kind'],
        message: `rater.kind "person" rates pairs, which only recipe.kind "dpo" asks for (recipe.kind "${recipe}" needs a rater that compares every pair of a group); use recipe.kind "dpo" or another rater`,
      },
    ];
  if (!raterNeedsClasses(rater)) return [];
  const what = rater.kind === 'utility' ? 'rater.utilities' : `rater.kind "${rater.kind}"`;
  if (task.kind !== 'preference' || !task.classes)
    return [
      {
        path: ['rater', rater.kind === 'utility' ? 'utilities' : 'kind'],
        message: `${what} compares output classes, which task.kind "${task.kind}" has none of; use task.kind "preference" or rater.kind "verifier"`,
      },
    ];
  const n = task.classes.length;
  if (rater.kind === 'utility' && rater.utilities!.length !== n)
    return [{ path: ['rater', 'utilities'], message: `one utility per class: task.classes has ${n}, rater.utilities ${rater.utilities!.length}` }];
  if ((rater.kind === 'cyclic' || rater.kind === 'panel') && n !== 3)
    return [{ path: ['rater', 'kind'], message: `rater.kind "${rater.kind}" compares exactly three classes; task.classes has ${n}` }];
  return [];
}

/**
 * Oversight, the archive and branches are built for verifiable text tasks (their evidence is held-out accuracy, their
 * probes and proposals read answers); on the preference task, which has no answer key, they are refused, naming the
 * field, rather than run on meaningless evidence.
 */
export function preferenceTaskIssues(c: {
  task: { kind: string };
  oversight: { enabled: boolean };
  archive: { enabled: boolean };
  startFrom?: unknown;
}): Array<{ path: string[]; message: string }> {
  if (c.task.kind !== 'preference') return [];
  const issues: Array<{ path: string[]; message: string }> = [];
  for (const field of ['oversight', 'archive'] as const)
    if (c[field].enabled)
      issues.push({
        path: [field, 'enabled'],
        message: `${field} runs need a task with an answer key for their evidence; task.kind "preference" has none, so set ${field}.enabled to false`,
      });
  if (c.startFrom)
    issues.push({ path: ['startFrom'], message: 'a branch starts from an archive node, which preference runs do not have; leave startFrom out' });
  return issues;
}

/**
 * A person rates the pairs of the run's own iterations; a governed round tries each proposal by re-running the round
 * in a sandbox, and an archive run evaluates many children, which would each ask the person again: both refused.
 */
export function personRaterIssues(c: { rater: RaterConfig; oversight: { enabled: boolean }; archive: { enabled: boolean } }): Array<{
  path: string[];
  message: string;
}> {
  if (c.rater.kind !== 'person') return [];
  return (['oversight', 'archive'] as const)
    .filter((field) => c[field].enabled)
    .map((field) => ({
      path: [field, 'enabled'],
      message: `${field} runs re-run rounds in sandboxes, which would ask the person to rate each again; with rater.kind "person" set ${field}.enabled to false`,
    }));
}
