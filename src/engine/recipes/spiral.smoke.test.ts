/**
 * SPIRAL learns each game: the smoke presets on the CPU (WASM) backend, in seconds each. Learning is asserted on
 * the fixed evaluation games (the same deals and random moves for every policy): the win rate against a random
 * mover rises on TicTacToe, Kuhn Poker's exact exploitability falls, and so on; no tensor leaks over any run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EVAL_SUCCESS_RATE, gameMetric, KUHN_EXPLOITABILITY, SPIRAL_KEPT } from '../../shared/metrics';
import type { Metrics } from '../../shared/run';
import { smokeSeries } from './smoke-run';
import { initBackend } from '../tf';

beforeAll(async () => {
  await initBackend('wasm');
});

const run = smokeSeries;

const ttt = (stat: string) => gameMetric('tictactoe', stat);
const last = (series: Metrics[], name: string) => series.at(-1)![name]!;
/** Mean of a metric over the last k iterations (evaluation noise of one iteration aside). */
const tail = (series: Metrics[], name: string, k = 5) => series.slice(-k).reduce((a, m) => a + m[name]!, 0) / k;

describe('SPIRAL (smoke)', () => {
  it('TicTacToe self-play: the win rate against a random mover, averaged after iteration 10, is 0.08 or more above the untrained', async () => {
    const s = await run('spiral-tictactoe-smoke');
    // Self-play's win rate against random rises within some 30 iterations and then wanders (results.md): the mean
    // over the run says whether it learnt, the last iteration alone may sit in a dip.
    const after = s.slice(10);
    const mean = after.reduce((a, m) => a + m[ttt('win_rate_vs_random')]!, 0) / after.length;
    expect(mean).toBeGreaterThan(s[0]![ttt('win_rate_vs_random')]! + 0.08);
    expect(Math.max(...after.flatMap((m) => (m[EVAL_SUCCESS_RATE] === undefined ? [] : [m[EVAL_SUCCESS_RATE]!])))).toBeGreaterThan(s[0]![EVAL_SUCCESS_RATE]!);
    // The minimax loss rate is measured (a perfect player is not beaten at this scale; see results.md).
    expect(last(s, ttt('loss_rate_vs_minimax'))).toBeGreaterThanOrEqual(0);
    expect(last(s, SPIRAL_KEPT)).toBeGreaterThan(0);
  }, 120_000);

  it("Kuhn Poker self-play: the policy's exact exploitability falls by 0.1 chip a round or more", async () => {
    const s = await run('spiral-kuhn-poker-smoke');
    expect(s[0]![KUHN_EXPLOITABILITY]!).toBeGreaterThan(0.3);
    expect(tail(s, KUHN_EXPLOITABILITY)).toBeLessThan(s[0]![KUHN_EXPLOITABILITY]! - 0.1);
  }, 120_000);

  it('Simple Negotiation self-play: wins minus losses against a random mover rise', async () => {
    const s = await run('spiral-negotiation-smoke');
    const net = (m: Metrics) => m[gameMetric('negotiation', 'win_rate_vs_random')]! - m[gameMetric('negotiation', 'loss_rate_vs_random')]!;
    expect(net(s.at(-1)!)).toBeGreaterThan(net(s[0]!));
  }, 120_000);

  it('the three-game mix: TicTacToe wins against random rise and Kuhn exploitability falls, with one policy', async () => {
    const s = await run('spiral-mix-smoke');
    expect(tail(s, ttt('win_rate_vs_random'))).toBeGreaterThan(s[0]![ttt('win_rate_vs_random')]!);
    expect(tail(s, KUHN_EXPLOITABILITY)).toBeLessThan(s[0]![KUHN_EXPLOITABILITY]!);
  }, 120_000);

  it.each([
    ['spiral-tictactoe-no-rae-smoke', 'win_rate_vs_random'],
    ['spiral-tictactoe-fixed-smoke', 'win_rate_vs_fixed'],
    ['spiral-tictactoe-random-smoke', 'win_rate_vs_random'],
  ])(
    'the ablation %s learns to beat the opponent it trains against (%s rises)',
    async (id, stat) => {
      const s = await run(id);
      // Iteration 0's fixed opponent is the policy itself; iteration 1's is the frozen initial policy, barely moved.
      expect(tail(s, ttt(stat))).toBeGreaterThan(s[1]![ttt(stat)]! + 0.05);
    },
    120_000,
  );
});
