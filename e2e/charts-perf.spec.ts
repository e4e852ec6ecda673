import { recordLatency } from './latency-report';
import { expect, test } from './fixtures';
import type { FrameStats } from '../src/renderer/features/bench/frame-stats';

test('charts stay smooth while streaming 100k points each', async ({ app }) => {
  await app.go('#/bench/charts?points=100000&charts=4&seconds=3');
  await app.page.waitForFunction(() => (globalThis as unknown as { __evolabFrameStats?: FrameStats }).__evolabFrameStats?.done === true, null, {
    timeout: 90_000,
  });
  const stats = await app.page.evaluate(() => (globalThis as unknown as { __evolabFrameStats: FrameStats }).__evolabFrameStats);
  recordLatency('charts', {
    ...stats,
    note: 'requestAnimationFrame deltas while appending points to 4 charts already holding 100k points each; headless Chromium, software rendering',
  });
  await app.screenshot('chart-bench');
  expect(stats.points).toBeGreaterThanOrEqual(100_000);
  expect(stats.frames).toBeGreaterThan(20);
  // At least 20 frames per second at the median even on a busy machine without a GPU; an idle one runs at 60.
  expect(stats.p50).toBeLessThan(50);
});
