/**
 * SPIRAL with the text LM, the smoke presets on the CPU (WASM) backend: the warm-up teaches the char-level model to
 * write legal moves (an untrained one writes none), game training runs on the moves it writes with no tensor leaked,
 * and the transfer probe reports held-out arithmetic accuracy after the warm-up and at every evaluation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig } from '../../shared/config';
import { gameMetric, SPIRAL_INVALID, SPIRAL_KEPT, TRANSFER_ARITHMETIC_HELDOUT, TRANSFER_ARITHMETIC_N } from '../../shared/metrics';
import { findPreset } from '../../shared/presets';
import { smokeSeries } from './smoke-run';
import { initBackend } from '../tf';

beforeAll(async () => {
  await initBackend('wasm');
});

const run = smokeSeries;

const ttt = (stat: string) => gameMetric('tictactoe', stat);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('SPIRAL with the text LM (smoke)', () => {
  it('TicTacToe: the warm-up teaches legal moves (untrained: every game lost by an invalid move), then self-play trains on the written moves', async () => {
    const untrained = (await run('tictactoe-text-spiral-smoke', { warmup: { steps: 0 }, iterations: 1 }))[0]!;
    expect(untrained[ttt('invalid_rate_vs_random')]).toBe(1);
    const s = await run('tictactoe-text-spiral-smoke');
    expect(s[0]![ttt('invalid_rate_vs_random')]!).toBeLessThan(0.95);
    expect(s[0]![ttt('win_rate_vs_random')]! + s[0]![ttt('draw_rate_vs_random')]!).toBeGreaterThan(0);
    // Self-play's training moves: most are legal after the warm-up, and some carry an advantage to learn from.
    expect(mean(s.slice(1).map((m) => m[SPIRAL_INVALID]!))).toBeLessThan(0.5);
    expect(Math.min(...s.slice(1).map((m) => m[SPIRAL_KEPT]!))).toBeGreaterThan(0);
    expect(s.at(-1)![ttt('loss_rate_vs_minimax')]).toBeGreaterThanOrEqual(0);
  }, 300_000);

  it('the transfer probe: held-out arithmetic after the warm-up and at every evaluation, with its size', async () => {
    const s = await run('transfer-arithmetic-tictactoe-smoke');
    const config = RunConfig.parse(findPreset('transfer-arithmetic-tictactoe-smoke')!.config);
    expect(s[0]![TRANSFER_ARITHMETIC_N]).toBeGreaterThan(0);
    expect(s[0]![TRANSFER_ARITHMETIC_HELDOUT]).toBeGreaterThanOrEqual(0);
    s.forEach((m, i) => {
      const evaluated = i % config.evalEvery === 0 || i === config.iterations;
      expect(m[TRANSFER_ARITHMETIC_HELDOUT] !== undefined, `iteration ${i}`).toBe(evaluated);
    });
    expect(s[0]![ttt('invalid_rate_vs_random')]!).toBeLessThan(1);
  }, 300_000);

  it('Kuhn Poker: the text LM writes its bets and its games are scored against the random mover', async () => {
    const s = await run('kuhn-text-spiral-smoke');
    expect(s[0]![gameMetric('kuhn_poker', 'invalid_rate_vs_random')]!).toBeLessThan(1);
    expect(s.at(-1)![SPIRAL_INVALID]).toBeLessThan(1);
  }, 300_000);
});
