import { expect, test } from './fixtures';
import { findPreset } from '../src/shared/presets';

/** Iterations of the episodic smoke preset (iteration 0 is the untrained agent's evaluation, no warm-up). */
const N = findPreset('gridworld-a2c-smoke')!.config.iterations;

/**
 * The episodic proof in the app: a gridworld A2C smoke run started from the gallery is watched to completion, its
 * charts open on the evaluation and the reward, and the Trajectories view draws its episodes as grids.
 */
test('a gridworld A2C run from the gallery completes, charts its success, and its episodes are drawn as grids', async ({ app }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  const runId = await app.newRun().startPreset('gridworld-a2c-smoke');
  const run = app.run();
  await run.waitForStatus('completed', 240_000);
  await expect(run.timelineDone()).toHaveCount(N);
  // The headline charts of an episodic run: its evaluation first, then the reward.
  await expect(run.charts().first()).toHaveAttribute('data-metric', /^eval\//);
  await expect(app.page.locator('[data-testid=chart][data-metric="eval/success_rate"]')).not.toHaveAttribute('data-points', '0');
  await expect(app.page.locator('[data-testid=chart][data-metric="reward/mean"]')).toBeVisible();
  // "best" says what it is the best of.
  await expect(app.page.getByTestId('run-best')).toHaveText(/^best evaluation success rate: (1|0\.9\d*)$/);
  await app.screenshot('gridworld-run');

  await app.go(`#/runs/${encodeURIComponent(runId)}/trajectories`);
  const view = app.trajectories();
  await expect(view.samples().first()).toBeVisible({ timeout: 30_000 });
  const grid = view.samples().first().getByTestId('episode-grid');
  await expect(grid).toBeVisible();
  await expect(grid).toHaveAttribute('data-size', '5');
  await expect(grid.getByTestId('grid-cell')).toHaveCount(25);
  await expect(grid.locator('.cell.start')).toHaveCount(1);
  await expect(grid.locator('.cell.goal')).toHaveCount(1);
  // The last iteration's episodes nearly all reach the goal.
  await view.iteration(String(N));
  await expect(view.samples().first().getByTestId('episode-grid')).toBeVisible();
  expect(await app.page.locator('[data-testid=episode-grid][data-success=true]').count()).toBeGreaterThan(0);
  // Replayed move by move: back to the start, where only the start cell is on the path, then one move on.
  const replay = view.samples().first().getByTestId('grid-replay');
  const moves = Number(await replay.getAttribute('data-steps'));
  await expect(replay).toHaveAttribute('data-step', String(moves));
  await replay.getByTestId('replay-first').click();
  await expect(replay).toHaveAttribute('data-step', '0');
  await expect(replay.locator('.cell.visited')).toHaveCount(1);
  await expect(replay.getByTestId('replay-caption')).toHaveText('start');
  await replay.getByTestId('replay-next').click();
  await expect(replay.getByTestId('replay-caption')).toHaveText(/^move 1 of \d+: [URDL]$/);
  await app.screenshot('gridworld-trajectories');
  // A dialog closes with Esc.
  await view.samples().first().getByTestId('same-prompt').click();
  await expect(view.samePromptView()).toBeVisible();
  await app.page.keyboard.press('Escape');
  await expect(view.samePromptView()).toHaveCount(0);
});
