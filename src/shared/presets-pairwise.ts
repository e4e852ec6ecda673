import { addition, additionSmoke, cyclic, rps, rpsPolicy, smokeOptim, smokePolicy, type PresetDefinition } from './presets-parts';

/**
 * The rest of issue 13's algorithm x task grid: SPO on addition (the verifier is the rater: a correct answer beats an
 * incorrect one, partial credit as a score), and online DPO on the preference task under the cyclic rater. The
 * reward-model baseline fits one utility per output class, so it runs on the preference task only (the config refuses
 * it on addition, naming task.kind). presets.ts lists them with the others.
 */
const onAddition = [
  {
    key: 'spo',
    title: 'SPO',
    what: "each answer's reward is its win rate in its group under the verifier's comparisons; policy gradient on it",
    recipe: { kind: 'spo' },
  },
] as const;

export const pairwisePresets: PresetDefinition[] = [
  ...onAddition.flatMap(({ key, title, what, recipe }) => [
    {
      id: `addition-${key}`,
      title: `Addition · ${title}`,
      summary: `Warm up on 1-3 digit sums, then self-improve towards 6 digits: ${what}.`,
      smoke: false,
      config: { task: addition, iterations: 30, warmup: { steps: 2000 }, recipe: { ...recipe, promptsPerIteration: 64, groupSize: 8 } },
    },
    {
      id: `addition-${key}-smoke`,
      title: `Addition · ${title} (smoke)`,
      summary: `A short ${title} run on addition: warm up on 1-3 digits, self-improve on 4.`,
      smoke: true,
      config: {
        task: additionSmoke,
        policy: smokePolicy,
        optim: smokeOptim,
        iterations: 6,
        warmup: { steps: 1200 },
        recipe: { ...recipe, promptsPerIteration: 48, groupSize: 8 },
      },
    },
  ]),
  {
    id: 'preference-dpo',
    title: 'Preferences · online DPO under a cyclic rater',
    summary:
      "Rock, scissors or paper under the cyclic rater (each beats the next with probability 0.8): DPO on pairs of its own answers, the one the rater prefers over the other. It replays the warm-up (DPO's default), which keeps its answers among the classes; the class shares circle with the rater's cycle, and their distance to the Minimax Winner is on the chart.",
    smoke: false,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.05 },
      iterations: 80,
      warmup: { steps: 200 },
      rater: cyclic,
      recipe: { kind: 'dpo', promptsPerIteration: 16, samplesPerPrompt: 8, pairsPerPrompt: 1 },
    },
  },
  {
    id: 'preference-dpo-smoke',
    title: 'Preferences · online DPO (smoke)',
    summary: 'A short online DPO run on the preference task under the cyclic rater.',
    smoke: true,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.05 },
      iterations: 10,
      warmup: { steps: 200 },
      rater: cyclic,
      recipe: { kind: 'dpo', promptsPerIteration: 8, samplesPerPrompt: 8, pairsPerPrompt: 1 },
    },
  },
];
