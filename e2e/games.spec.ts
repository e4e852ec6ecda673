import { expect, test } from './fixtures';
import { findPreset } from '../src/shared/presets';

/** Iterations of the Kuhn Poker smoke preset (iteration 0 is the untrained policy's evaluation, no warm-up). */
const N = findPreset('spiral-kuhn-poker-smoke')!.config.iterations;

/**
 * A game run in the app: a SPIRAL Kuhn Poker smoke run started from the gallery is watched to completion, its
 * charts open on the win rate against random and the exact exploitability, and its games are listed in
 * Trajectories with their moves (drawn as text until the game views come).
 */
test('a SPIRAL Kuhn Poker run from the gallery completes, charts its exploitability, and lists its games', async ({ app }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  const runId = await app.newRun().startPreset('spiral-kuhn-poker-smoke');
  const run = app.run();
  await run.waitForStatus('completed', 240_000);
  await expect(run.timelineDone()).toHaveCount(N);
  await expect(run.charts().first()).toHaveAttribute('data-metric', 'eval/success_rate');
  const exploitability = app.page.locator('[data-testid=chart][data-metric="game/kuhn_poker_exploitability"]');
  await expect(exploitability).toBeVisible();
  await expect(exploitability).not.toHaveAttribute('data-points', '0');
  await expect(app.page.getByTestId('run-best')).toHaveText(/^best evaluation success rate: 0\.\d+$/);
  await app.screenshot('kuhn-run');

  await app.go(`#/runs/${encodeURIComponent(runId)}/trajectories`);
  const view = app.trajectories();
  await expect(view.samples().first()).toBeVisible({ timeout: 30_000 });
  // A match's moves by their text names, and how it ended.
  await expect(view.samples().first()).toContainText(/\[(check|bet)\]/);
  await expect(view.samples().first()).toContainText(/Player [01] won|a draw/);
  await app.screenshot('kuhn-trajectories');
});
