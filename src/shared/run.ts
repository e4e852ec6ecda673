import { z } from 'zod';
import { BackendName, RunConfig } from './config';
import { PolicyPresetName } from './oversight';
import { SafetyGridEpisode } from './safety-grid';
import { PairRole } from './ratings';

export const RunStatus = z.enum(['running', 'paused', 'waiting', 'stopping', 'stopped', 'completed', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

/*
 * The run-status rules, in one place for the engine, the store, the CLI, main and the page. A run is live while an
 * engine holds it, and finished otherwise; a person may pause a running run, stop a live one that has not begun
 * stopping, and resume one that is paused or ended short of completion.
 */

/** Held by an engine: the store records the owning process and marks the run interrupted if that process is gone. */
export const LIVE_STATUSES = ['running', 'paused', 'waiting', 'stopping'] as const satisfies readonly RunStatus[];
/** Not held by any engine: its numbers (wall time, final metrics) no longer change unless it is resumed. */
export const FINISHED_STATUSES = ['completed', 'stopped', 'failed', 'interrupted'] as const satisfies readonly RunStatus[];

export function isLive(status: RunStatus): boolean {
  return (LIVE_STATUSES as readonly RunStatus[]).includes(status);
}

export function isFinished(status: RunStatus): boolean {
  return (FINISHED_STATUSES as readonly RunStatus[]).includes(status);
}

/** Ran every iteration it was asked for. */
export function isCompleted(status: RunStatus): boolean {
  return status === 'completed';
}

/** `runs.pause` halts it at the next step boundary. */
export function isPausable(status: RunStatus): boolean {
  return status === 'running';
}

/** `runs.stop` lets it finish the step, checkpoint, and end as stopped. */
export function isStoppable(status: RunStatus): boolean {
  return status === 'running' || status === 'paused' || status === 'waiting';
}

/** `runs.resume` un-pauses it, or continues it from its last checkpoint. */
export function isResumable(status: RunStatus): boolean {
  return status === 'paused' || (isFinished(status) && !isCompleted(status));
}

/**
 * Whether the engine continues a run it does not hold from its last checkpoint when asked to resume it: a resumable
 * run, or one whose live status an engine that is gone left behind. Only a completed run has nothing left to do.
 */
export function canContinueFromCheckpoint(status: RunStatus): boolean {
  return isResumable(status) || isLive(status);
}

/**
 * The phases an iteration reports progress in (`run.progress`): the warm-up before iteration 1, the recipe's probe,
 * sampling and training, the held-out evaluation, and the checkpoint. The engine's progress hooks take only these.
 */
export const PROGRESS_PHASES = ['warmup', 'probe', 'sample', 'train', 'eval', 'checkpoint'] as const;
export const ProgressPhase = z.enum(PROGRESS_PHASES);
export type ProgressPhase = z.infer<typeof ProgressPhase>;

/** Metrics of one iteration, namespaced per CONVENTIONS (`reward/mean`, `heldout/acc_d4`, ...). */
export const Metrics = z.record(z.string(), z.number());
export type Metrics = z.infer<typeof Metrics>;

export const RunSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  preset: z.string().nullable(),
  recipe: z.string(),
  status: RunStatus,
  seed: z.number().int(),
  backend: z.string(),
  iterationsDone: z.number().int(),
  iterationsTotal: z.number().int(),
  bestScore: z.number().nullable().describe('Best held-out accuracy on the hardest level so far.'),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.string().nullable(),
  archive: z
    .object({ strategy: z.string(), comparison: z.string().nullable() })
    .nullable()
    .describe('An open-ended (archive) run: its search strategy and comparison id, if `evolab compare` started it.'),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** At most this many points of the warm-up's loss are kept with a run (one every ceil(steps / 500) steps). */
export const WARMUP_LOSS_POINTS = 500;

/** The warm-up's running loss as kept with the run: loss[i] is the mean of the last steps' losses after steps[i] steps. */
export const WarmupLoss = z
  .object({
    steps: z.array(z.number().int().nonnegative()).max(WARMUP_LOSS_POINTS),
    loss: z.array(z.number()).max(WARMUP_LOSS_POINTS),
  })
  .refine((w) => w.steps.length === w.loss.length, { message: 'steps and loss must have the same length', path: ['loss'] });
export type WarmupLoss = z.infer<typeof WarmupLoss>;

export const RunDetail = RunSummary.extend({
  config: RunConfig,
  lastMetrics: Metrics.nullable(),
  lastCheckpointIteration: z.number().int().nullable(),
  workers: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("The pool workers the run uses: its `workers` field resolved on its backend and this machine's cores (1: in process)."),
  warmupLoss: WarmupLoss.optional().describe(
    "The warm-up's loss curve, stored with iteration 0; absent for a run without a warm-up (a branch), one not yet past it, or one stored before Evolab kept it.",
  ),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** Columnar metric series: series[name][i] belongs to iterations[i] (NaN where absent). */
export const MetricSeries = z.object({
  iterations: z.array(z.number().int()),
  series: z.record(z.string(), z.array(z.number().nullable())),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

const Cell = z.tuple([z.number().int(), z.number().int()]);

/** A gridworld episode as the Trajectories view draws it: the grid, start, goal and every cell the agent visited. */
export const GridEpisode = z.object({
  kind: z.literal('gridworld'),
  size: z.number().int(),
  start: Cell.describe('[row, column] of the agent at reset.'),
  goal: Cell,
  path: z.array(Cell).describe("The agent's cell after reset and after each move."),
  actions: z.array(z.string()).describe('The moves taken, by name (U, R, D, L).'),
  success: z.boolean().describe('Whether the agent reached the goal.'),
  return: z.number(),
});
export type GridEpisode = z.infer<typeof GridEpisode>;

/** A class stream's evaluation as the Trajectories view draws it: the confusion matrix on the validation examples. */
export const ConfusionView = z.object({
  kind: z.literal('confusion'),
  classNames: z.array(z.string()),
  matrix: z.array(z.array(z.number().int().min(0))).describe('matrix[true][predicted]: validation examples, labelled as they are after the shifts so far.'),
  accuracy: z.number(),
  labelMap: z.array(z.number().int()).describe('labelMap[original class] = the class it is labelled as now (the concept shifts so far).'),
});
export type ConfusionView = z.infer<typeof ConfusionView>;

/** One move of a two-seat game: who moved and the action by its text name (`[4]`, `[bet]`, `[Offer: 3 Wood -> 2 Gold]`). */
const GameMove = z.object({ seat: z.number().int().min(0).max(1), action: z.string() });
/** What every game's view holds: the moves in order, how it ended, and each seat's return. */
const gameEnd = {
  moves: z.array(GameMove).describe('Every move in order, the invalid one (which ended the game) included.'),
  winner: z.number().int().min(0).max(1).nullable().describe('The seat that won; null for a draw (or a truncated game).'),
  invalidBy: z.number().int().min(0).max(1).nullable().describe('The seat whose invalid action ended the game, if one did.'),
  truncated: z.boolean().describe('Whether the game was cut off at the turn limit (scored as a draw).'),
  returns: z.array(z.number()).describe('Return of each seat (+1 win, -1 loss, 0 draw; -1.5 / +0.5 or -1 / +1 after an invalid action).'),
  agentSeat: z.number().int().min(0).max(1).nullable().describe("The seat the run's agent played; null when it played both (self-play)."),
};
/** A TicTacToe game: cells 0..8 row by row; seat 0 plays X and moves first. Replaying `moves` redraws every board. */
export const TicTacToeView = z.object({ kind: z.literal('tictactoe'), ...gameEnd });
/** A Kuhn Poker match: each round's cards (J=0, Q=1, K=2), first player, moves, pot and winner; chips after each round. */
export const KuhnPokerView = z.object({
  kind: z.literal('kuhn-poker'),
  ...gameEnd,
  rounds: z.array(
    z.object({
      cards: z.tuple([z.number().int().min(0).max(2), z.number().int().min(0).max(2)]).describe("Each seat's card: 0 = J, 1 = Q, 2 = K."),
      firstPlayer: z.number().int().min(0).max(1),
      moves: z.array(GameMove),
      pot: z.number().describe('Chips in the pot when the round ended (antes and bets).'),
      winner: z.number().int().min(0).max(1).nullable().describe('Who took the pot; null for a round cut off by an invalid action.'),
      chips: z.tuple([z.number(), z.number()]).describe("Each seat's net chips after the round."),
    }),
  ),
});
/** A Simple Negotiation game: inventories after each move, each seat's values, and the value gained. */
export const NegotiationView = z.object({
  kind: z.literal('negotiation'),
  ...gameEnd,
  values: z.array(z.object({ wood: z.number(), gold: z.number() })).describe("Each seat's value of one unit of Wood and of Gold."),
  inventories: z
    .array(z.array(z.object({ wood: z.number().int(), gold: z.number().int() })))
    .describe("Both seats' inventories at the start and after each move."),
  gains: z.array(z.number()).describe("Each seat's inventory value at the end minus at the start, by its own values."),
});
export type TicTacToeView = z.infer<typeof TicTacToeView>;
export type KuhnPokerView = z.infer<typeof KuhnPokerView>;
export type NegotiationView = z.infer<typeof NegotiationView>;
export type GameView = TicTacToeView | KuhnPokerView | NegotiationView;

/** An episode of an episodic environment (or a class stream's evaluation), structured for drawing; one variant per environment that has a view. */
export const EpisodeView = z.discriminatedUnion('kind', [GridEpisode, ConfusionView, SafetyGridEpisode, TicTacToeView, KuhnPokerView, NegotiationView]);
export type EpisodeView = z.infer<typeof EpisodeView>;

export const Trajectory = z.object({
  id: z.number().int(),
  runId: z.string(),
  iteration: z.number().int(),
  level: z.number().int().nullable(),
  prompt: z.string(),
  output: z.string(),
  answer: z.string().nullable().describe('The reference answer, where the task has one.'),
  reward: z.number(),
  correct: z.boolean(),
  kept: z.boolean().describe('Whether the recipe kept it for training.'),
  verdict: z.string().describe("The verifier's and the recipe's verdicts in words."),
  episode: EpisodeView.optional().describe('For an episode of an episodic environment: its structured record, which the Trajectories view draws.'),
  pair: PairRole.optional().describe('For a sample in a training pair of a DPO-family run: its pair, side, implicit reward and the rater’s verdict.'),
});
export type Trajectory = z.infer<typeof Trajectory>;

export const TrajectoryFilter = z.enum(['all', 'kept', 'rejected', 'correct', 'incorrect']);
export type TrajectoryFilter = z.infer<typeof TrajectoryFilter>;

export const BackendReport = z.object({
  active: BackendName.exclude(['auto']),
  requested: BackendName,
  skipped: z.array(z.object({ name: BackendName.exclude(['auto']), reason: z.string() })),
  details: z.string().describe('e.g. the GPU device, or WASM SIMD/threads.'),
  proof: z.string().optional().describe('How the active backend was proved against the cpu backend (families, worst difference, time), or why it was not.'),
});
export type BackendReport = z.infer<typeof BackendReport>;

export const PresetInfo = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  recipe: z.string(),
  smoke: z.boolean(),
  config: RunConfig,
  policy: PolicyPresetName.nullable().describe('The approval policy a run of this preset starts with when none is given (null: the workspace default).'),
});
export type PresetInfo = z.infer<typeof PresetInfo>;
