import { addition, additionSmoke, cyclic, rps, rpsPolicy, smokeOptim, smokePolicy, type PresetDefinition } from './presets-parts';

/**
 * The presets of the self-judged preference recipes (issue 13): Self-Rewarding, its CREAM mode and SPPO, each full
 * and smoke, on addition (the verifier seeds or rates) and on the preference task (the cyclic rater). presets.ts
 * lists them with the others. Each recipe keeps its own replay default: Self-Rewarding replays the warm-up (without it,
 * on the preference task, its own judgement led the outputs out of every class within four iterations), SPPO does
 * not (as SPO: the warm-up mix is what the run should move away from).
 */
const variants = [
  {
    key: 'self-rewarding',
    title: 'Self-Rewarding',
    what: 'ranks its own answers by its DPO implicit reward and trains on its best against its worst (one seed round of rater pairs first)',
    recipe: { kind: 'self-rewarding', consistency: 'none' },
  },
  {
    key: 'cream',
    title: 'CREAM',
    what: "is Self-Rewarding with CREAM's consistency: each pair weighted by how far the previous iteration's model ranks the answers alike (Kendall tau)",
    recipe: { kind: 'self-rewarding', consistency: 'sample' },
  },
  {
    key: 'sppo',
    title: 'SPPO',
    what: 'regresses the log-ratio of its best and worst answer on their win rates under the rater (the squared loss towards (P - 1/2) / beta)',
    recipe: { kind: 'sppo' },
  },
] as const;

export const selfJudgedPresets: PresetDefinition[] = variants.flatMap(({ key, title, what, recipe }) => [
  {
    id: `addition-${key}`,
    title: `Addition · ${title}`,
    summary: `Warm up on 1-3 digit sums, then self-improve towards 6 digits: the agent ${what}.`,
    smoke: false,
    config: { task: addition, iterations: 30, warmup: { steps: 2000 }, recipe: { ...recipe, promptsPerIteration: 64, samplesPerPrompt: 5 } },
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
      recipe: { ...recipe, promptsPerIteration: 48, samplesPerPrompt: 5 },
    },
  },
  {
    id: `preference-${key}`,
    title: `Preferences · ${title} under a cyclic rater`,
    summary: `Rock, scissors or paper under the cyclic rater (each beats the next with probability 0.8): the agent ${what}. The class shares and their distance to the Minimax Winner are on the chart.`,
    smoke: false,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.05 },
      iterations: 80,
      warmup: { steps: 200 },
      rater: cyclic,
      recipe: { ...recipe, promptsPerIteration: 16, samplesPerPrompt: 5 },
    },
  },
  {
    id: `preference-${key}-smoke`,
    title: `Preferences · ${title} (smoke)`,
    summary: `A short ${title} run on the preference task under the cyclic rater.`,
    smoke: true,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.05 },
      iterations: 10,
      warmup: { steps: 200 },
      rater: cyclic,
      recipe: { ...recipe, promptsPerIteration: 8, samplesPerPrompt: 5 },
    },
  },
]);
