/**
 * The text LM's side of SPIRAL's model port (spiral-model.ts): the char-level transformer plays a move by sampling
 * text from the prompt BOS + the game's text observation (its own, or the compact rendering), the game parses it
 * (text that names no legal action is the invalid action), and a kept move is trained with SPIRAL's token loss
 *
 *   L = -(1 / B) sum_b A_b sum_t log pi(token_t) / maxNewTokens
 *
 * over the B kept moves and the tokens each wrote (its EOS included when it wrote one). The authors' learner
 * (spiral-rl/spiral, train_spiral.py) aggregates a turn's token log-probs with a masked *sum* divided by a constant,
 * the generation budget (Oat's Dr. GRPO aggregator, "masked sum is the correct implementation"), not a per-turn mean:
 * a constant normaliser keeps a long answer's gradient as large per token as a short one's. Here that constant is
 * recipe.maxNewTokens. No KL term, no clipping ratio (one update per batch of fresh moves, so the ratio is 1).
 *
 * Also here: the supervised warm-up's examples (observation text -> a uniformly random legal move), the stand-in for
 * the instruct model SPIRAL starts from, which already writes legal moves. A frozen copy is the policy's state (plain
 * arrays); it becomes a live policy once, when it is first played against, and is kept until another copy replaces it.
 */
import type { TrainBatch } from '../types';
import type { DataParallel, Policy, PolicyState, PreparedBatch, Rng, Tokenizer } from '../types';
import type { Player, TextMove } from '../environments/games/arena';
import { GameSet, type GameStart } from '../environments/games/game-set';
import { TwoSeatGame, type GameEpisode, type TextStyle } from '../environments/games/two-seat';
import { applyGradients, trainStep, type StepOptions, type StepResult } from '../core/train-step';
import { tf } from '../tf';
import type { AdvantagedMove, SpiralModel, TrainContext, TrainStats } from './spiral-model';

export interface TextModelOptions {
  policy: Policy;
  tokenizer: Tokenizer;
  style: TextStyle;
  maxNewTokens: number;
  temperature: number;
  stepsPerIteration: number;
  /** A live policy with a frozen copy's weights (the fixed opponent). */
  thaw(state: PolicyState): Policy;
}

/** The prompt of the seat to move: BOS, then its text observation. */
export function movePrompt(episode: GameEpisode, style: TextStyle, tokenizer: Tokenizer): number[] {
  return [tokenizer.bos, ...tokenizer.encode(episode.textObservation(episode.toMove, style))];
}

/** A text LM as a player: one batched sample per call, every episode's prompt its own observation. */
export function textPlayer(name: string, policy: Policy, o: Pick<TextModelOptions, 'tokenizer' | 'style' | 'maxNewTokens' | 'temperature'>): Player {
  return {
    name,
    act(episodes, rng): TextMove[] {
      if (episodes.length === 0) return [];
      const prompts = episodes.map((e) => movePrompt(e, o.style, o.tokenizer));
      const out = policy.sample(prompts, { maxNewTokens: o.maxNewTokens, temperature: o.temperature, rng });
      // sample() stops a row at EOS without returning it: a row shorter than the budget ended with EOS.
      return out.tokens.map((tokens, i) => ({ text: o.tokenizer.decode(tokens), prompt: prompts[i]!, tokens, ended: tokens.length < o.maxNewTokens }));
    },
  };
}

/** The rows a kept move trains on: prompt, then what it wrote (EOS included when written), weighted by its advantage. */
export function moveBatch(kept: AdvantagedMove[], eos: number): TrainBatch {
  const moves = kept.filter((m) => m.move.text && (m.move.text.tokens.length > 0 || m.move.text.ended));
  return {
    sequences: moves.map(({ move }) => [...move.text!.prompt, ...move.text!.tokens, ...(move.text!.ended ? [eos] : [])]),
    targetStart: moves.map(({ move }) => move.text!.prompt.length),
    weights: moves.map((m) => m.advantage),
  };
}

/**
 * SPIRAL's token loss on a prepared batch whose weights are the advantages: -mean over rows of A * sum_t log pi / L,
 * L = maxNewTokens. Also the mean -log pi of the trained tokens (an estimate of the per-token entropy, on-policy).
 */
export function textMoveLoss(policy: Policy, p: PreparedBatch, maxNewTokens: number): { loss: tf.Scalar; surprise: tf.Scalar } {
  const mask = tf.tensor2d(p.mask, [p.batch, p.time]);
  const advantages = tf.tensor2d(p.weights, [p.batch, 1]);
  const lp = tf.mul(policy.tokenLogProbs(p, true), mask);
  const perMove = tf.sum(lp, 1, true);
  const loss = tf.div(tf.neg(tf.sum(tf.mul(perMove, advantages))), p.batch * maxNewTokens) as tf.Scalar;
  const surprise = tf.div(tf.neg(tf.sum(lp)), Math.max(1, p.tokens)) as tf.Scalar;
  return { loss, surprise };
}

/** The text LM as SPIRAL's model. `dispose` frees the live copy of a frozen opponent. */
export function textSpiralModel(o: TextModelOptions): SpiralModel & { dispose(): void } {
  let thawed: { frozen: unknown; policy: Policy } | null = null;
  const live = (frozen: unknown): Policy => {
    if (thawed === null || thawed.frozen !== frozen) {
      thawed?.policy.dispose();
      thawed = { frozen, policy: o.thaw(frozen as PolicyState) };
    }
    return thawed.policy;
  };
  return {
    logits: null,
    player: (name) => textPlayer(name, o.policy, o),
    freeze: () => o.policy.getState(),
    frozenPlayer: (frozen, name) => textPlayer(name, live(frozen), o),
    train: (kept, ctx) => trainText(o, kept, ctx),
    dispose: () => {
      thawed?.policy.dispose();
      thawed = null;
    },
  };
}

function trainText(o: TextModelOptions, kept: AdvantagedMove[], ctx: TrainContext): TrainStats {
  const batch = moveBatch(kept, o.tokenizer.eos);
  if (batch.sequences.length === 0) return { loss: 0, steps: 0, entropy: 0, gradNorm: 0 };
  const p = o.policy.prepare(batch);
  const sums = { loss: 0, entropy: 0, gradNorm: 0 };
  const parallel = o.policy.dataParallel && batch.sequences.length >= 2 ? o.policy.dataParallel : null;
  for (let k = 0; k < o.stepsPerIteration; k++) {
    ctx.progress('train', k, o.stepsPerIteration);
    const options = { learningRate: ctx.learningRate(ctx.globalStep + k), gradClip: ctx.gradClip };
    const step = parallel
      ? parallelMoveStep(o.policy, parallel, batch, o.maxNewTokens, options)
      : trainStep(
          o.policy.trainable,
          (keep) => {
            const { loss, surprise } = textMoveLoss(o.policy, p, o.maxNewTokens);
            keep('entropy', surprise);
            return loss;
          },
          options,
        );
    sums.loss += step.loss;
    sums.entropy += step.aux.entropy!;
    sums.gradNorm += step.gradNorm;
  }
  const n = o.stepsPerIteration;
  return { loss: sums.loss / n, steps: n, entropy: sums.entropy / n, gradNorm: sums.gradNorm / n };
}

/**
 * textMoveLoss's step on a worker pool: its loss is the likelihood sum with the advantages as weights over B * L
 * (rows times the move budget), and its entropy estimate the unweighted sum over the trained tokens, so the workers'
 * likelihood sums (pool/pooled-policy.ts) give both; then the one shared clip + optimiser step.
 */
function parallelMoveStep(policy: Policy, parallel: DataParallel, batch: TrainBatch, maxNewTokens: number, options: StepOptions): StepResult {
  const { lossSum, tokens, grads, nllSum } = parallel.likelihoodGradients(batch);
  const scale = 1 / (batch.sequences.length * maxNewTokens);
  for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i] *= scale;
  const { gradNorm } = applyGradients(policy.trainable, grads, options);
  return { loss: lossSum * scale, gradNorm, aux: { entropy: nllSum / Math.max(1, tokens) } };
}

/** One warm-up example: a seat's text observation and the move written after it. */
export interface MoveExample {
  prompt: string;
  answer: string;
}

/**
 * At least `n` warm-up examples: games played to the end by uniformly random legal movers on both seats (starts drawn
 * from `rng`, the task's games in turn), every move's observation and its action text; the first `n` are returned.
 */
export function randomMoveExamples(env: GameSet, rng: Rng, n: number, style: TextStyle): MoveExample[] {
  const out: MoveExample[] = [];
  for (let g = 0; out.length < n; g++) {
    const start: GameStart = env.drawStart(env.games[g % env.games.length]!, rng);
    const game = GameSet.unwrap(env.play(start, 'training'));
    if (!(game instanceof TwoSeatGame)) throw new Error('randomMoveExamples: a game of the task is not a two-seat game');
    while (!game.done) {
      const legal = game.legalActions();
      const action = legal[rng.int(legal.length)]!;
      out.push({ prompt: game.textObservation(game.toMove, style), answer: game.actionText(action) });
      game.step(action);
    }
  }
  return out.slice(0, n);
}
