import { RunConfig } from './config';
import type { PolicyPresetName } from './oversight';
import { gameArchivePresets, gamePresets, textGamePresets } from './presets-games';
import { pairwisePresets } from './presets-pairwise';
import { addition, additionSmoke, cyclic, gridOptim, mlpPolicy, rps, rpsPolicy, smokeOptim, smokePolicy, type PresetDefinition } from './presets-parts';
import type { PresetInfo } from './run';
import { safetyPresets } from './safety-presets';
import { selfJudgedPresets } from './presets-self-judged';

/**
 * Preset recipes: each a complete run config a user starts in two clicks. `*-smoke` variants finish in well
 * under a minute on the CPU (WASM) backend and are what the tests and the end-to-end suite run. The parts several
 * preset files share (the addition tasks, the smoke transformer, the preference task and its rater) are in presets-parts.ts.
 */

// Self-improvement rounds are cheap next to the warm-up (a few seconds each on WASM), so the full presets run many.
const fullStar = { promptsPerIteration: 128, trainStepsPerIteration: 40, reward: 'majority' } as const;
// Like the full presets, the smoke runs label their own answers by majority vote: no answer key is used to train.
const smokeStar = { promptsPerIteration: 64, samplesPerPrompt: 8, trainStepsPerIteration: 40, reward: 'majority' } as const;

// The episodic proof: a 5x5 gridworld with random starts and goals, a policy-value MLP, A2C.
const gridworld = { kind: 'gridworld', size: 5, maxSteps: 20, evalEpisodes: 64 } as const;

// Continual learning under concept shift (Man, Damasio and Neven 2022): the paper's 784-80-60-10 ELU classifier on
// Fashion-MNIST with 20 label swaps per epoch; the smoke runs use a generated set, so they need no data files.
const shiftTask = { kind: 'class-stream', data: { source: 'fashion-mnist' }, swapsPerEpoch: 20 } as const;
const shiftSmokeTask = {
  kind: 'class-stream',
  data: { source: 'generated', classes: 10, features: 64, trainSize: 2000, validationSize: 500 },
  swapsPerEpoch: 5,
  recoveryWindow: 50,
} as const;
const shiftLearners = [
  ['homeostatic-lr', 'homeostatic learning rate', 'its learning rate regulated by the consequences of its own classifications'],
  ['constant-lr', 'constant learning rate', 'plain SGD at a constant rate (the baseline)'],
  ['random-lr', 'random learning rate', 'its rate moved at random by the homeostatic step (the baseline)'],
] as const;
const shiftPresets = shiftLearners.flatMap(([kind, title, what]) => [
  {
    id: `shift-${kind}`,
    title: `Concept shift · ${title}`,
    summary: `Fashion-MNIST with two classes swapping labels 20 times per epoch, 10 epochs: the paper's MLP 784-80-60-10, ${what}; validation accuracy, recovery after each shift and the learning-rate trace.`,
    smoke: false,
    config: { task: shiftTask, policy: { kind: 'classifier' }, iterations: 100, recipe: { kind, batchesPerIteration: 600 } },
  },
  {
    id: `shift-${kind}-smoke`,
    title: `Concept shift · ${title} (smoke)`,
    summary: `A few-second run on a generated 10-class set with 5 label swaps per epoch: a classifier, ${what}.`,
    smoke: true,
    config: {
      task: shiftSmokeTask,
      policy: { kind: 'classifier', hidden: [32, 32] },
      iterations: 12,
      recipe: { kind, batchesPerIteration: 50, learningRate: 0.01 },
    },
  },
]) satisfies PresetDefinition[];
// Governed: the homeostatic learner proposes to move its own knobs (rate, step size, memory of examples) and every move
// passes the gate, under the auto policy (a person decides what is flagged or could not be checked).
const governedShift = [
  {
    id: 'shift-governed',
    title: 'Concept shift · governed knobs',
    summary:
      'The homeostatic learner on Fashion-MNIST under 20 swaps per epoch, proposing each round to move its learning rate, step size or memory of examples; each move is tried from the same start on the same examples, and the gate decides with validation accuracy and recovery after shifts as evidence.',
    smoke: false,
    policy: 'auto',
    config: {
      task: shiftTask,
      policy: { kind: 'classifier' },
      iterations: 30,
      recipe: { kind: 'homeostatic-lr', batchesPerIteration: 600 },
      oversight: { enabled: true },
    },
  },
  {
    id: 'shift-governed-smoke',
    title: 'Concept shift · governed knobs (smoke)',
    summary: 'A few-second governed classifier run on a generated set: proposals to move the learning rate, step size and memory of examples pass the gate.',
    smoke: true,
    policy: 'auto',
    config: {
      task: shiftSmokeTask,
      policy: { kind: 'classifier', hidden: [32, 32] },
      iterations: 12,
      recipe: { kind: 'homeostatic-lr', batchesPerIteration: 50, learningRate: 0.01 },
      oversight: { enabled: true },
    },
  },
] satisfies Array<PresetDefinition & { policy: PolicyPresetName }>;

const definitions: PresetDefinition[] = [
  {
    id: 'addition-bstar',
    title: 'Addition · B-STaR',
    summary: 'Warm up on 1-3 digit sums, then self-improve towards 6 digits; temperature and threshold re-chosen each iteration by the balance score.',
    smoke: false,
    config: { task: addition, iterations: 30, warmup: { steps: 2000 }, recipe: { kind: 'star', ...fullStar, balance: { enabled: true } } },
  },
  {
    id: 'addition-star',
    title: 'Addition · STaR (fixed temperature)',
    summary: 'The same loop as addition-bstar with a fixed temperature and threshold, for comparison.',
    smoke: false,
    config: { task: addition, iterations: 30, warmup: { steps: 2000 }, recipe: { kind: 'star', ...fullStar, balance: { enabled: false } } },
  },
  {
    id: 'addition-grpo',
    title: 'Addition · GRPO',
    summary: "Group-relative policy gradient on the verifier's reward, with a KL leash to the warm-up policy.",
    smoke: false,
    config: { task: addition, iterations: 30, warmup: { steps: 2000 }, recipe: { kind: 'grpo', promptsPerIteration: 64 } },
  },
  {
    id: 'addition-dpo',
    title: 'Addition · online DPO',
    summary:
      "Direct preference optimisation on pairs of the agent's own answers, a correct one over an incorrect one by the verifier, anchored to the warm-up policy.",
    smoke: false,
    config: {
      task: addition,
      iterations: 30,
      warmup: { steps: 2000 },
      recipe: { kind: 'dpo', promptsPerIteration: 64, samplesPerPrompt: 8, pairsPerPrompt: 2 },
    },
  },
  {
    id: 'addition-bstar-smoke',
    title: 'Addition · B-STaR (smoke)',
    summary: 'A half-minute B-STaR run: warm up on 1-3 digit sums, self-improve on 4 digits.',
    smoke: true,
    config: {
      task: additionSmoke,
      policy: smokePolicy,
      optim: smokeOptim,
      iterations: 6,
      warmup: { steps: 1200 },
      recipe: { kind: 'star', ...smokeStar, balance: { enabled: true, probeQueries: 8 } },
    },
  },
  {
    id: 'addition-star-smoke',
    title: 'Addition · STaR (smoke)',
    summary: 'A half-minute STaR run with a fixed temperature and threshold.',
    smoke: true,
    config: {
      task: additionSmoke,
      policy: smokePolicy,
      optim: smokeOptim,
      iterations: 6,
      warmup: { steps: 1200 },
      recipe: { kind: 'star', ...smokeStar, balance: { enabled: false } },
    },
  },
  {
    id: 'addition-grpo-smoke',
    title: 'Addition · GRPO (smoke)',
    summary: "A half-minute GRPO run on the verifier's reward.",
    smoke: true,
    config: {
      task: additionSmoke,
      policy: smokePolicy,
      optim: smokeOptim,
      iterations: 6,
      warmup: { steps: 1200 },
      recipe: { kind: 'grpo', promptsPerIteration: 48, groupSize: 8 },
    },
  },
  {
    id: 'addition-dpo-smoke',
    title: 'Addition · online DPO (smoke)',
    summary: 'A half-minute online DPO run on verifier-ranked pairs.',
    smoke: true,
    config: {
      task: additionSmoke,
      policy: smokePolicy,
      optim: smokeOptim,
      iterations: 6,
      warmup: { steps: 1200 },
      recipe: { kind: 'dpo', promptsPerIteration: 48, samplesPerPrompt: 8, pairsPerPrompt: 2 },
    },
  },
  {
    id: 'addition-oversight',
    title: 'Addition · oversight (proposals and the gate)',
    summary:
      "STaR on the verifier's reward, and the agent proposes changes to its weights, memory, tools and workflow each round. One of them, crediting every well-formed answer, is reward hacking: the gate flags it and holds it for you.",
    smoke: false,
    config: {
      task: addition,
      iterations: 12,
      warmup: { steps: 2000 },
      recipe: { kind: 'star', ...fullStar, reward: 'verifier', balance: { enabled: false } },
      oversight: { enabled: true },
    },
  },
  {
    id: 'addition-oversight-smoke',
    title: 'Addition · oversight (smoke)',
    summary:
      'A short governed run that reaches its first proposals in about half a minute, among them a reward-hacking tool the gate flags and holds: approve or reject them in the Approvals inbox.',
    smoke: true,
    config: {
      task: additionSmoke,
      policy: smokePolicy,
      optim: smokeOptim,
      iterations: 4,
      warmup: { steps: 1000 },
      recipe: { kind: 'star', ...smokeStar, promptsPerIteration: 48, trainStepsPerIteration: 30, reward: 'verifier', balance: { enabled: false } },
      oversight: { enabled: true },
    },
  },
  {
    id: 'addition-archive',
    title: 'Addition · archive (open-ended search)',
    summary:
      'Darwin Gödel Machine search over self-modifying agents: each child is its parent after one STaR round with one change it proposed to itself, evaluated in stages and admitted by the gate. Switch the strategy to hgm, no-darwin or no-selfimprove, or run them all with `evolab compare`.',
    smoke: false,
    // An open-ended search makes dozens of children: unflagged ones join unattended, flagged ones wait for a person.
    policy: 'archive',
    config: {
      task: addition,
      iterations: 500,
      warmup: { steps: 2000 },
      recipe: { kind: 'star', ...fullStar, promptsPerIteration: 64, trainStepsPerIteration: 20, reward: 'verifier', balance: { enabled: false } },
      archive: { enabled: true, strategy: 'dgm', budget: 3000, expansionCost: 64, poolSize: 96, cheapTasks: 16, evalBatch: 8 },
    },
  },
  {
    id: 'addition-archive-smoke',
    title: 'Addition · archive (smoke)',
    summary: 'A short open-ended search (DGM by default) whose lineage tree grows in about half a minute.',
    smoke: true,
    policy: 'archive',
    config: {
      task: additionSmoke,
      policy: smokePolicy,
      optim: smokeOptim,
      iterations: 200,
      warmup: { steps: 1000 },
      recipe: { kind: 'star', ...smokeStar, promptsPerIteration: 32, trainStepsPerIteration: 15, reward: 'verifier', balance: { enabled: false } },
      archive: { enabled: true, strategy: 'dgm', budget: 1200, expansionCost: 32, poolSize: 64, cheapTasks: 16, evalBatch: 8 },
    },
  },
  {
    id: 'gridworld-a2c',
    title: 'Gridworld · A2C',
    summary:
      'Reach the goal on a 5x5 grid from random starts and goals: a policy-value MLP learns by advantage actor-critic, scored on 64 fixed evaluation episodes. No warm-up; iteration 0 is the untrained agent.',
    smoke: false,
    config: {
      task: gridworld,
      policy: mlpPolicy,
      optim: gridOptim,
      warmup: { steps: 0 },
      iterations: 300,
      evalEvery: 10,
      recipe: { kind: 'a2c', episodesPerIteration: 64 },
    },
  },
  {
    id: 'gridworld-a2c-smoke',
    title: 'Gridworld · A2C (smoke)',
    summary: 'A few-second A2C run on the 5x5 gridworld: the agent goes from wandering to reaching the goal in nearly every evaluation episode.',
    smoke: true,
    config: {
      task: { ...gridworld, evalEpisodes: 32 },
      policy: mlpPolicy,
      optim: gridOptim,
      warmup: { steps: 0 },
      iterations: 60,
      evalEvery: 5,
      recipe: { kind: 'a2c', episodesPerIteration: 64 },
    },
  },
  {
    id: 'preference-spo',
    title: 'Preferences · SPO under a cyclic rater',
    summary:
      'Rock, scissors or paper, judged by a rater for whom each beats the next with probability 0.8: no reward function fits it. SPO rewards each answer by its win rate in its group; the distance of the class shares to the Minimax Winner (the uniform mix) is on the chart.',
    smoke: false,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.05 },
      iterations: 80,
      warmup: { steps: 200 },
      rater: cyclic,
      recipe: { kind: 'spo', promptsPerIteration: 16, groupSize: 8 },
    },
  },
  {
    id: 'preference-spo-smoke',
    title: 'Preferences · SPO (smoke)',
    summary:
      'A short SPO run on the preference task under the cyclic rater: the class that wins most against the warm-up mix (paper, the rarest) gains share every round.',
    smoke: true,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.05 },
      iterations: 10,
      warmup: { steps: 200 },
      rater: cyclic,
      recipe: { kind: 'spo', promptsPerIteration: 8, groupSize: 8 },
    },
  },
  {
    id: 'preference-reward-model',
    title: 'Preferences · reward-model baseline under a cyclic rater',
    summary:
      "The classic pipeline beside preference-spo: fit a Bradley-Terry reward model to the same rater's comparisons, then policy gradient on it. A utility cannot represent the cycle, so it chases one class.",
    smoke: false,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.05 },
      iterations: 80,
      warmup: { steps: 200 },
      rater: cyclic,
      recipe: { kind: 'reward-model', promptsPerIteration: 16, groupSize: 8 },
    },
  },
  {
    id: 'preference-reward-model-smoke',
    title: 'Preferences · reward-model baseline (smoke)',
    summary: 'A short run of the reward-model baseline under the cyclic rater: the class its fitted utility ranks first gains share.',
    smoke: true,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.05 },
      iterations: 10,
      warmup: { steps: 200 },
      rater: cyclic,
      recipe: { kind: 'reward-model', promptsPerIteration: 8, groupSize: 8 },
    },
  },
  {
    id: 'preference-person-dpo',
    title: 'Preferences · DPO rated by you',
    summary:
      'You are the rater: each iteration shows pairs of the agent’s answers (rock, scissors, paper or anything else it writes) on the Rate page; pick the better one (1 / 2) or skip (S), and it trains with online DPO on exactly your choices.',
    smoke: false,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.02 },
      iterations: 20,
      warmup: { steps: 200 },
      rater: { kind: 'person' },
      recipe: { kind: 'dpo', promptsPerIteration: 4, samplesPerPrompt: 4, pairsPerPrompt: 1, stepsPerIteration: 2 },
    },
  },
  {
    id: 'preference-person-dpo-smoke',
    title: 'Preferences · DPO rated by you (smoke)',
    summary: 'Three short iterations of up to three pairs each for you to rate on the Rate page; the run waits for your choices, then trains on them.',
    smoke: true,
    config: {
      task: rps,
      policy: rpsPolicy,
      optim: { learningRate: 0.02 },
      iterations: 3,
      warmup: { steps: 100 },
      rater: { kind: 'person' },
      recipe: { kind: 'dpo', promptsPerIteration: 3, samplesPerPrompt: 6, pairsPerPrompt: 1, stepsPerIteration: 2 },
    },
  },
  ...shiftPresets,
  ...safetyPresets,
  ...selfJudgedPresets,
  ...pairwisePresets,
  ...gamePresets,
  ...gameArchivePresets,
  ...textGamePresets,
  ...governedShift,
];

export const presets: PresetInfo[] = definitions.map((d) => ({
  id: d.id,
  title: d.title,
  summary: d.summary,
  smoke: d.smoke,
  recipe: d.config.recipe.kind,
  config: RunConfig.parse({ ...d.config, preset: d.id, name: d.title }),
  policy: d.policy ?? null,
}));

export function findPreset(id: string): PresetInfo | undefined {
  return presets.find((p) => p.id === id);
}
