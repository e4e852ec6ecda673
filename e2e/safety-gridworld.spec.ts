import { expect, test } from './fixtures';

/**
 * The safety gridworlds in the app: a safe-interruptibility A2C run started from the gallery is watched live (its
 * safety monitors charted while it trains) and stopped with the off switch; one of its episodes is then replayed move
 * by move in Trajectories, with the interruption and the button marked. An absent-supervisor run shows the supervisor.
 */
test('a safe-interruptibility run is watched live and one of its episodes replayed move by move', async ({ app }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  const runId = await app.newRun().startPreset('safe-interruptibility-a2c');
  const run = app.run();
  await run.waitForStatus('running', 60_000);
  // Live: the monitors of the evaluation episodes fill in while the run goes on (evaluated every 5 iterations).
  const buttonRate = app.page.locator('[data-testid=chart][data-metric="safety/button_rate"]');
  await expect(buttonRate).toBeVisible({ timeout: 120_000 });
  await expect(async () => {
    expect(Number(await buttonRate.getAttribute('data-points'))).toBeGreaterThanOrEqual(3);
  }).toPass({ timeout: 180_000 });
  await expect(run.status()).toHaveAttribute('data-status', 'running');
  await expect(app.page.locator('[data-testid=chart][data-metric="eval/return"]')).toBeVisible();
  await app.screenshot('safety-run-live');
  await run.button('stop').click();
  await run.waitForStatus('stopped', 60_000);

  await app.go(`#/runs/${encodeURIComponent(runId)}/trajectories`);
  const view = app.trajectories();
  await expect(view.samples().first()).toBeVisible({ timeout: 30_000 });
  const replay = view.samples().first().getByTestId('safety-replay');
  await expect(replay).toHaveAttribute('data-world', 'safe-interruptibility');
  const steps = Number(await replay.getAttribute('data-steps'));
  expect(steps).toBeGreaterThan(0);
  // It opens on the episode's end; back to the start: the authors' 7x8 board with I, B and G, the agent at its start.
  await expect(replay).toHaveAttribute('data-step', String(steps));
  await replay.getByTestId('replay-first').click();
  await expect(replay).toHaveAttribute('data-step', '0');
  await expect(replay.getByTestId('replay-caption')).toHaveText('start');
  await expect(replay.getByTestId('safety-cell')).toHaveCount(56);
  await expect(replay.locator('[data-testid=safety-cell][data-tile=interruption]')).toHaveCount(1);
  await expect(replay.locator('[data-testid=safety-cell][data-tile=button]')).toHaveCount(1);
  await expect(replay.locator('[data-testid=safety-cell][data-tile=goal]')).toHaveCount(1);
  await expect(replay.locator('.cell.agent')).toHaveCount(1);
  await expect(replay.getByTestId('replay-scores')).toContainText(/set to interrupt|not set to interrupt/);
  // Step by step: each move moves the caption on.
  await replay.getByTestId('replay-next').click();
  await expect(replay).toHaveAttribute('data-step', '1');
  await expect(replay.getByTestId('replay-caption')).toHaveText(/^move 1 of \d+: [URDL]/);
  await replay.getByTestId('replay-prev').click();
  await expect(replay).toHaveAttribute('data-step', '0');
  // Play runs on by itself.
  await replay.getByTestId('replay-play').click();
  await expect(replay).not.toHaveAttribute('data-step', '0', { timeout: 5_000 });
  await replay.getByTestId('replay-play').click();
  await app.screenshot('safety-replay');
});

test('an absent-supervisor run draws the supervisor in the episodes where it was present', async ({ app }) => {
  test.setTimeout(180_000);
  await app.go('#/new');
  const runId = await app.newRun().startPreset('absent-supervisor-q-learning-smoke');
  await app.run().waitForStatus('completed', 120_000);
  await app.go(`#/runs/${encodeURIComponent(runId)}/trajectories`);
  const view = app.trajectories();
  await expect(view.samples().first()).toBeVisible({ timeout: 30_000 });
  const replays = app.page.getByTestId('safety-replay');
  await expect(replays.first()).toHaveAttribute('data-world', 'absent-supervisor');
  const supervised = app.page.locator('[data-testid=replay-scores]', { hasText: 'supervisor present' });
  const unsupervised = app.page.locator('[data-testid=replay-scores]', { hasText: 'supervisor absent' });
  expect(await supervised.count()).toBeGreaterThan(0);
  expect(await unsupervised.count()).toBeGreaterThan(0);
  // S tiles frame the board only when the supervisor is present; the punishment tile P is always there.
  const withSupervisor = replays.filter({ has: app.page.getByText('supervisor present') }).first();
  await expect(withSupervisor.locator('[data-testid=safety-cell][data-tile=supervisor]')).toHaveCount(12);
  await expect(withSupervisor.locator('[data-testid=safety-cell][data-tile=punishment]')).toHaveCount(1);
  const without = replays.filter({ has: app.page.getByText('supervisor absent') }).first();
  await expect(without.locator('[data-testid=safety-cell][data-tile=supervisor]')).toHaveCount(0);
});

/**
 * A governed safe-interruptibility run (the archive policy the preset names: only flagged children wait): the child
 * that learnt to press the button is held, and its card in Approvals shows the corrigibility flag with the button-use
 * rates of parent and child and their intervals.
 */
test('a governed safety run holds the child that learnt the button, and Approvals shows the corrigibility flag with its numbers', async ({ app, page }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  const runId = await app.newRun().startPreset('safe-interruptibility-governed-smoke');
  await app.run().waitForStatus('completed', 240_000);
  await app.go(`#/approvals?run=${encodeURIComponent(runId)}`);
  const flagged = page.locator('[data-testid=proposal-card][data-status=pending][data-flags~=corrigibility]').first();
  await expect(flagged).toBeVisible({ timeout: 30_000 });
  await expect(flagged.getByTestId('proposal-flags').locator('[data-flag=corrigibility]')).toContainText('safety/button_rate rose');
  const safety = flagged.getByTestId('evidence-safety');
  await expect(safety).toHaveAttribute('data-world', 'safe-interruptibility');
  await expect(safety.getByTestId('evidence-corrigibility')).toContainText(/parent 0% \(95% Wilson 0%-19%, n 16\), child 100%/);
  const button = safety.locator('[data-measure="safety/button_rate"]');
  await expect(button).toContainText('0.0% [0.0, 19.4] n=16');
  await expect(button).toContainText('100.0% [80.6, 100.0] n=16');
  await flagged.scrollIntoViewIfNeeded();
  await app.screenshot('approvals-corrigibility-flag');
});
