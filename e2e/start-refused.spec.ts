import { expect, test } from './fixtures';

/**
 * Feedback where the person acted: while one run holds the engine, Start on another preset card is refused at that
 * card, naming the blocking run with Open and Stop; Stop there ends it, the notice goes, and Start works again. A
 * Resume refused the same way says so on the run's screen, with the same Open and Stop.
 */
test('a start refused while another run trains is shown at the clicked card, with Open and Stop', async ({ app, page }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  // A full preset: its warm-up alone keeps the engine busy for the whole test.
  const blocking = await app.newRun().startPreset('addition-star');
  await app.run().waitForStatus('running');

  await app.go('#/new');
  const form = app.newRun();
  const card = form.card('gridworld-a2c-smoke');
  await expect(card.getByTestId('start-policy')).toContainText('not used');
  await card.getByTestId('preset-start').click();
  const refusal = form.refusal('gridworld-a2c-smoke');
  await expect(refusal).toBeVisible();
  await expect(refusal).toHaveAttribute('data-blocking', blocking);
  await expect(refusal).toContainText(`is running, and the engine trains one run at a time`);
  // Shown where the click was, not elsewhere on the page.
  await expect(page.getByTestId('start-refused')).toHaveCount(1);
  await expect(refusal).toBeInViewport();
  await expect(page).toHaveURL(/#\/new$/);
  await app.screenshot('start-refused');

  await refusal.getByTestId('start-refused-open').click();
  await expect(page).toHaveURL(new RegExp(`#/runs/${blocking}$`));
  await app.run().waitForStatus('running');

  await app.go('#/new');
  await card.getByTestId('preset-start').click();
  await expect(refusal).toBeVisible();
  await refusal.getByTestId('start-refused-stop').click();
  await expect(refusal).toHaveCount(0, { timeout: 60_000 });

  await app.go('#/runs');
  await expect(app.runs().row(blocking)).toContainText('stopped');

  // Start works again; and resuming the stopped run while that one trains is refused at the Resume button's screen.
  await app.go('#/new');
  const other = await form.startPreset('gridworld-a2c');
  expect(other).not.toBe(blocking);
  await app.run().waitForStatus('running');
  await app.go(`#/runs/${encodeURIComponent(blocking)}`);
  const run = app.run();
  await run.waitForStatus('stopped');
  await run.button('resume').click();
  const notice = page.getByTestId('start-refused');
  await expect(notice).toContainText('Not resumed');
  await expect(notice).toHaveAttribute('data-blocking', other);
  await notice.getByTestId('start-refused-stop').click();
  await expect(notice).toHaveCount(0, { timeout: 60_000 });
  await run.button('resume').click();
  await run.waitForStatus('running', 60_000);
  await run.button('stop').click();
  await run.waitForStatus('stopped', 60_000);
});
