import { expect, test } from './fixtures';
import { ApprovalsPage } from './pages/approvals-page';

/**
 * A governed classifier run in the app: the governed concept-shift smoke preset, with the constant-rate learner so
 * that its rate is exactly what the knob says, started under the "ask" policy. After round 1 it waits; on the
 * Approvals page the person approves the proposal to double the learning rate (its evidence: validation accuracy
 * before and after, the shift monitors) and the round's weights; the run goes on, and round 2 trains at the new rate.
 */
test('a person approves a learning-rate proposal of a classifier run and the run continues at the new rate', async ({ app, page }) => {
  test.setTimeout(300_000);
  await app.go('#/new');
  const form = app.newRun();
  await form.customize('shift-governed-smoke');
  // After the preset is loaded: loading it takes the policy it names (auto), and the person then chooses ask.
  await page.getByTestId('new-run-policy').selectOption('ask');
  await form.field('recipe').selectOption('constant-lr');
  await form.setField('recipe.batchesPerIteration', '50');
  await form.setField('recipe.learningRate', '0.01');
  await form.setField('iterations', '2');
  await form.setField('name', 'governed classifier e2e');
  await expect(form.startButton()).toContainText('ask policy');
  await form.startButton().click();
  await page.waitForURL(/#\/runs\/[^/]+$/);
  const runId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
  const run = app.run();

  // Round 1 trains, then the run waits for a person: every proposal is the person's under "ask".
  await run.waitForStatus('waiting', 120_000);
  const trace = page.getByTestId('lr-trace');
  await expect(trace).toContainText('eta now 0.01');
  await expect(page.getByTestId('oversight-genome')).toContainText('0.01');

  const inbox = new ApprovalsPage(page);
  await app.go(`#/approvals?run=${encodeURIComponent(runId)}`);
  await inbox.waitForList();
  const rate = page.locator('[data-testid=proposal-card][data-status=pending][data-kind="workflow:raise-learning-rate"]').first();
  await expect(rate).toBeVisible();
  await expect(rate).toContainText('workflow.recipe.learningRate');
  await expect(rate.getByTestId('proposal-monitors')).toContainText('shift/acc_after');
  await expect(rate.getByTestId('evidence-not-applicable')).toContainText('exploration-collapse');
  await expect(rate.getByTestId('heldout-after')).toContainText('500');
  await rate.scrollIntoViewIfNeeded();
  await app.screenshot('approvals-classifier-proposal');
  const rateId = (await rate.getAttribute('data-proposal-id'))!;
  await inbox.approve(rateId);
  const promote = page.locator('[data-testid=proposal-card][data-status=pending][data-kind="model:promote"]').first();
  await inbox.approve((await promote.getAttribute('data-proposal-id'))!);

  // The run goes on: round 2 trains at the approved rate, then waits for its own proposals.
  await app.go(`#/runs/${encodeURIComponent(runId)}`);
  await expect(trace).toHaveAttribute('data-points', '2', { timeout: 120_000 });
  await expect(trace).toContainText('eta now 0.02');
  await expect(page.getByTestId('oversight-genome')).toContainText('0.02');
  await run.waitForStatus(/waiting|completed/, 120_000);
  await app.screenshot('governed-classifier-run');

  await app.go('#/approvals/decided');
  await expect(inbox.card(rateId)).toHaveAttribute('data-status', 'applied');
  await app.go(`#/runs/${encodeURIComponent(runId)}`);
  await run.button('stop').click();
  await run.waitForStatus(/stopped|completed/, 60_000);
});
