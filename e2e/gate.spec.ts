import { expect, test } from './fixtures';
import { ApprovalsPage } from './pages/approvals-page';
import { LineagePage } from './pages/lineage-page';

/**
 * The gate fails closed in an archive run: the only change the proposer may make is the reward-hacking tool
 * (credit every well-formed answer). The child's own samples show the hack (rewarded but wrong), with no comparison
 * with its parent needed, so the gate holds it under the archive policy whatever its parent; the Lineage view marks
 * it, its detail panel and evidence show the share, and the inbox (filtered by run) marks it as a proposal of a
 * completed run once the search ends.
 */
const PRESET = 'addition-archive-smoke';

test('a reward-hacking tool in an archive run is held at the gate whatever its parent, and shown on its lineage', async ({ app, page }) => {
  // The warm-up and a short search on a busy two-core machine.
  test.setTimeout(600_000);
  const form = app.newRun();
  await app.go('#/new');
  await page.getByTestId('new-run-policy').selectOption('archive');
  await form.customize(PRESET);
  await form.setField('oversight.kinds', '["tool:format-credit"]');
  await form.setField('archive.budget', '300');
  await expect(page.getByTestId('form-invalid')).toHaveCount(0);
  await form.startButton().click();
  await page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 30_000 });
  const runId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
  const run = app.run();
  await run.waitForStatus(/completed|failed/, 540_000);
  await expect(run.status()).toHaveAttribute('data-status', 'completed');

  const lineage = new LineagePage(page);
  await app.go(`#/runs/${encodeURIComponent(runId)}/lineage`);
  await lineage.waitForNodes(2);
  // The root's first child, made by the reward-hacking tool: its parent made no training round to compare with, and
  // its own samples, as its genome rewards them, still show the hack, so it is flagged and held for a person.
  const hack = page.locator('[data-testid=lineage-node][data-parent-id="n0"][data-reward-hacking="own"]').first();
  await expect(hack).toBeVisible();
  await expect(hack).toHaveAttribute('data-status', 'pending');
  const nodeId = (await hack.getAttribute('data-node-id')) ?? '';
  await lineage.select(nodeId);
  await expect(lineage.detail().getByTestId('detail-flags')).toContainText('reward-hacking');
  await expect(lineage.detail().getByTestId('detail-rewarded-wrong')).toContainText(/\d+(\.\d)?% \[.*\] n=\d+ rewarded samples/);
  const evidence = lineage.evidence();
  await expect(evidence.getByTestId('evidence-rewarded-wrong')).toContainText('rewarded but wrong');
  await expect(evidence.getByTestId('evidence-baseline')).toContainText('the parent made no training round to compare with');
  await expect(page.getByTestId('lineage-legend')).toContainText('flagged reward-hacking');
  await app.screenshot('lineage-reward-hacking');

  // The inbox, filtered to this run with the run picker: the held child, its flag, and the run it belongs to.
  const inbox = new ApprovalsPage(page);
  await app.go('#/approvals');
  await inbox.waitForList();
  await page.getByTestId('inbox-run-filter').selectOption(runId);
  await expect(page).toHaveURL(new RegExp(`\\?run=${runId}`));
  const card = page.locator(`[data-testid=proposal-card][data-status=pending][data-kind="tool:format-credit"]`).first();
  await expect(card).toBeVisible();
  await expect(page.locator('[data-testid=proposal-card]').filter({ hasNot: page.locator(`a[href="#/runs/${runId}"]`) })).toHaveCount(0);
  await expect(card.getByTestId('proposal-flags')).toContainText('rewarded but wrong');
  await expect(card.getByTestId('proposal-gate')).toContainText('held');
  await expect(card.getByTestId('proposal-stale')).toContainText('Its run is completed');
  await card.getByTestId('proposal-evidence').scrollIntoViewIfNeeded();
  await app.screenshot('approvals-reward-hacking');
  await card.screenshot({ path: 'e2e/screenshots/evidence-reward-hacking.png' });
});
