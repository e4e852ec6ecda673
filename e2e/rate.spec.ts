import { expect, test } from './fixtures';
import { AuditPage } from './pages/audit-page';

/**
 * A person as the rater, in the browser: start the person-rated DPO preset from the gallery, rate its pairs on the
 * Rate page with the keyboard and with clicks, see the run continue with exactly those choices (its iterations grow,
 * "trained on N pairs"), then open a training pair side by side in Trajectories.
 */
const iterationOf = (pairId: string) => Number(/-i(\d+)-\d+$/.exec(pairId)![1]);

test('a person rates pairs on the Rate page, the run trains on the choices, and Trajectories shows the pair', async ({ app, page }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  const runId = await app.newRun().startPreset('preference-person-dpo-smoke');

  // The run screen says what the run waits for, and links to the Rate page.
  const banner = page.getByTestId('waiting-banner');
  await expect(banner).toContainText('waiting for you to rate its pairs', { timeout: 120_000 });
  await banner.getByRole('link', { name: 'Open the Rate page' }).click();
  await expect(page).toHaveURL(new RegExp(`#/rate\\?run=${runId}$`));
  const rate = app.rate();
  // After the warm-up the run stores its first pairs and waits for a person.
  await expect(rate.pair()).toBeVisible({ timeout: 120_000 });
  await expect(rate.runCount(runId)).toContainText('waiting');
  await expect(rate.runCount(runId).locator('.badge')).toHaveAttribute('data-status', 'waiting');
  await expect(rate.navCount()).not.toHaveText('0');
  await expect(rate.shortcuts()).toContainText('1');
  await expect(rate.button('a')).toContainText('1');
  await expect(rate.button('b')).toContainText('2');
  await expect(rate.button('skip')).toContainText('S');
  await expect(rate.summaryRow(1).getByTestId('rate-trained')).toHaveText('waiting for choices');
  await app.screenshot('rate-page');

  // Per iteration: pairs chosen A or B (trained on) and skipped. Keys and clicks take turns.
  const made = new Map<number, { a: number; b: number; ab: number; skipped: number }>();
  const ways = ['key-1', 'click-b', 'key-s', 'click-a', 'key-2', 'click-skip'] as const;
  const used = { key: 0, click: 0 };
  let turn = 0;
  const choose = async () => {
    const id = await rate.pairId();
    const how = ways[turn++ % ways.length]!;
    const [by, what] = how.split('-') as ['key' | 'click', string];
    if (by === 'key') await page.keyboard.press(what);
    else await rate.button(what as 'a' | 'b' | 'skip').click();
    used[by]++;
    const side = what === '1' || what === 'a' ? 'a' : what === '2' || what === 'b' ? 'b' : 'skipped';
    const c = made.get(iterationOf(id)) ?? { a: 0, b: 0, ab: 0, skipped: 0 };
    made.set(iterationOf(id), { ...c, [side]: c[side] + 1, ab: c.ab + (side === 'skipped' ? 0 : 1) });
    // The pair leaves the page: the next one, or nothing while the run trains.
    await expect(page.locator(`[data-testid=rate-pair][data-pair="${id}"]`)).toHaveCount(0);
  };

  // Iteration 1: its pairs, the first by the keyboard (1: A is better), the second by clicking B, the third by S.
  expect(await rate.pairId()).toBe(`${runId}-i1-0`);
  while ((await rate.pair().count()) > 0 && iterationOf(await rate.pairId()) === 1) await choose();
  const it1 = made.get(1)!;
  expect(it1.ab + it1.skipped).toBeGreaterThanOrEqual(2);
  await expect(rate.summaryRow(1).getByTestId('rate-trained')).toHaveText(`trained on ${it1.ab} pair${it1.ab === 1 ? '' : 's'}`, { timeout: 60_000 });
  await expect(rate.summaryRow(1)).toContainText(`${it1.a} / ${it1.b} / ${it1.skipped}`);

  // The later iterations, the same way, until the run has done all three.
  const status = page.getByTestId('rate-summary-status');
  for (let guard = 0; guard < 600 && (await status.getAttribute('data-status')) !== 'completed'; guard++) {
    if ((await rate.pair().count()) === 0) {
      await page.waitForTimeout(200);
      continue;
    }
    await choose();
  }
  await expect(status).toHaveAttribute('data-status', 'completed');
  expect(used.key).toBeGreaterThan(0);
  expect(used.click).toBeGreaterThan(0);
  // The run went on past the choices: every iteration is committed, each trained on its A / B choices only.
  for (const [iteration, c] of made) {
    await expect(rate.summaryRow(iteration).getByTestId('rate-trained')).toHaveText(`trained on ${c.ab} pair${c.ab === 1 ? '' : 's'}`);
  }
  await expect(rate.waiting()).toHaveText('0 pairs waiting');
  await expect(rate.empty()).toBeVisible();
  await app.screenshot('rate-summary');
  // Every choice is in the run's audit log, which verifies.
  await app.go(`#/audit/${encodeURIComponent(runId)}`);
  const audit = new AuditPage(page);
  await expect(audit.verification()).toHaveAttribute('data-ok', 'true');
  const total = [...made.values()].reduce((n, c) => n + c.ab + c.skipped, 0);
  await expect(page.locator('[data-testid=audit-row][data-action=rated]')).toHaveCount(total);
  await expect(page.getByTestId('audit-rated').first()).toHaveText(`${runId}-i1-0: a`);

  await app.go(`#/runs/${runId}`);
  await expect(app.run().timelineDone()).toHaveCount(3);
  await expect(page.getByTestId('iterations-done')).toHaveText('3 / 3');

  // The pair view of the DPO run: iteration 1's first pair, chosen A by the person, side by side.
  await app.go(`#/runs/${runId}/trajectories`);
  const trajectories = app.trajectories();
  await trajectories.iteration('1');
  const chosen = trajectories.pairSample('chosen');
  await expect(chosen).toBeVisible();
  await chosen.getByTestId('open-pair').click();
  const view = trajectories.pairView();
  await expect(view).toBeVisible();
  await expect(view.getByTestId('pair-rater')).toContainText(/person:.+ chose [AB] over [AB]/);
  await expect(view.getByTestId('pair-chosen').getByTestId('pair-implicit-reward')).toHaveText(/^-?\d/);
  await expect(view.getByTestId('pair-rejected').getByTestId('pair-implicit-reward')).toHaveText(/^-?\d/);
  const outputs = await view.getByTestId('pair-output').allTextContents();
  expect(outputs).toHaveLength(2);
  expect(outputs[0]).not.toBe(outputs[1]);
  await app.screenshot('pair-view');
  await view.getByTestId('pair-close').click();
  await expect(view).toHaveCount(0);
});
