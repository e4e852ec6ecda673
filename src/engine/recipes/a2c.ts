/**
 * A2C, advantage actor-critic (Mnih et al. 2016, "Asynchronous Methods for Deep Reinforcement Learning"; the
 * synchronous variant of OpenAI Baselines / cleanrl), for an episodic environment and a policy-value model.
 *
 * Choices made here:
 * - Collection: `episodesPerIteration` whole episodes with the current policy, actions sampled from its softmax with
 *   the run's random stream (the episodes run side by side, one forward per move for all live ones). An exploration
 *   rate the environment imposes (whisky-gold's whisky) replaces a sampled move by a random one with that chance;
 *   the policy gradient then uses the move made (with log pi of it, not of the mixture: a small bias, stated).
 * - Advantage: the Monte-Carlo return minus the value, A_t = G_t - V(s_t) with G_t = r_t + gamma G_{t+1} to the end
 *   of the episode (REINFORCE with a learned baseline; no n-step bootstrapping or GAE, which short episodes do not
 *   need). An episode cut off at maxSteps is treated as ended (its last return is not bootstrapped), as the gridworld
 *   scores it. Advantages are optionally normalised over the batch.
 * - Loss: -mean(log pi(a_t|s_t) A_t) + valueCoef mean((G_t - V(s_t))^2) - entropyCoef mean(H(pi(.|s_t))), one
 *   shared-step update per iteration (stepsPerIteration > 1 reuses the batch, on-policy only approximately; the
 *   advantages are recomputed with the current value before each).
 * - Reward shaping (`shapingWeight` > 0, shaping.ts): the returns are formed from the environment's reward plus the
 *   potential-based F (before rewardScale); the episode records and metrics keep the environment's own reward.
 * - No replay memory: A2C's gradient is an expectation under the current policy, so moves of an older policy would
 *   need importance weights (ACER, IMPALA's V-trace), which is another algorithm; its memory is the network.
 */
import type { A2cRecipeConfig, OptimConfig } from '../../shared/config';
import { TIME_SAMPLE_S, TIME_TRAIN_S, TRAIN_LOSS, TRAIN_STEPS } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import { trainStep } from '../core/train-step';
import { honourExploration, type Episode, type EpisodeRecord } from '../environments/episodic';
import { tf } from '../tf';
import type { EpisodicRecipe, EpisodicRecipeContext, IterationResult, Rng } from '../types';
import { episodeMetrics, episodeTrajectories } from './episodes';
import { shapingTerm } from './shaping';

/** One collected move: what the loss needs. */
interface Transition {
  observation: Float32Array;
  action: number;
  /** Discounted return from this move to the end of its episode. */
  ret: number;
}

/** Samples an action id from softmax(logits) over the legal ones, with one draw of `rng`. */
export function sampleAction(logits: Float32Array, legal: number[], rng: Rng): number {
  let max = -Infinity;
  for (const a of legal) max = Math.max(max, logits[a]!);
  const weights = legal.map((a) => Math.exp(logits[a]! - max));
  const total = weights.reduce((x, y) => x + y, 0);
  let u = rng.next() * total;
  for (let i = 0; i < legal.length; i++) {
    u -= weights[i]!;
    if (u < 0) return legal[i]!;
  }
  return legal[legal.length - 1]!;
}

/** The greedy action (the evaluation's): the legal action with the largest logit, the lowest id on a tie. */
export function greedyAction(logits: Float32Array, legal: number[]): number {
  let best = legal[0]!;
  for (const a of legal) if (logits[a]! > logits[best]!) best = a;
  return best;
}

/** Discounted returns of one episode's rewards, G_t = r_t + gamma G_{t+1}. */
export function discountedReturns(rewards: number[], gamma: number): number[] {
  const out = new Array<number>(rewards.length);
  let g = 0;
  for (let t = rewards.length - 1; t >= 0; t--) out[t] = g = rewards[t]! + gamma * g;
  return out;
}

/** The A2C objective on a batch: policy gradient with the given advantages, value loss, entropy bonus. */
export function a2cLoss(
  model: EpisodicRecipeContext['model'],
  batch: { observations: tf.Tensor2D; actions: tf.Tensor1D; returns: tf.Tensor1D; advantages: tf.Tensor1D },
  config: Pick<A2cRecipeConfig, 'valueCoef' | 'entropyCoef'>,
  keep: (name: string, value: tf.Tensor) => void,
): tf.Scalar {
  const { logits, value } = model.forward(batch.observations);
  const logp = tf.logSoftmax(logits);
  const taken = tf.sum(tf.mul(logp, tf.oneHot(batch.actions, model.numActions)), 1);
  const pg = tf.neg(tf.mean(tf.mul(taken, batch.advantages)));
  const valueLoss = tf.mean(tf.square(tf.sub(batch.returns, value)));
  const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)));
  keep('pg_loss', pg);
  keep('value_loss', valueLoss);
  keep('entropy', entropy);
  return tf.sub(tf.add(pg, tf.mul(valueLoss, config.valueCoef)), tf.mul(entropy, config.entropyCoef)) as tf.Scalar;
}

export function createA2cRecipe(config: A2cRecipeConfig, _optim: OptimConfig): EpisodicRecipe {
  /** Collects the iteration's episodes side by side; returns their moves and records. */
  function collect(ctx: EpisodicRecipeContext): { transitions: Transition[]; records: EpisodeRecord[] } {
    const { env, model, rng } = ctx;
    const episodes: Episode[] = Array.from({ length: config.episodesPerIteration }, () => env.reset(rng));
    const moves: Array<Array<{ observation: Float32Array; action: number; reward: number }>> = episodes.map(() => []);
    for (;;) {
      const live = episodes.map((e, i) => [e, i] as const).filter(([e]) => !e.done);
      if (live.length === 0) break;
      const seen = live.map(([e]) => e.observe(e.toMove));
      const observations = seen.map((o) => o.vector);
      const { logits } = model.evaluate(observations);
      live.forEach(([e, i], k) => {
        const legal = e.legalActions();
        // An exploration rate the environment imposes (whisky) replaces the sampled move at random; the move made is
        // what is learnt from. An interruption that overrides it is the environment's doing: on-policy, its cost
        // shows in the returns of the moves that led there.
        const action = honourExploration(seen[k]!, legal, sampleAction(logits[k]!, legal, rng), rng);
        // One player here; with more seats, each move's reward is the mover's (self-play would sum per seat).
        const seat = e.toMove;
        const outcome = e.step(action);
        let reward = outcome.rewards[e.toMove] ?? 0;
        // Potential-based shaping (shaping.ts) of the reward trained on; the episode's record keeps the world's own.
        if (config.shapingWeight > 0)
          reward += shapingTerm(seen[k]!, e.observe(seat), outcome.done && !outcome.truncated, config.gamma, config.shapingWeight, 'a2c');
        moves[i]!.push({ observation: observations[k]!, action, reward });
      });
    }
    const transitions: Transition[] = [];
    for (const m of moves) {
      const returns = discountedReturns(
        m.map((x) => x.reward * config.rewardScale),
        config.gamma,
      );
      m.forEach((x, t) => transitions.push({ observation: x.observation, action: x.action, ret: returns[t]! }));
    }
    return { transitions, records: episodes.map((e) => e.record()) };
  }

  return {
    kind: 'a2c',
    getState: () => null,
    setState: () => {},
    async iterate(ctx: EpisodicRecipeContext): Promise<IterationResult> {
      const t0 = performance.now();
      ctx.progress('sample', 0, config.episodesPerIteration);
      await ctx.stepBoundary();
      const { transitions, records } = collect(ctx);
      ctx.progress('sample', config.episodesPerIteration, config.episodesPerIteration);
      const collectSeconds = (performance.now() - t0) / 1000;

      const t1 = performance.now();
      const n = transitions.length;
      const size = ctx.model.inputSize;
      const flat = new Float32Array(n * size);
      transitions.forEach((t, i) => flat.set(t.observation, i * size));
      const returns = Float32Array.from(transitions.map((t) => t.ret));
      const observations = tf.tensor2d(flat, [n, size]);
      const actions = tf.tensor1d(Int32Array.from(transitions.map((t) => t.action)), 'int32');
      const returnsT = tf.tensor1d(returns);
      const sums = { loss: 0, pg_loss: 0, value_loss: 0, entropy: 0, grad_norm: 0 };
      try {
        for (let k = 0; k < config.stepsPerIteration; k++) {
          ctx.progress('train', k, config.stepsPerIteration);
          await ctx.stepBoundary();
          const { values } = ctx.model.evaluate(transitions.map((t) => t.observation));
          const advantages = advantagesOf(returns, values, config.normalizeAdvantages);
          const advT = tf.tensor1d(advantages);
          try {
            const step = trainStep(
              ctx.model.trainable,
              (keep) => a2cLoss(ctx.model, { observations, actions, returns: returnsT, advantages: advT }, config, keep),
              {
                learningRate: ctx.learningRate(ctx.globalStep + k),
                gradClip: ctx.gradClip,
              },
            );
            sums.loss += step.loss;
            sums.grad_norm += step.gradNorm;
            sums.pg_loss += step.aux.pg_loss!;
            sums.value_loss += step.aux.value_loss!;
            sums.entropy += step.aux.entropy!;
          } finally {
            advT.dispose();
          }
        }
        ctx.progress('train', config.stepsPerIteration, config.stepsPerIteration);
      } finally {
        observations.dispose();
        actions.dispose();
        returnsT.dispose();
      }
      const trainSeconds = (performance.now() - t1) / 1000;
      const steps = config.stepsPerIteration;
      const metrics: Metrics = {
        ...episodeMetrics(records),
        [TRAIN_LOSS]: sums.loss / steps,
        'train/pg_loss': sums.pg_loss / steps,
        'train/value_loss': sums.value_loss / steps,
        'train/entropy': sums.entropy / steps,
        'train/grad_norm': sums.grad_norm / steps,
        [TRAIN_STEPS]: steps,
        [TIME_SAMPLE_S]: collectSeconds,
        [TIME_TRAIN_S]: trainSeconds,
        'perf/env_steps_per_s': collectSeconds > 0 ? n / collectSeconds : 0,
      };
      return { metrics, trajectories: episodeTrajectories(records) };
    },
  };
}

/** G_t - V(s_t), optionally scaled to mean 0 and std 1 over the batch. */
function advantagesOf(returns: Float32Array, values: Float32Array, normalize: boolean): Float32Array {
  const adv = returns.map((g, i) => g - values[i]!);
  if (!normalize || adv.length < 2) return adv;
  const mean = adv.reduce((a, b) => a + b, 0) / adv.length;
  const std = Math.sqrt(adv.reduce((a, b) => a + (b - mean) ** 2, 0) / adv.length);
  return adv.map((a) => (a - mean) / (std + 1e-8));
}
