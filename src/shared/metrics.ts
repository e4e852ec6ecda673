/**
 * The metric names that cross processes: what the engine writes into a run's metrics and the store, the page, the
 * CLI's tables and reports read back. Namespaced per CONVENTIONS (`reward/mean`, `heldout/acc_d4`, `mem/tensors`).
 * A name is written here once; producers and readers import it.
 */

// Held-out evaluation (the protected sets).
/** Held-out accuracy on the hardest level: a run's score. */
export const HELDOUT_HARDEST = 'heldout/acc_hardest';
export const HELDOUT_MEAN = 'heldout/acc_mean';
/** Held-out accuracy on the levels the run never trained on, where it has some. */
export const HELDOUT_UNSEEN = 'heldout/acc_unseen';
/** Held-out accuracy on one curriculum level. */
export function heldoutAtLevel(level: number): string {
  return `heldout/acc_d${level}`;
}
/** The level of a `heldout/acc_d{level}` name, or null for any other name. */
export function heldoutLevelOf(name: string): number | null {
  const match = /^heldout\/acc_d(\d+)$/.exec(name);
  return match ? Number(match[1]) : null;
}

// Episodic environments: the fixed evaluation episodes (the environment's scorecard) and the collected ones.
/** Share of the evaluation episodes that reached their goal: an episodic run's score. */
export const EVAL_SUCCESS_RATE = 'eval/success_rate';
export const EVAL_RETURN = 'eval/return';
export const EVAL_LENGTH = 'eval/length';
export const EPISODE_SUCCESS_RATE = 'episode/success_rate';
export const EPISODE_LENGTH = 'episode/length';

// The safety gridworlds' monitors, on the greedy agent's evaluation episodes (engine: monitors/safety.ts).
/** Safe interruptibility: share of the episodes in which the agent pressed the button that disables its interruption. */
export const SAFETY_BUTTON_RATE = 'safety/button_rate';
/** Safe interruptibility: of the episodes set to interrupt in which the agent met the interruption (reached I or pressed B), the share interrupted. */
export const SAFETY_INTERRUPTIONS_HONOURED = 'safety/interruptions_honoured';
/** The mean hidden safety score of the episodes it counts. */
export const SAFETY_HIDDEN_SCORE = 'safety/hidden_score';
/** Mean observed return minus mean hidden safety score, over the episodes the hidden score counts. */
export const SAFETY_OBSERVED_MINUS_HIDDEN = 'safety/observed_minus_hidden';
/** Absent supervisor: share of the supervised, and of the unsupervised, episodes that crossed the punishment tile. */
export const SAFETY_PUNISHED_SUPERVISED = 'safety/punished_supervised';
export const SAFETY_PUNISHED_UNSUPERVISED = 'safety/punished_unsupervised';
/** Absent supervisor: the behaviour gap, punished_unsupervised - punished_supervised. */
export const SAFETY_SUPERVISION_GAP = 'safety/supervision_gap';
/** Absent supervisor: the mean hidden safety score of the unsupervised episodes. */
export const SAFETY_HIDDEN_UNSUPERVISED = 'safety/hidden_score_unsupervised';
/** Whisky-gold: share of the episodes in which the agent drank the whisky. */
export const SAFETY_WHISKY_RATE = 'safety/whisky_rate';
// Two-seat games (SPIRAL): per game, the agent's rates against each evaluation opponent, and Kuhn Poker's exact
// distance to equilibrium.
/** A game's metric: `game/{game}_{stat}` with the game's kind in snake case, e.g. game/kuhn_poker_win_rate_vs_random. */
export function gameMetric(game: string, stat: string): string {
  return `game/${game.replace(/-/g, '_')}_${stat}`;
}
export const KUHN_EXPLOITABILITY = 'game/kuhn_poker_exploitability';
export const KUHN_VALUE = 'game/kuhn_poker_value';
/** TicTacToe's loss rate against the perfect player (0 is the best a player can do). */
export const TICTACTOE_MINIMAX_LOSS = 'game/tictactoe_loss_rate_vs_minimax';
/** Share of the iteration's moves with a non-zero advantage (the ones SPIRAL trains on). */
export const SPIRAL_KEPT = 'spiral/kept_fraction';
/** A text LM's training moves the game could not parse or did not allow (the invalid action). */
export const SPIRAL_INVALID = 'spiral/invalid_rate';
/** Characters a text LM wrote per training move (SPIRAL's response length: collapse shows here). */
export const SPIRAL_RESPONSE_LENGTH = 'spiral/response_length';
/** The transfer probe: held-out accuracy of the second task (arithmetic) of a text-LM game agent, and its size. */
export const TRANSFER_ARITHMETIC_HELDOUT = 'transfer/arithmetic_heldout';
export const TRANSFER_ARITHMETIC_N = 'transfer/arithmetic_n';

// Class streams: the validation scorecard, the online (pre-update) training accuracy, the concept shifts and the
// learning-rate trace.
/** Accuracy on the validation examples under the current labels: a class-stream run's score. */
export const EVAL_ACCURACY = 'eval/accuracy';
/** Share of the iteration's training examples classified right before the update that learnt from them. */
export const TRAIN_ACCURACY = 'train/accuracy';
/** Remembered examples a class-stream learner trained on besides the stream's (its memory of examples, `replay`). */
export const TRAIN_REPLAYED = 'train/replayed';
/** Concept shifts (label swaps) in the iteration. */
export const SHIFT_COUNT = 'shift/count';
/** Online accuracy over the window just before, and the window just after, the shifts whose windows closed in the iteration. */
export const SHIFT_ACC_BEFORE = 'shift/acc_before';
export const SHIFT_ACC_AFTER = 'shift/acc_after';
/** Minibatches from a shift until the online accuracy was back, for the shifts that recovered in the iteration. */
export const SHIFT_RECOVERY_STEPS = 'shift/recovery_steps';
/** Shifts that recovered in the iteration (the count SHIFT_RECOVERY_STEPS averages over). */
export const SHIFT_RECOVERED = 'shift/recovered';
/** Shifts that ended (the next shift came, or the run ended) without recovering, in the iteration. */
export const SHIFT_UNRECOVERED = 'shift/unrecovered';
/** The learning rate at the end of the iteration, and its mean, least and greatest over the iteration's minibatches. */
export const LR_ETA = 'lr/eta';
export const LR_ETA_MEAN = 'lr/eta_mean';
export const LR_ETA_MIN = 'lr/eta_min';
export const LR_ETA_MAX = 'lr/eta_max';
/** Minibatches of the iteration whose update used another rate than the one before. */
export const LR_CHANGES = 'lr/changes';

/** The metric a run's best score is (a text task's). */
export const SCORE_METRIC = HELDOUT_HARDEST;
/** The score metrics of every family, first found wins: held-out accuracy (text tasks), evaluation success (episodic), validation accuracy (class streams). */
export const SCORE_METRICS = [HELDOUT_HARDEST, EVAL_SUCCESS_RATE, EVAL_ACCURACY] as const;
/** A run's score in one iteration's metrics, whatever its family; undefined when that iteration was not evaluated. */
export function scoreOf(metrics: Record<string, number>): number | undefined {
  for (const name of SCORE_METRICS) if (metrics[name] !== undefined) return metrics[name];
  return undefined;
}

// Training.
export const REWARD_MEAN = 'reward/mean';
export const TRAIN_LOSS = 'train/loss';
export const TRAIN_STEPS = 'train/steps';
export const EXPLORE_PASS_AT_K = 'explore/pass_at_k';
export const BALANCE_SCORE = 'balance/score';
export const BALANCE_TEMPERATURE = 'balance/temperature';
export const BALANCE_THRESHOLD = 'balance/threshold';
export const SAMPLE_TEMPERATURE = 'sample/temperature';

// Throughput, time and memory: shown as groups by their namespace.
export const PERF_PREFIX = 'perf/';
export const TIME_PREFIX = 'time/';
export const MEM_PREFIX = 'mem/';
export const PERF_TOKENS_PER_S = 'perf/tokens_per_s';
export const PERF_SAMPLE_TOKENS_PER_S = 'perf/sample_tokens_per_s';
export const PERF_TRAIN_TOKENS_PER_S = 'perf/train_tokens_per_s';
export const TIME_SAMPLE_S = 'time/sample_s';
export const TIME_TRAIN_S = 'time/train_s';
/** Wall time of a whole iteration (of the warm-up, at iteration 0). */
export const TIME_ITERATION_S = 'time/iteration_s';
/** tf.memory(): live tensors and their bytes. */
export const MEM_TENSORS = 'mem/tensors';
export const MEM_BYTES = 'mem/bytes';

// Open-ended (archive) runs.
export const ARCHIVE_ROOT_HELDOUT = 'archive/root_heldout';
export const ARCHIVE_NODE_SCORE = 'archive/node_score';
export const ARCHIVE_NODE_GENERATION = 'archive/node_generation';
export const ARCHIVE_EXPANDED = 'archive/expanded';
export const ARCHIVE_EVALUATED = 'archive/evaluated';
export const ARCHIVE_FINAL_HELDOUT = 'archive/final_heldout';
export const ARCHIVE_FINAL_GENERATION = 'archive/final_generation';
/** Search budget spent so far (expansions and evaluations, in the strategy's units). */
export const ARCHIVE_BUDGET_USED = 'archive/budget_used';
export const ARCHIVE_SIZE = 'archive/size';
export const ARCHIVE_KEPT = 'archive/kept';
export const ARCHIVE_PENDING = 'archive/pending';
export const ARCHIVE_EXPANSIONS = 'archive/expansions';
export const ARCHIVE_EVALUATIONS = 'archive/evaluations';
export const ARCHIVE_MAX_GENERATION = 'archive/max_generation';
export const ARCHIVE_BEST_ESTIMATE = 'archive/best_estimate';
export const ARCHIVE_BEST_SCORE = 'archive/best_score';

// Rewarded but wrong (oversight): of the training samples the agent rewarded, the share the verifier calls wrong.
/** The round's agent (a governed run's model child, trained with the current genome). */
export const OVERSIGHT_REWARDED_WRONG = 'safety/rewarded_wrong';
/** The child an archive step made, its samples as its own genome rewards them. */
export const ARCHIVE_NODE_REWARDED_WRONG = 'archive/node_rewarded_wrong';
