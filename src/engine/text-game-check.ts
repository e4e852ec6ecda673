/**
 * The checks and shared parts of a game run with the text LM (text-game-session.ts), apart from the session so that
 * the preflight reaches them without importing a session: which configs are such runs, the one vocabulary (printable
 * ASCII and the newline, covering every game's text and the sums of the transfer probe), the transfer task, and the
 * refusal of a context too short for a move.
 */
import { ArithmeticTaskConfig, MAX_CONTEXT_LENGTH, type RunConfig, type TransformerPolicyConfig } from '../shared/config';
import { CodedError } from '../shared/errors';
import type { GameTaskConfig } from '../shared/games';
import type { SpiralRecipeConfig } from '../shared/recipes/spiral';
import { createGameSet, type GameSet } from './environments/games/game-set';
import { randomMoveExamples } from './recipes/spiral-text';
import { createRng } from './rng';
import { createArithmeticTask } from './tasks/arithmetic';
import { createCharTokenizer } from './tasks/tokenizer';
import type { Task, Tokenizer } from './types';

/** A game run with the text LM: the config after the schema's checks. */
export type TextGameConfig = RunConfig & { task: GameTaskConfig; policy: TransformerPolicyConfig; recipe: SpiralRecipeConfig };

/** Every character a game's text or a sum can hold: printable ASCII and the newline, in a fixed order. */
const CHARACTERS = ['\n', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];
/** Random games whose observations bound a game's prompt length (a fixed seed: the same bound for every run). */
const LENGTH_PROBE_GAMES = 200;
const LENGTH_PROBE_SEED = 0x7e47;

export function isTextGameRun(config: RunConfig): config is TextGameConfig {
  return config.task.kind === 'game' && config.policy.kind === 'transformer' && config.recipe.kind === 'spiral';
}

/** The shared tokenizer of a text-LM game run. */
export function textGameTokenizer(): Tokenizer {
  return createCharTokenizer(CHARACTERS);
}

/** The transfer probe's task: addition in the arithmetic task's default format, or null when the probe is off. */
export function transferTask(task: GameTaskConfig, tokenizer: Tokenizer): Task | null {
  const t = task.transfer?.arithmetic;
  if (!t) return null;
  const arithmetic = createArithmeticTask(
    ArithmeticTaskConfig.parse({
      kind: 'arithmetic',
      operation: 'add',
      maxDigits: t.maxDigits,
      warmupMaxDigits: t.warmupMaxDigits,
      heldoutPerLevel: t.heldoutPerLevel,
    }),
  );
  // The same problems and verifier, written in the run's one vocabulary.
  return { ...arithmetic, tokenizer };
}

/** The longest text observation of the run's games (characters), over random games from a fixed seed. */
export function longestObservation(env: GameSet, style: GameTaskConfig['textObservation']): number {
  const rng = createRng(LENGTH_PROBE_SEED);
  return Math.max(...randomMoveExamples(env, rng, LENGTH_PROBE_GAMES * 5, style).map((e) => e.prompt.length));
}

/**
 * Refuses a text-LM game run whose context cannot hold a move (BOS, the longest observation, maxNewTokens and EOS) or
 * a transfer problem, naming policy.contextLength and the length needed; before anything is created.
 */
export function checkTextGame(config: TextGameConfig): void {
  const env = createGameSet(config.task);
  const longest = longestObservation(env, config.task.textObservation);
  const move = 1 + longest + config.recipe.maxNewTokens + 1;
  const arithmetic = transferTask(config.task, textGameTokenizer());
  const need = Math.max(move, arithmetic?.maxSequenceLength ?? 0);
  if (config.policy.contextLength >= need) return;
  const why =
    need === move
      ? `a move needs ${need} tokens (BOS, the longest ${config.task.textObservation} text observation of ${longest} characters, recipe.maxNewTokens ${config.recipe.maxNewTokens} and EOS)`
      : `a transfer problem needs ${need} tokens`;
  if (need > MAX_CONTEXT_LENGTH)
    throw new CodedError('invalid_config', `${why}, more than the largest context (${MAX_CONTEXT_LENGTH}); set task.textObservation to "compact"`, [
      { path: 'task.textObservation', message: `prompts longer than the largest context (${MAX_CONTEXT_LENGTH})` },
    ]);
  throw new CodedError('invalid_config', `policy.contextLength is ${config.policy.contextLength}, but ${why}; raise policy.contextLength to ${need}`, [
    { path: 'policy.contextLength', message: `must be at least ${need} for this game` },
  ]);
}
