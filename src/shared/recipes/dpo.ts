/** The config of online DPO on verifier-ranked pairs (engine: recipes/dpo.ts): every field described and defaulted; the New-run form and the docs read it. */
import { z } from 'zod';

export const DpoRecipeConfig = z
  .object({
    kind: z
      .literal('dpo')
      .describe(
        "Online DPO: pairs of the policy's own answers ranked by the verifier (correct over incorrect), trained with the DPO loss against the warm-up policy.",
      ),
    // Sampling
    promptsPerIteration: z.number().int().min(1).max(4096).default(32).describe('Prompts sampled per iteration.'),
    samplesPerPrompt: z
      .number()
      .int()
      .min(2)
      .max(256)
      .default(8)
      .describe('k: answers sampled per prompt; a prompt yields pairs only when they include a correct and an incorrect one.'),
    temperature: z.number().gt(0).max(5).default(1).describe('Sampling temperature.'),
    topK: z.number().int().min(0).default(0).describe('Top-k sampling (0 = whole vocabulary).'),
    curriculum: z.boolean().default(true).describe('Prompts come from the level just above the mastered ones.'),
    // Pairs and loss
    pairsPerPrompt: z
      .number()
      .int()
      .min(1)
      .max(128)
      .default(1)
      .describe('Pairs made per prompt at most, each answer in one pair at most (capped by the fewer of its correct and incorrect answers).'),
    beta: z
      .number()
      .gt(0)
      .max(10)
      .default(0.1)
      .describe('DPO beta: scale of the implicit reward beta * (log pi - log ref); smaller lets the policy move further from the reference.'),
    nllWeight: z
      .number()
      .min(0)
      .max(10)
      .default(1)
      .describe(
        'Weight of a negative log-likelihood term on the chosen answers (Iterative RPO); 0 = plain DPO, which on addition lowered the likelihood of its correct answers along with the wrong ones and forgot the easy levels within an iteration.',
      ),
    // Training
    stepsPerIteration: z.number().int().min(1).max(1000).default(4).describe("Gradient steps on each iteration's pairs (one batch of all of them)."),
    replayWarmup: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe(
        'Supervised warm-up steps interleaved, as a fraction of stepsPerIteration, so easy levels are not forgotten (DPO moves them more than GRPO does, hence one per DPO step).',
      ),
  })
  .strict();

export type DpoRecipeConfig = z.infer<typeof DpoRecipeConfig>;
