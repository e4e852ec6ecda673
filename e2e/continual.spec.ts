import { expect, test } from './fixtures';

/** Iterations the spec sets on the homeostatic smoke preset: long enough to watch it and pause it mid-run. */
const N = 60;

/**
 * A class-stream run in the app: the homeostatic smoke preset, customised to run longer, is watched live: its
 * learning-rate trace grows with shift marks while it trains, it is paused, the Trajectories view shows the confusion
 * matrix of its latest evaluation, and after resuming it completes with one trace point per iteration.
 */
test('a homeostatic classifier run is watched live with its learning-rate trace and the confusion matrix of its latest evaluation', async ({ app }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  const form = app.newRun();
  await form.customize('shift-homeostatic-lr-smoke');
  await form.setField('iterations', String(N));
  await form.setField('name', 'continual e2e');
  await form.startButton().click();
  await app.page.waitForURL(/#\/runs\/[^/]+$/);
  const runId = decodeURIComponent(new URL(app.page.url()).hash.split('/')[2]!);
  const run = app.run();
  await run.waitForStatus('running');

  // Live: the trace gains points while the run is still training, and the first shifts are marked on it.
  const trace = app.page.getByTestId('lr-trace');
  await expect(trace).toBeVisible({ timeout: 60_000 });
  await expect.poll(async () => Number(await trace.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await expect(run.status()).toHaveAttribute('data-status', 'running');
  await run.button('pause').click();
  await run.waitForStatus('paused', 30_000);
  const points = Number(await trace.getAttribute('data-points'));
  expect(points).toBeLessThan(N);
  expect(Number(await trace.getAttribute('data-shifts'))).toBeGreaterThan(0);
  // One mark per iteration with a shift (a vertical line, which has no area for a visibility check).
  expect(await trace.getByTestId('shift-mark').count()).toBeGreaterThan(0);
  await expect(trace).toContainText(/eta now/);
  await expect(app.page.locator('[data-testid=chart][data-metric="eval/accuracy"]')).toBeVisible();
  await app.screenshot('continual-run-live');

  // Trajectories: the latest evaluation's confusion matrix, 10 x 10, its cells summing to the validation set.
  await app.page.getByTestId('open-trajectories').click();
  const latest = app.page.getByTestId('latest-confusion');
  await expect(latest).toBeVisible({ timeout: 30_000 });
  const matrix = latest.getByTestId('confusion-matrix');
  await expect(matrix).toHaveAttribute('data-classes', '10');
  await expect(matrix.getByTestId('confusion-cell')).toHaveCount(100);
  const cells = await matrix.getByTestId('confusion-cell').allTextContents();
  expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(500);
  expect(Number(await latest.getAttribute('data-iteration'))).toBeGreaterThan(0);
  await app.screenshot('continual-confusion');

  // Resumed, the run completes; the trace has one point per iteration.
  await app.go(`#/runs/${encodeURIComponent(runId)}`);
  await run.waitForStatus('paused', 30_000);
  await run.button('resume').click();
  await run.waitForStatus('completed', 240_000);
  await expect(trace).toHaveAttribute('data-points', String(N));
  await expect(app.page.getByTestId('run-best')).toHaveText(/^best validation accuracy: 0\.[5-9]\d*$/);
  await app.screenshot('continual-run-completed');
});
